import { createPrivateKey, createPublicKey, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JWK } from 'jose';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config.js';
import { generateSigningKey, type SignatureAlgorithm } from './jwk.js';
import { acceptPublicJwk, JwkRefusal, privateJwkMembers, type PublicSigningJwk } from './public-jwk.js';

/** The service's own signing key: it signs receipts and log checkpoints, and is published at /.well-known/jwks.json. */
export interface ServiceKey {
  /** The private JWK as loaded, with kid and alg. */
  privateJwk: JWK;
  /** Ready for signing (jose accepts a KeyObject), so no signature has to import the JWK again. */
  privateKey: KeyObject;
  publicJwk: PublicSigningJwk;
  kid: string;
  alg: SignatureAlgorithm;
}

export const defaultServiceKeyFile = (dataDir: string): string => join(dataDir, 'service-signing-key.jwk.json');

/**
 * Checks a private JWK and derives its public half. The public members are recomputed from the
 * private key, so a file whose x/y/n do not belong to its d is refused rather than publishing a key
 * that would never verify what we sign.
 */
export async function serviceKeyFrom(privateJwk: unknown, source: string): Promise<ServiceKey> {
  if (typeof privateJwk !== 'object' || privateJwk === null || Array.isArray(privateJwk))
    throw new JwkRefusal(`${source} is not a JSON object`);
  const jwk = privateJwk as JWK;
  if (typeof jwk.d !== 'string') throw new JwkRefusal(`${source} is not a private key (it has no "d")`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    throw new JwkRefusal(`${source} is not a usable private key`);
  }
  const derived = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicMembers = Object.fromEntries(Object.entries(jwk).filter(([name]) => !privateJwkMembers.includes(name)));
  for (const name of ['x', 'y', 'n', 'e'] as const) {
    if (derived[name] !== undefined && derived[name] !== publicMembers[name]) {
      throw new JwkRefusal(`${source}: the public member "${name}" does not belong to the private key`);
    }
  }
  const { jwk: publicJwk, kid, alg } = await acceptPublicJwk(publicMembers);
  return { privateJwk: { ...jwk, kid, alg }, privateKey, publicJwk, kid, alg };
}

async function readKeyFile(file: string, variable: string, logger?: Logger): Promise<ServiceKey> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      variable,
      `cannot read the service signing key ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const mode = (await stat(file)).mode;
  if ((mode & 0o077) !== 0) {
    logger?.warn(
      { file, mode: `0${(mode & 0o777).toString(8)}` },
      'the service signing key file can be read by other users; make it mode 0600',
    );
  }
  try {
    return await serviceKeyFrom(parsed, file);
  } catch (error) {
    if (error instanceof JwkRefusal) throw new ConfigError(variable, error.message);
    throw error;
  }
}

/**
 * Loads the service key from SERVICE_SIGNING_KEY_FILE (which must exist: an operator who names a
 * file expects that key, not a new one), or from DATA_DIR, making an Ed25519 key there on first start.
 */
export async function loadServiceKey(
  config: Pick<Config, 'dataDir' | 'service'>,
  logger?: Logger,
): Promise<ServiceKey> {
  const configured = config.service.signingKeyFile;
  if (configured !== undefined) {
    if (!existsSync(configured)) throw new ConfigError('SERVICE_SIGNING_KEY_FILE', `no such file: ${configured}`);
    return readKeyFile(configured, 'SERVICE_SIGNING_KEY_FILE', logger);
  }
  const file = defaultServiceKeyFile(config.dataDir);
  if (existsSync(file)) return readKeyFile(file, 'DATA_DIR', logger);
  await mkdir(dirname(file), { recursive: true });
  const { privateJwk } = await generateSigningKey('EdDSA');
  // Written aside, then linked into place: link() fails if the file exists, so of two processes
  // starting together one key wins, and neither ever reads a half-written file.
  const pending = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(pending, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(pending, file);
    logger?.info({ file, kid: privateJwk.kid }, 'made the service signing key');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(pending);
  }
  return readKeyFile(file, 'DATA_DIR', logger);
}
