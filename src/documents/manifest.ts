import { CompactSign, compactVerify, errors as joseErrors, importJWK, type CryptoKey, type JWK } from 'jose';
import { LRUCache } from 'lru-cache';
import { isPlainObject, JwsFormatError, parseCompactJws } from '../crypto/compact-jws.js';
import {
  algorithmFitsKey,
  isSignatureAlgorithm,
  jwkThumbprint,
  publicJwkOf,
  signatureAlgorithms,
  type SignatureAlgorithm,
} from '../crypto/jwk.js';
import { repeatedMember } from '../crypto/strict-json.js';
import { manifestMaxBytes } from '../facts/documents.js';
import { problem } from '../http/problem.js';
import type { FieldError } from '../http/problem.js';
import {
  describeFieldErrors,
  formatCharacter,
  manifestPayloadErrors,
  type ManifestPayload,
} from './manifest-schema.js';

export { manifestPayloadErrors, ManifestPayloadSchema } from './manifest-schema.js';
export type { ManifestPayload } from './manifest-schema.js';

/** The `typ` of a manifest: never an access token's, never a receipt's, so none can pass for another. */
export const manifestType = 'emswp-manifest+jwt';

/** How far `iat` may be off our clock (in the future, or before its key was registered): clock skew between the school and us. */
export const manifestClockSkewSeconds = 5 * 60;

/** The oldest `iat` accepted by default (MANIFEST_MAX_AGE): 30 days. */
export const defaultManifestMaxAgeSeconds = 30 * 24 * 60 * 60;

export interface ManifestHeader {
  alg: SignatureAlgorithm;
  kid: string;
  typ: typeof manifestType;
}

/** A key registered for the calling school, as the registry holds it. */
export interface RegisteredManifestKey {
  jwk: JWK;
  alg: string;
  status: 'active' | 'revoked';
  /** When it was registered, on our clock: nothing it signed can be older, whatever `iat` says. */
  created_at: Date;
}

export interface VerifyManifestOptions {
  /** The calling school's World Directory id (`wdoms_id`): the only acceptable `iss`. */
  expectedIssuer: string;
  /** Looks up a key registered for the calling school only; undefined when it has none with that kid. */
  keyFor(kid: string): Promise<RegisteredManifestKey | undefined>;
  now?: Date;
  maxBytes?: number;
  /** The oldest `iat` accepted, in seconds before `now` (MANIFEST_MAX_AGE). */
  maxAgeSeconds?: number;
}

export interface VerifiedManifest {
  manifest: ManifestPayload;
  header: ManifestHeader;
  /** The key that verified it, as `keyFor` returned it. */
  key: RegisteredManifestKey;
  /** `iat` as a Date. */
  signedAt: Date;
  /** The compact JWS exactly as received: store this, never a re-serialisation. */
  compact: string;
}

/** The only header members a manifest may carry. jwk, jku, x5u, x5c, x5t, crit, b64 and the rest are refused, never followed. */
const allowedHeaderMembers = new Set(['alg', 'kid', 'typ']);

const unprintable = /[\p{Cc}\p{Cs}]/u;

function checkHeader(header: Record<string, unknown>): ManifestHeader {
  const unknown = Object.keys(header).filter((name) => !allowedHeaderMembers.has(name));
  if (unknown.length > 0) {
    throw problem(
      'manifest_invalid',
      `The manifest header may only hold alg, kid and typ; it also holds ${unknown.map((n) => JSON.stringify(n)).join(', ')}.`,
    );
  }
  const { alg, kid, typ } = header;
  if (!isSignatureAlgorithm(alg)) {
    const shown = typeof alg === 'string' ? JSON.stringify(alg) : 'missing';
    throw problem(
      'manifest_invalid',
      `The manifest header alg is ${shown}; it must be one of ${signatureAlgorithms.join(', ')}.`,
    );
  }
  if (
    typeof kid !== 'string' ||
    kid.length === 0 ||
    kid.length > 256 ||
    unprintable.test(kid) ||
    formatCharacter.test(kid)
  ) {
    throw problem(
      'manifest_invalid',
      "The manifest header needs a kid: the id of one of the school's registered keys.",
    );
  }
  if (typ !== manifestType) {
    throw problem('manifest_invalid', `The manifest header typ must be exactly "${manifestType}".`);
  }
  return { alg, kid, typ };
}

/**
 * Imported public keys by their exact material and alg: importing an EC or RSA key costs about as
 * much as the verification itself, and a school signs many manifests with one key. Bounded, so
 * many distinct keys only evict.
 */
const verificationKeys = new LRUCache<string, Promise<CryptoKey | Uint8Array>>({ max: 1024 });

function verificationKeyOf(publicJwk: JWK, alg: SignatureAlgorithm): Promise<CryptoKey | Uint8Array> {
  const cacheKey = `${alg} ${JSON.stringify(publicJwk)}`;
  let key = verificationKeys.get(cacheKey);
  if (key === undefined) {
    key = importJWK({ ...publicJwk, alg }, alg);
    verificationKeys.set(cacheKey, key);
    key.catch(() => verificationKeys.delete(cacheKey));
  }
  return key;
}

async function checkSignature(compact: string, header: ManifestHeader, key: RegisteredManifestKey): Promise<void> {
  const publicJwk = publicJwkOf(key.jwk);
  if (header.alg !== key.alg || !algorithmFitsKey(header.alg, publicJwk)) {
    throw problem(
      'signature_invalid',
      `The manifest is signed with ${header.alg}, but key ${header.kid} is registered for ${key.alg}.`,
    );
  }
  try {
    await compactVerify(compact, await verificationKeyOf(publicJwk, header.alg), { algorithms: [header.alg] });
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw problem('signature_invalid', `The manifest signature does not verify with key ${header.kid}.`);
    }
    if (error instanceof joseErrors.JWSInvalid) throw problem('manifest_invalid', 'The manifest is not a valid JWS.');
    // Anything else (a key jose will not use for this alg, such as RSA under 2048 bits) cannot verify either.
    throw problem('signature_invalid', `The manifest cannot be verified with key ${header.kid}.`);
  }
}

function parsePayload(bytes: Uint8Array): unknown {
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    value = JSON.parse(text) as unknown;
  } catch {
    throw problem('manifest_invalid', 'The manifest payload is not UTF-8 JSON.');
  }
  // The manifest is kept exactly as received for others to check again: a repeated name would read
  // as one school or applicant to us (last wins) and as another to a first-wins parser.
  const repeated = repeatedMember(text);
  if (repeated !== undefined) {
    const error = { path: repeated.pointer, message: 'appears more than once: every member name must be unique' };
    throw invalidPayload([error]);
  }
  return value;
}

function invalidPayload(errors: FieldError[]) {
  return problem(
    'manifest_invalid',
    `The manifest payload is not acceptable: ${describeFieldErrors(errors.slice(0, 5))}.`,
    { errors: errors.slice(0, 20) },
  );
}

const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/**
 * `iat` is the signer's word, so it is held between what our own clock knows: not in the future,
 * not before the key that signed it was registered, and not older than MANIFEST_MAX_AGE. Each
 * bound allows the clock skew except the age, which is a policy rather than a measurement.
 */
function iatErrors(iat: number, key: RegisteredManifestKey, now: Date, maxAgeSeconds: number): FieldError[] {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const registered = Math.floor(key.created_at.getTime() / 1000);
  if (iat > nowSeconds + manifestClockSkewSeconds)
    return [{ path: '/iat', message: 'must not be more than 5 minutes in the future (check the signing clock)' }];
  if (iat < registered - manifestClockSkewSeconds)
    return [
      {
        path: '/iat',
        message: `says ${isoSeconds(iat)}, before the signing key was registered (${isoSeconds(registered)}): a key cannot sign before it exists`,
      },
    ];
  if (iat < nowSeconds - maxAgeSeconds)
    return [
      {
        path: '/iat',
        message: `says ${isoSeconds(iat)}, more than ${maxAgeSeconds} seconds ago (MANIFEST_MAX_AGE): sign the manifest again`,
      },
    ];
  return [];
}

/**
 * Checks a school's manifest, in an order chosen so that nothing unverified steers what we do:
 * parse, header, key lookup, key status, signature, payload schema, iat, iss. The header is checked
 * and the key found by `kid` among the calling school's keys only, before any signature work; keys
 * named in the JWS itself (jwk, jku, x5u, x5c) are refused, never fetched. The issuer is compared
 * after the signature so a mismatch is reported only for manifests the school really signed.
 *
 * Throws `problem(...)` with manifest_invalid, unknown_key, key_revoked, signature_invalid or
 * issuer_mismatch (all 422).
 */
export async function verifyManifest(compactJws: string, options: VerifyManifestOptions): Promise<VerifiedManifest> {
  let parsed;
  try {
    parsed = parseCompactJws(compactJws, options.maxBytes ?? manifestMaxBytes);
  } catch (error) {
    if (error instanceof JwsFormatError)
      throw problem('manifest_invalid', `The manifest is not usable: ${error.message}.`);
    throw error;
  }
  const header = checkHeader(parsed.header);

  const key = await options.keyFor(header.kid);
  if (key === undefined)
    throw problem('unknown_key', `No key with kid ${JSON.stringify(header.kid)} is registered for this school.`);
  if (key.status !== 'active')
    throw problem('key_revoked', `Key ${header.kid} has been revoked; sign with an active key.`);

  await checkSignature(compactJws, header, key);

  const payload = parsePayload(parsed.payload);
  if (!isPlainObject(payload)) throw problem('manifest_invalid', 'The manifest payload is not a JSON object.');
  const fieldErrors = manifestPayloadErrors(payload);
  if (fieldErrors.length > 0) {
    throw invalidPayload(fieldErrors);
  }
  const manifest = payload as ManifestPayload;

  const timeErrors = iatErrors(
    manifest.iat,
    key,
    options.now ?? new Date(),
    options.maxAgeSeconds ?? defaultManifestMaxAgeSeconds,
  );
  if (timeErrors.length > 0) throw invalidPayload(timeErrors);
  if (manifest.iss !== options.expectedIssuer) {
    throw problem(
      'issuer_mismatch',
      `The manifest iss ${manifest.iss} is not this school's World Directory id ${options.expectedIssuer}.`,
    );
  }

  return { manifest, header, key, signedAt: new Date(manifest.iat * 1000), compact: compactJws };
}

export interface SignManifestOptions {
  /** Header members that replace or add to {alg, kid, typ}: for tests that need a hostile manifest. */
  header?: Record<string, unknown>;
}

/**
 * Signs a manifest payload with a school's private JWK (alg from the JWK, default EdDSA; kid from
 * the JWK, default its thumbprint). The payload is signed as given, not checked: `emswp sign` checks
 * it with `manifestPayloadErrors` first, and tests use this to make manifests the service must refuse.
 */
export async function signManifest(
  privateJwk: JWK,
  payload: ManifestPayload | Record<string, unknown>,
  options: SignManifestOptions = {},
): Promise<string> {
  const alg = privateJwk.alg ?? 'EdDSA';
  const kid = privateJwk.kid ?? (await jwkThumbprint(privateJwk));
  const key = await importJWK(privateJwk, alg);
  const header = { alg, kid, typ: manifestType, ...options.header };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(key);
}
