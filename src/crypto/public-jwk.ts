import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { algorithmFitsKey, isSignatureAlgorithm, signatureAlgorithms, type SignatureAlgorithm } from './jwk.js';

/** Why a JWK is refused; the message is safe to show the sender and names the rule. */
export class JwkRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwkRefusal';
  }
}

/** A public signing key as this service stores and publishes it. */
export interface PublicSigningJwk {
  kty: 'OKP' | 'EC' | 'RSA';
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  kid: string;
  alg: SignatureAlgorithm;
  use: 'sig';
}

export interface AcceptedJwk {
  jwk: PublicSigningJwk;
  alg: SignatureAlgorithm;
  kid: string;
  /** RFC 7638 SHA-256 thumbprint of the canonical key members. */
  thumbprint: string;
}

export const minimumRsaBits = 2048;
/** Larger moduli buy nothing real and make every verification slower: a cost a sender could impose on us. */
export const maximumRsaBits = 8192;

/**
 * A kid ends up in URL paths (`/keys/{kid}/revoke`), so it is kept to URL-safe characters and never
 * starts with a dot (a `.` or `..` segment). Thumbprints (base64url) always fit.
 */
export const kidPattern = '^[A-Za-z0-9_-][A-Za-z0-9._:~-]{0,127}$';
const kidRegExp = new RegExp(kidPattern);

/** The members that make a JWK private (RFC 7518): a public key never carries one. */
export const privateJwkMembers: readonly string[] = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];
const keyMembers = ['kty', 'crv', 'x', 'y', 'n', 'e'];
/** Members a public signing JWK may carry. Anything else (x5c, jku, ...) is refused, not silently dropped. */
const acceptedMembers = new Set([...keyMembers, 'kid', 'alg', 'use', 'key_ops', 'ext']);

const curveBytes: Record<string, { kty: 'OKP' | 'EC'; bytes: number; alg: SignatureAlgorithm }> = {
  Ed25519: { kty: 'OKP', bytes: 32, alg: 'EdDSA' },
  'P-256': { kty: 'EC', bytes: 32, alg: 'ES256' },
  'P-384': { kty: 'EC', bytes: 48, alg: 'ES384' },
};

const base64url = /^[A-Za-z0-9_-]+$/;

function base64urlBytes(value: unknown, member: string): Buffer {
  if (typeof value !== 'string' || !base64url.test(value) || value.length % 4 === 1) {
    throw new JwkRefusal(`"${member}" must be a base64url string without padding`);
  }
  return Buffer.from(value, 'base64url');
}

function checkMembers(jwk: Record<string, unknown>): void {
  if (typeof jwk.kty !== 'string') throw new JwkRefusal('a JWK needs a "kty" string (RFC 7517)');
  if (jwk.kty === 'oct' || 'k' in jwk) {
    throw new JwkRefusal('symmetric keys are refused: anyone who can check an HMAC signature could also forge one');
  }
  const secret = privateJwkMembers.filter((name) => name in jwk);
  if (secret.length > 0) {
    throw new JwkRefusal(
      `this is a private key (it has "${secret.join('", "')}"): send only the public key, and keep the private one at the school`,
    );
  }
  if (!['OKP', 'EC', 'RSA'].includes(jwk.kty))
    throw new JwkRefusal(`key type "${jwk.kty}" is not supported; use OKP (Ed25519), EC (P-256, P-384) or RSA`);
  const unknown = Object.keys(jwk).filter((name) => !acceptedMembers.has(name));
  if (unknown.length > 0) {
    throw new JwkRefusal(
      `member "${unknown[0]}" is not accepted; a key here carries only kty, crv, x, y, n, e, kid, alg, use and key_ops`,
    );
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new JwkRefusal('"use" must be "sig": these keys only sign');
  if (jwk.key_ops !== undefined) {
    const ops = jwk.key_ops;
    if (!Array.isArray(ops) || ops.length === 0 || ops.some((op) => op !== 'verify')) {
      throw new JwkRefusal('"key_ops" of a public signing key may only be ["verify"]');
    }
  }
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || !kidRegExp.test(jwk.kid))) {
    throw new JwkRefusal('"kid" must be 1 to 128 characters of A-Z, a-z, 0-9 and . _ : ~ -, not starting with a dot');
  }
}

/** Which algorithm the key will be used with: its own `alg` if it fits, else the one its curve implies. */
function algorithmOf(jwk: Record<string, unknown>): SignatureAlgorithm {
  const alg = jwk.alg;
  if (alg !== undefined) {
    if (!isSignatureAlgorithm(alg)) {
      throw new JwkRefusal(`alg "${String(alg)}" is not allowed; use one of ${signatureAlgorithms.join(', ')}`);
    }
    if (!algorithmFitsKey(alg, jwk as JWK)) {
      throw new JwkRefusal(`alg ${alg} does not fit a ${String(jwk.kty)}${jwk.crv ? ` ${String(jwk.crv)}` : ''} key`);
    }
    return alg;
  }
  if (jwk.kty === 'RSA') {
    throw new JwkRefusal('an RSA key must say which algorithm it signs with: "alg": "PS256" or "RS256"');
  }
  return curveBytes[jwk.crv as string]?.alg as SignatureAlgorithm;
}

function checkKeyMaterial(jwk: Record<string, unknown>): KeyObject {
  if (jwk.kty === 'RSA') {
    if ('crv' in jwk || 'x' in jwk || 'y' in jwk) throw new JwkRefusal('an RSA key has "n" and "e", not curve members');
    const n = base64urlBytes(jwk.n, 'n');
    const e = base64urlBytes(jwk.e, 'e');
    if (e.length > 8 || (e.at(-1) ?? 0) % 2 === 0 || (e.length === 1 && e[0] === 1)) {
      throw new JwkRefusal('the RSA public exponent "e" must be odd, greater than 1 and at most 64 bits');
    }
    const leadingZeros = n.findIndex((byte) => byte !== 0);
    const bits = leadingZeros < 0 ? 0 : (n.length - leadingZeros) * 8 - Math.clz32(n[leadingZeros] as number) + 24;
    if (bits < minimumRsaBits)
      throw new JwkRefusal(`RSA keys need at least ${minimumRsaBits} bits; this one has ${bits}`);
    if (bits > maximumRsaBits)
      throw new JwkRefusal(`RSA keys of more than ${maximumRsaBits} bits are not accepted; this one has ${bits}`);
  } else {
    if ('n' in jwk || 'e' in jwk) throw new JwkRefusal(`a ${jwk.kty as string} key has curve members, not "n" and "e"`);
    const crv = jwk.crv;
    const curve = typeof crv === 'string' ? curveBytes[crv] : undefined;
    if (curve === undefined || curve.kty !== jwk.kty) {
      const allowed = jwk.kty === 'OKP' ? 'Ed25519' : 'P-256 or P-384';
      throw new JwkRefusal(
        `curve ${typeof crv === 'string' ? `"${crv}"` : '(none)'} is not supported for ${jwk.kty as string} keys; use ${allowed}`,
      );
    }
    if (base64urlBytes(jwk.x, 'x').length !== curve.bytes)
      throw new JwkRefusal(`"x" of a ${crv as string} key is ${curve.bytes} bytes`);
    if (jwk.kty === 'EC' && base64urlBytes(jwk.y, 'y').length !== curve.bytes) {
      throw new JwkRefusal(`"y" of a ${crv as string} key is ${curve.bytes} bytes`);
    }
    if (jwk.kty === 'OKP' && 'y' in jwk) throw new JwkRefusal('an OKP key has no "y"');
  }
  const material = Object.fromEntries(keyMembers.filter((name) => name in jwk).map((name) => [name, jwk[name]]));
  try {
    return createPublicKey({ key: material as JsonWebKey, format: 'jwk' });
  } catch {
    throw new JwkRefusal('the key members do not make a valid public key (is the point on the curve?)');
  }
}

/**
 * Checks that `input` is a public, asymmetric signing key this service accepts, and returns it in
 * canonical form. The key members are re-exported by node:crypto, so the same key always gets the
 * same thumbprint however the sender encoded it (a modulus with a leading zero byte, say).
 */
export async function acceptPublicJwk(input: unknown): Promise<AcceptedJwk> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new JwkRefusal('a JWK is a JSON object');
  const jwk = input as Record<string, unknown>;
  checkMembers(jwk);
  const key = checkKeyMaterial(jwk);
  const alg = algorithmOf(jwk);
  const exported = key.export({ format: 'jwk' });
  const canonical = Object.fromEntries(
    keyMembers.flatMap((name) => (typeof exported[name] === 'string' ? [[name, exported[name]]] : [])),
  );
  const thumbprint = await calculateJwkThumbprint(canonical as JWK, 'sha256');
  const kid = typeof jwk.kid === 'string' ? jwk.kid : thumbprint;
  const stored = { ...canonical, kid, alg, use: 'sig' } as PublicSigningJwk;
  return { jwk: stored, alg, kid, thumbprint };
}
