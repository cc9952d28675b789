import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { LRUCache } from 'lru-cache';
import { entityClaim, roles, type Principal, type Role } from './principal.js';
import { isUuid } from '../facts/uuid.js';

/** Asymmetric only: an HMAC algorithm would let anyone holding the public key forge tokens. */
export const accessTokenAlgorithms = ['EdDSA', 'ES256', 'ES384', 'PS256', 'RS256'];

/** `typ` values an access token may carry; anything else (a school manifest, a receipt) is refused. */
const accessTokenTypes = new Set(['jwt', 'at+jwt', 'application/at+jwt']);

export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** The issuer's keys could not be had (its JWKS URL is down or answers nonsense): no fault of the token. */
export class IssuerKeysUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the token issuer's keys are unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'IssuerKeysUnavailableError';
  }
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  /** How many verified tokens to remember; 0 turns the cache off. */
  cacheSize: number;
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

function principalFrom(payload: JWTPayload): Principal {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('the token has no sub claim');
  const role = payload.role;
  if (typeof role !== 'string' || !(roles as readonly string[]).includes(role)) {
    throw new InvalidTokenError(`role must be one of ${roles.join(', ')}`);
  }
  if (role === 'admin') return { sub: payload.sub, role };
  const claim = entityClaim[role as Exclude<Role, 'admin'>];
  const entity = payload[claim];
  if (typeof entity !== 'string' || !isUuid(entity)) {
    throw new InvalidTokenError(`a ${role} token needs a ${claim} claim holding a UUID`);
  }
  const id = entity.toLowerCase();
  switch (role) {
    case 'school':
      return { sub: payload.sub, role, school_id: id };
    case 'applicant':
      return { sub: payload.sub, role, applicant_id: id };
    default:
      return { sub: payload.sub, role: 'program', program_id: id };
  }
}

function describe(error: unknown): string {
  if (error instanceof InvalidTokenError) return error.message;
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the ${error.claim} claim is not acceptable`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm that is not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the issuer matches the token';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'the token is malformed';
  return 'the token could not be verified';
}

/** Key lookup failures that say something about the token; any other failure is the issuer's. */
const tokenKeyErrors = [
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSENotSupported,
  errors.JOSEAlgNotAllowed,
];

function lookupKeys(keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (tokenKeyErrors.some((kind) => error instanceof kind)) throw error;
      throw new IssuerKeysUnavailableError(error);
    }
  };
}

/**
 * Verifies access tokens with jose and remembers each verified one until it expires. The cache is
 * an LRU with a fixed size, so a flood of distinct tokens evicts old entries instead of growing
 * memory; failures are never cached. Rejects with InvalidTokenError for a bad token and with
 * IssuerKeysUnavailableError when the issuer's keys cannot be fetched.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const cache = options.cacheSize > 0 ? new LRUCache<string, Principal>({ max: options.cacheSize }) : undefined;
  const keys = lookupKeys(options.keys);

  return {
    async verify(token) {
      const cached = cache?.get(token);
      if (cached) return cached;
      try {
        const { payload, protectedHeader } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: accessTokenAlgorithms,
          requiredClaims: ['exp'],
        });
        if (protectedHeader.typ !== undefined && !accessTokenTypes.has(protectedHeader.typ.toLowerCase())) {
          throw new InvalidTokenError(`a token of type ${protectedHeader.typ} is not an access token`);
        }
        const principal = principalFrom(payload);
        const ttl = (payload.exp as number) * 1000 - Date.now();
        if (cache && ttl > 0) cache.set(token, principal, { ttl });
        return principal;
      } catch (error) {
        if (error instanceof IssuerKeysUnavailableError) throw error;
        throw new InvalidTokenError(describe(error));
      }
    },
  };
}

/** The issuer's public keys from a JWKS file (read once at start) or an https URL (fetched and cached by jose). */
export async function issuerKeysFromFile(path: string): Promise<JWTVerifyGetKey> {
  let jwks: JSONWebKeySet;
  try {
    jwks = JSON.parse(await readFile(path, 'utf8')) as JSONWebKeySet;
  } catch (error) {
    throw new Error(`AUTH_JWKS_FILE: cannot read a JWKS from ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(jwks.keys)) throw new Error(`AUTH_JWKS_FILE: ${path} has no "keys" array`);
  return createLocalJWKSet(jwks);
}

export function issuerKeysFromUrl(url: URL): JWTVerifyGetKey {
  return createRemoteJWKSet(url, { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });
}
