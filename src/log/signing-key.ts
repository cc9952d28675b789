import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config.js';
import { rawEd25519PublicKey, verifierKey } from './note.js';

/** The log's own Ed25519 key: it signs checkpoints and nothing else. */
export interface LogKey {
  /** The key name, which is the log's origin. */
  origin: string;
  privateKey: KeyObject;
  publicKey: Buffer;
  /** The note verifier key, published at /log/vkey. */
  vkey: string;
}

export const defaultLogKeyFile = (dataDir: string): string => join(dataDir, 'log-signing-key.jwk.json');

async function readLogKey(file: string, variable: string, origin: string, logger?: Logger): Promise<LogKey> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: JSON.parse(await readFile(file, 'utf8')), format: 'jwk' });
  } catch (error) {
    throw new ConfigError(
      variable,
      `cannot read the log signing key ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(variable, `${file} is not an Ed25519 private key (checkpoints are signed with Ed25519)`);
  }
  const mode = (await stat(file)).mode;
  if ((mode & 0o077) !== 0) {
    logger?.warn(
      { file, mode: `0${(mode & 0o777).toString(8)}` },
      'the log signing key file can be read by other users; make it mode 0600',
    );
  }
  const publicKey = rawEd25519PublicKey(createPublicKey(privateKey));
  return { origin, privateKey, publicKey, vkey: verifierKey(origin, publicKey) };
}

/**
 * Loads the log key from LOG_SIGNING_KEY_FILE (which must exist), or from DATA_DIR, making one there
 * on first start: a private Ed25519 JWK, mode 0600, written aside and linked into place so two
 * processes starting together agree on one key.
 */
export async function loadLogKey(config: Pick<Config, 'dataDir' | 'log'>, logger?: Logger): Promise<LogKey> {
  const { origin, signingKeyFile } = config.log;
  if (signingKeyFile !== undefined) {
    if (!existsSync(signingKeyFile)) throw new ConfigError('LOG_SIGNING_KEY_FILE', `no such file: ${signingKeyFile}`);
    return readLogKey(signingKeyFile, 'LOG_SIGNING_KEY_FILE', origin, logger);
  }
  const file = defaultLogKeyFile(config.dataDir);
  if (!existsSync(file)) {
    await mkdir(dirname(file), { recursive: true });
    const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const pending = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(pending, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    try {
      await link(pending, file);
      logger?.info({ file }, 'made the transparency log signing key');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(pending);
    }
  }
  return readLogKey(file, 'DATA_DIR', origin, logger);
}
