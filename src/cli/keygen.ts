import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import type { JWK } from 'jose';
import { generateSigningKey, signatureAlgorithms, type SignatureAlgorithm } from '../crypto/jwk.js';
import { fail } from './fail.js';
import { userPath } from './user-path.js';

interface KeygenOptions {
  alg: SignatureAlgorithm;
  out: string;
  force?: boolean;
}

/** Creates `path` with mode 0600 and the content; O_EXCL, so it never follows a symlink nor overwrites. */
async function createSecretFile(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    // The mode given to open is masked by the umask; this makes it exactly 0600 whatever the umask.
    await handle.chmod(0o600);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes the private JWK. Without `force` an existing file is never touched. With it, the new key
 * goes to a fresh file beside the old one and is renamed over it, so the file is never briefly
 * readable by others nor half-written, and a symlink at `path` is replaced rather than followed.
 */
export async function writePrivateJwk(path: string, jwk: JWK, force = false): Promise<void> {
  const content = `${JSON.stringify(jwk, null, 2)}\n`;
  if (!force) {
    await createSecretFile(path, content);
    return;
  }
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await createSecretFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export function keygenCommand(): Command {
  return new Command('keygen')
    .description(
      "make a school's signing key pair: the private JWK goes to --out (mode 0600), the public JWK is printed as the body of POST /v1/schools/{id}/keys",
    )
    .addOption(new Option('--alg <alg>', 'signature algorithm').choices(signatureAlgorithms).default('EdDSA'))
    .requiredOption('--out <file>', 'where to write the private JWK', userPath)
    .option('--force', 'replace the file if it exists')
    .action(async (options: KeygenOptions) => {
      const { privateJwk, publicJwk } = await generateSigningKey(options.alg);
      try {
        await writePrivateJwk(options.out, privateJwk, options.force === true);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST')
          fail(`${options.out} already exists; pass --force to replace it (the key in it will be lost)`);
        fail(`cannot write ${options.out}: ${(error as Error).message}`);
      }
      process.stdout.write(`${JSON.stringify({ jwk: publicJwk }, null, 2)}\n`);
      console.error(`Private key (${options.alg}, kid ${privateJwk.kid}) written to ${options.out}; keep it secret.`);
      console.error('Register the public key printed above with POST /v1/schools/{id}/keys.');
    });
}
