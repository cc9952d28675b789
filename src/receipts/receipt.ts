import type { KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CompactSign, compactVerify, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { isPlainObject, JwsFormatError, parseCompactJws } from '../crypto/compact-jws.js';
import { digestFile, digestStream, type ContentDigest } from '../crypto/digest.js';
import {
  algorithmFitsKey,
  isSignatureAlgorithm,
  publicJwkOf,
  signatureAlgorithms,
  type SignatureAlgorithm,
} from '../crypto/jwk.js';
import { documentStatuses, documentTypes } from '../facts/documents.js';
import { uuidPatternText } from '../facts/uuid.js';
import { sha256HexPattern } from '../facts/identifiers.js';

/** The `typ` of a receipt, so a receipt can never pass for a manifest or an access token. */
export const receiptType = 'emswp-receipt+jwt';

/** Receipts are small; the bound is generous so later log inclusion proofs still fit. */
const receiptMaxBytes = 256 * 1024;
const clockSkewSeconds = 5 * 60;

const hex64 = sha256HexPattern;
const uuidPattern = uuidPatternText;
const literals = <const T extends readonly string[]>(values: T) =>
  Type.Union(values.map((value) => Type.Literal(value)));

/**
 * The receipt payload (docs/signing.md, "The service's receipt"). Members beyond these are tolerated
 * when verifying, so a verifier keeps working when receipts gain the transparency log's fields.
 */
export const ReceiptPayloadSchema = Type.Object(
  {
    iss: Type.String({ minLength: 1 }),
    sub: Type.String({ pattern: uuidPattern }),
    iat: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    document: Type.Object({
      id: Type.String({ pattern: uuidPattern }),
      type: literals(documentTypes),
      status: literals(documentStatuses),
      status_reason: Type.Union([Type.String(), Type.Null()]),
      sha256: Type.String({ pattern: hex64 }),
      size: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
      media_type: Type.String(),
      school: Type.Object({
        id: Type.String({ pattern: uuidPattern }),
        wdoms_id: Type.String(),
        name: Type.String(),
        // The school's standing when the receipt was signed; absent from receipts made before it was added.
        status: Type.Optional(literals(['pending', 'active', 'suspended'] as const)),
        status_reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      }),
      ecfmg_id: Type.String(),
      submission_id: Type.String(),
      key_id: Type.String(),
      signed_at: Type.String({ minLength: 1 }),
      // When the service received it, on the service's clock (signed_at is the school's word).
      received_at: Type.Optional(Type.String({ minLength: 1 })),
    }),
    manifest_sha256: Type.String({ pattern: hex64 }),
    /** The document's latest transparency log entry, proven included in a signed checkpoint. */
    log: Type.Optional(
      Type.Object({
        origin: Type.String({ minLength: 1 }),
        index: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
        proof: Type.String({ minLength: 1 }),
      }),
    ),
  },
  { $id: 'ReceiptPayload', title: 'ReceiptPayload' },
);

export type ReceiptPayload = Static<typeof ReceiptPayloadSchema>;
export type ReceiptDocument = ReceiptPayload['document'];

export interface ReceiptSigningKey {
  privateJwk: JWK;
  kid: string;
  alg: SignatureAlgorithm;
  /** The private key already imported (the service key has one), so signing skips the JWK import. */
  privateKey?: KeyObject | CryptoKey;
}

const importedKeys = new WeakMap<JWK, Promise<CryptoKey | Uint8Array>>();

/** Imports the service key once per JWK object: receipts are signed on a request path. */
function signingKeyOf({ privateJwk, alg, privateKey }: ReceiptSigningKey): Promise<KeyObject | CryptoKey | Uint8Array> {
  if (privateKey !== undefined) return Promise.resolve(privateKey);
  let key = importedKeys.get(privateJwk);
  if (key === undefined) {
    key = importJWK(privateJwk, alg);
    importedKeys.set(privateJwk, key);
    key.catch(() => importedKeys.delete(privateJwk));
  }
  return key;
}

/**
 * Signs a receipt with the service key: header {alg, kid, typ: emswp-receipt+jwt}. `iat` defaults to
 * now. A payload that does not match the schema is a bug in the caller and throws a plain Error.
 */
export async function signReceipt(
  key: ReceiptSigningKey,
  payload: Omit<ReceiptPayload, 'iat'> & { iat?: number },
): Promise<string> {
  const full = { ...payload, iat: payload.iat ?? Math.floor(Date.now() / 1000) };
  if (!Value.Check(ReceiptPayloadSchema, full)) {
    const first = Value.Errors(ReceiptPayloadSchema, full).First();
    throw new Error(`receipt payload ${first?.path ?? ''}: ${first?.message ?? 'does not match the schema'}`);
  }
  if (full.sub !== full.document.id) throw new Error('receipt payload: sub must be the document id');
  return new CompactSign(new TextEncoder().encode(JSON.stringify(full)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: receiptType })
    .sign(await signingKeyOf(key));
}

export type ReceiptFailure =
  | 'malformed'
  | 'wrong_typ'
  | 'unknown_key'
  | 'signature_invalid'
  | 'issuer_mismatch'
  | 'dated_in_future'
  | 'file_mismatch';

/** Why a receipt does not hold; `message` is a sentence for a person. */
export class ReceiptVerificationError extends Error {
  constructor(
    readonly reason: ReceiptFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ReceiptVerificationError';
  }
}

export interface VerifyReceiptOptions {
  /** The document as the holder has it: a path or a stream, hashed as it is read. */
  file?: Readable | AsyncIterable<Uint8Array> | string;
  /** The service's issuer name (`iss`) the holder expects. */
  expectedIssuer?: string;
  now?: Date;
}

export interface ReceiptVerification {
  payload: ReceiptPayload;
  header: { alg: SignatureAlgorithm; kid: string; typ: typeof receiptType };
  /** The JWKS entry (public members) whose signature holds. */
  key: JWK;
  /** `iat`: the moment the receipt speaks for. */
  issuedAt: Date;
  /** The digest of the file given, present only when one was given (it matched, or this throws). */
  file?: ContentDigest;
  /** Plain statements of what this check established. */
  proven: string[];
  /** Plain statements of what it did not, and how to establish them. */
  notProven: string[];
}

function fail(reason: ReceiptFailure, message: string): never {
  throw new ReceiptVerificationError(reason, message);
}

function checkHeader(header: Record<string, unknown>): ReceiptVerification['header'] {
  if (header.typ !== receiptType) {
    fail('wrong_typ', `this is not a receipt: its typ is ${JSON.stringify(header.typ ?? null)}, not "${receiptType}"`);
  }
  const extra = Object.keys(header).filter((name) => !['alg', 'kid', 'typ'].includes(name));
  if (extra.length > 0)
    fail('malformed', `the receipt header carries members a receipt never has: ${extra.join(', ')}`);
  if (!isSignatureAlgorithm(header.alg)) {
    fail(
      'malformed',
      `the receipt alg ${JSON.stringify(header.alg ?? null)} is not one of ${signatureAlgorithms.join(', ')}`,
    );
  }
  if (typeof header.kid !== 'string' || header.kid === '') fail('malformed', 'the receipt header has no kid');
  return { alg: header.alg, kid: header.kid, typ: receiptType };
}

/** Tries each key in the JWKS with this kid that can use this alg; the JWKS's own key, never one from the receipt. */
async function verifySignature(
  compact: string,
  header: ReceiptVerification['header'],
  jwks: JSONWebKeySet,
): Promise<JWK> {
  const keys = Array.isArray(jwks?.keys) ? jwks.keys : fail('malformed', 'the JWKS has no "keys" array');
  const named = keys.filter((key) => isPlainObject(key) && key.kid === header.kid);
  if (named.length === 0) fail('unknown_key', `no key in the JWKS has kid ${JSON.stringify(header.kid)}`);
  for (const candidate of named) {
    const jwk = publicJwkOf(candidate);
    if (candidate.alg !== undefined && candidate.alg !== header.alg) continue;
    if (candidate.use !== undefined && candidate.use !== 'sig') continue;
    if (!algorithmFitsKey(header.alg, jwk)) continue;
    try {
      await compactVerify(compact, await importJWK({ ...jwk, alg: header.alg }, header.alg), {
        algorithms: [header.alg],
      });
      return jwk;
    } catch {
      // Try the next key with the same kid, if any.
    }
  }
  return fail('signature_invalid', `the receipt signature does not verify with the JWKS key ${header.kid}`);
}

function parsePayload(bytes: Uint8Array): ReceiptPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    fail('malformed', 'the receipt payload is not JSON');
  }
  if (!Value.Check(ReceiptPayloadSchema, payload)) {
    const first = Value.Errors(ReceiptPayloadSchema, payload).First();
    fail('malformed', `the receipt payload is not a receipt: ${first?.path || '/'} ${first?.message ?? ''}`.trim());
  }
  const receipt = payload as ReceiptPayload;
  if (receipt.sub !== receipt.document.id) fail('malformed', 'the receipt sub is not its document id');
  return receipt;
}

const plural = (n: number) => (n === 1 ? 'byte' : 'bytes');

/**
 * Checks a receipt offline: typ, a signature by a key in `jwks` (looked up by kid, alg fitting the
 * key), the payload's shape and, when `file` is given, that the file's SHA-256 and size are the
 * document's. Throws ReceiptVerificationError saying why when any of that fails. What it returns
 * says plainly what was proven and what was not: above all, that the status is as of `iat` only.
 */
export async function verifyReceipt(
  compactJws: string,
  jwks: JSONWebKeySet,
  options: VerifyReceiptOptions = {},
): Promise<ReceiptVerification> {
  let parsed;
  try {
    parsed = parseCompactJws(compactJws, receiptMaxBytes);
  } catch (error) {
    if (error instanceof JwsFormatError) fail('malformed', `this is not a receipt: ${error.message}`);
    throw error;
  }
  const header = checkHeader(parsed.header);
  const key = await verifySignature(compactJws, header, jwks);
  const payload = parsePayload(parsed.payload);

  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (payload.iat > now + clockSkewSeconds)
    fail('dated_in_future', `the receipt is dated ${new Date(payload.iat * 1000).toISOString()}, in the future`);
  if (options.expectedIssuer !== undefined && payload.iss !== options.expectedIssuer) {
    fail('issuer_mismatch', `the receipt was issued by ${payload.iss}, not ${options.expectedIssuer}`);
  }

  const document = payload.document;
  let file: ContentDigest | undefined;
  if (options.file !== undefined) {
    file = typeof options.file === 'string' ? await digestFile(options.file) : await digestStream(options.file);
    if (file.sha256 !== document.sha256 || file.size !== document.size) {
      fail(
        'file_mismatch',
        `the file is not this document: its SHA-256 is ${file.sha256} (${file.size} ${plural(file.size)}), the receipt's is ${document.sha256} (${document.size} ${plural(document.size)})`,
      );
    }
  }

  const issuedAt = new Date(payload.iat * 1000);
  const asOf = issuedAt.toISOString();
  const proven = [
    `The receipt is signed by key ${header.kid} of the JWKS you supplied, and is a receipt (typ ${receiptType}), not another kind of token.`,
    `As of ${asOf}, ${payload.iss} recorded document ${document.id} (${document.type}) with status ${document.status}, from ${document.school.name} (${document.school.wdoms_id})${document.school.status === undefined ? '' : `, a school then ${document.school.status}`}, signed with the school's key ${document.key_id} at ${document.signed_at}.`,
    `The document's SHA-256 is ${document.sha256} and its size ${document.size} ${plural(document.size)}.`,
  ];
  if (file) proven.push('The file you supplied is that document: its SHA-256 and size match the receipt.');
  if (options.expectedIssuer !== undefined) proven.push(`The receipt's issuer is ${payload.iss}, as expected.`);
  const notProven = [
    `That the status is still ${document.status} now: a receipt says what was true at ${asOf}. Fetch a fresh receipt, or the document's current status, to know whether it still is.`,
    "That the JWKS is the service's real one: take it from the service's /.well-known/jwks.json over HTTPS, or from a copy you trust.",
  ];
  if (!file) notProven.push('That any file you hold is this document: pass the file to compare its SHA-256 and size.');
  return { payload, header, key, issuedAt, ...(file ? { file } : {}), proven, notProven };
}
