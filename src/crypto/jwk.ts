import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * The only signature algorithms this service accepts from anyone: asymmetric, so holding a public
 * key never lets one sign (no HMAC), and never `none`.
 */
export const signatureAlgorithms = ['EdDSA', 'ES256', 'ES384', 'PS256', 'RS256'] as const;
export type SignatureAlgorithm = (typeof signatureAlgorithms)[number];

export const isSignatureAlgorithm = (value: unknown): value is SignatureAlgorithm =>
  typeof value === 'string' && (signatureAlgorithms as readonly string[]).includes(value);

/** RSA keys we make are 3072 bits (NIST's size for use beyond 2030); 2048 is the least we accept. */
export const rsaModulusBits = 3072;

/** Whether `alg` can be used with this key at all: the check that stops algorithm confusion. */
export function algorithmFitsKey(alg: SignatureAlgorithm, jwk: JWK): boolean {
  switch (alg) {
    case 'EdDSA':
      return jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
    case 'ES256':
      return jwk.kty === 'EC' && jwk.crv === 'P-256';
    case 'ES384':
      return jwk.kty === 'EC' && jwk.crv === 'P-384';
    case 'PS256':
    case 'RS256':
      return jwk.kty === 'RSA';
  }
}

const publicMembers = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;

/**
 * The public half of a JWK: key material members of RFC 7518 plus alg, kid and use. Everything else
 * (d, p, q, dp, dq, qi, oth, k, key_ops, x5c, ...) is dropped rather than filtered out one by one,
 * so a member we did not think of can never leak a secret.
 */
export function publicJwkOf(jwk: JWK): JWK {
  const out: Record<string, string> = {};
  for (const name of publicMembers) {
    const value = jwk[name];
    if (typeof value === 'string') out[name] = value;
  }
  if (typeof jwk.alg === 'string') out.alg = jwk.alg;
  if (typeof jwk.kid === 'string') out.kid = jwk.kid;
  out.use = 'sig';
  return out as JWK;
}

/** RFC 7638 SHA-256 thumbprint, base64url: the kid keygen assigns and the registry defaults to. */
export const jwkThumbprint = (jwk: JWK): Promise<string> => calculateJwkThumbprint(publicJwkOf(jwk), 'sha256');

export interface SigningKeyPair {
  /** Private JWK with alg, kid (thumbprint) and use: what `emswp keygen` writes to its file. */
  privateJwk: JWK;
  /** Public members plus alg, kid and use: what a school registers. */
  publicJwk: JWK;
}

/** Makes a signing key pair for one of the accepted algorithms (Ed25519, P-256, P-384, RSA 3072). */
export async function generateSigningKey(alg: SignatureAlgorithm = 'EdDSA'): Promise<SigningKeyPair> {
  const options =
    alg === 'EdDSA' ? { crv: 'Ed25519' } : alg === 'PS256' || alg === 'RS256' ? { modulusLength: rsaModulusBits } : {};
  const { privateKey } = await generateKeyPair(alg, { ...options, extractable: true });
  const exported = await exportJWK(privateKey);
  const kid = await jwkThumbprint(exported);
  const privateJwk: JWK = { ...exported, alg, kid, use: 'sig' };
  return { privateJwk, publicJwk: publicJwkOf(privateJwk) };
}
