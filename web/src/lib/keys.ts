import { calculateJwkThumbprint, exportJWK, importJWK, type JWK } from 'jose';
import type { StoredKey } from './key-store';

const signingAlgorithms = ['EdDSA', 'ES256', 'ES384', 'PS256', 'RS256'] as const;
type SigningAlgorithm = (typeof signingAlgorithms)[number];

export interface NewKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  alg: SigningAlgorithm;
}

/** Ed25519 where the browser has it, P-256 otherwise; the private key can never be exported. */
export async function makeBrowserKey(): Promise<NewKey> {
  try {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    return { privateKey: pair.privateKey, publicJwk: await exportJWK(pair.publicKey), alg: 'EdDSA' };
  } catch {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    return { privateKey: pair.privateKey, publicJwk: await exportJWK(pair.publicKey), alg: 'ES256' };
  }
}

/** A problem with a key file, in words for the person who chose it. */
export class KeyFileError extends Error {}

function algorithmFor(jwk: JWK): SigningAlgorithm {
  if (typeof jwk.alg === 'string') {
    if ((signingAlgorithms as readonly string[]).includes(jwk.alg)) return jwk.alg as SigningAlgorithm;
    throw new KeyFileError(
      `This key is for ${jwk.alg}, which the service does not accept (EdDSA, ES256, ES384, PS256 or RS256).`,
    );
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-384') return 'ES384';
  if (jwk.kty === 'RSA') return 'RS256';
  throw new KeyFileError(`This key's type (${jwk.kty ?? 'none'} ${jwk.crv ?? ''}) is not one the service accepts.`);
}

/** The public half of a private JWK: what is registered, never the private part. */
export function publicPart(jwk: JWK): JWK {
  const { kty, crv, x, y, n, e, kid, alg } = jwk;
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e, kid, alg }).filter(([, v]) => v !== undefined));
}

export interface LoadedKey extends NewKey {
  kid: string;
}

/**
 * Reads a private JWK file (as `emswp keygen` writes it) without sending it anywhere: checks it is a
 * private asymmetric key and imports it as a key that cannot be exported again.
 */
export async function readPrivateKeyFile(text: string): Promise<LoadedKey> {
  let jwk: JWK;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    jwk = parsed as JWK;
  } catch {
    throw new KeyFileError(
      'This file is not a JWK: it is not a JSON object. Choose the private key file emswp keygen wrote.',
    );
  }
  if ('keys' in jwk)
    throw new KeyFileError('This file is a key set (JWKS), not one private key. Choose the private key file.');
  if (jwk.kty === 'oct')
    throw new KeyFileError(
      'This is a symmetric (shared-secret) key. Documents are signed with a private key of a key pair.',
    );
  if (typeof jwk.kty !== 'string')
    throw new KeyFileError('This file is not a JWK: it has no "kty". It may be damaged.');
  if (jwk.d === undefined)
    throw new KeyFileError(
      'This is a public key. Choose the private key file (it has a "d" field and stays on this computer).',
    );
  const alg = algorithmFor(jwk);
  let privateKey: CryptoKey;
  try {
    privateKey = (await importJWK(jwk, alg, { extractable: false })) as CryptoKey;
  } catch {
    throw new KeyFileError('This key file is damaged: its numbers do not make a valid key.');
  }
  const publicJwk = publicPart(jwk);
  const kid = typeof jwk.kid === 'string' ? jwk.kid : await calculateJwkThumbprint(publicJwk);
  return { privateKey, publicJwk, alg, kid };
}

export const toStored = (key: LoadedKey, source: StoredKey['source']): StoredKey => ({
  kid: key.kid,
  alg: key.alg,
  privateKey: key.privateKey,
  source,
  added_at: new Date().toISOString(),
});
