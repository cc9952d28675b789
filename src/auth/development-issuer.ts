import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { publicJwkOf } from '../crypto/jwk.js';
import type { Principal } from './principal.js';

/** Where the development issuer keeps its private key: only for local use, never in production. */
export const developmentKeyFile = (dataDir: string): string => join(dataDir, 'development-issuer.jwk.json');

export interface DevelopmentIssuerKey {
  key: JWK;
  file: string;
  /** No key was there: this call made it. */
  created: boolean;
}

/** Loads the development issuer's private JWK, making it on first use, and says which it was. */
export async function loadDevelopmentIssuerKey(dataDir: string): Promise<DevelopmentIssuerKey> {
  const file = developmentKeyFile(dataDir);
  const existing = async (): Promise<DevelopmentIssuerKey> => ({
    key: JSON.parse(await readFile(file, 'utf8')) as JWK,
    file,
    created: false,
  });
  if (existsSync(file)) return existing();
  await mkdir(dataDir, { recursive: true });
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const key: JWK = { ...jwk, alg: 'EdDSA', use: 'sig', kid: await calculateJwkThumbprint(jwk) };
  try {
    await writeFile(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first (server and `emswp token` at once): use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return existing();
    throw error;
  }
  return { key, file, created: true };
}

/** Loads the development issuer's private JWK, making it on first use. */
export async function developmentIssuerKey(dataDir: string): Promise<JWK> {
  return (await loadDevelopmentIssuerKey(dataDir)).key;
}

export function developmentIssuerKeys(privateJwk: JWK): JWTVerifyGetKey {
  return createLocalJWKSet({ keys: [publicJwkOf(privateJwk)] });
}

export interface MintOptions {
  issuer: string;
  audience: string;
  principal: Principal;
  ttlSeconds: number;
}

/** Signs an access token: what `emswp token` prints and what the tests call with. */
export async function mintAccessToken(
  privateJwk: JWK,
  { issuer, audience, principal, ttlSeconds }: MintOptions,
): Promise<string> {
  const alg = privateJwk.alg ?? 'EdDSA';
  const key = await importJWK(privateJwk, alg);
  const { sub, ...claims } = principal;
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid: privateJwk.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}
