import { compactVerify, createLocalJWKSet, decodeProtectedHeader, errors, type JSONWebKeySet } from 'jose';
import { entryMismatch } from '../../../src/log/receipt-entry';
import { checkLogProof, NotValid, type LogInclusion, type LogKey } from './log-proof-check';

/** docs/signing.md, "The service's receipt": what the page shows of one, and what it checks. */
export interface ReceiptDocument {
  id: string;
  type: string;
  status: string;
  status_reason: string | null;
  sha256: string;
  size: number;
  school: { wdoms_id: string; name: string };
  key_id: string;
  signed_at: string;
}

export interface CheckedReceipt {
  issuer: string;
  issuedAt: Date;
  document: ReceiptDocument;
  /** The document's log entry, proven in the log's signed checkpoint, when the receipt carries a proof. */
  log: LogInclusion | undefined;
}

const receiptType = 'emswp-receipt+jwt';
const clockSkewSeconds = 5 * 60;
const corrupt = new NotValid(
  'This file is not a receipt, or it is damaged: a receipt is the signed text the service gives for a document.',
);

/** The file holds the bare compact JWS, or the `{"receipt": "..."}` body the API returns (as emswp verify-receipt reads it). */
export function receiptFromText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const receipt = (JSON.parse(trimmed) as { receipt?: unknown }).receipt;
    if (typeof receipt === 'string') return receipt.trim();
  } catch {
    // Falls through: not the API's body either.
  }
  throw corrupt;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function documentOf(payload: Record<string, unknown>): ReceiptDocument {
  const doc = payload.document;
  const strings = ['id', 'type', 'status', 'sha256', 'key_id', 'signed_at'] as const;
  if (!isObject(doc) || !isObject(doc.school) || strings.some((name) => typeof doc[name] !== 'string')) throw corrupt;
  if (typeof doc.size !== 'number' || typeof doc.school.name !== 'string' || typeof doc.school.wdoms_id !== 'string')
    throw corrupt;
  return doc as unknown as ReceiptDocument;
}

/** The logged entry must be this document as the receipt states it (as emswp verify-receipt checks). */
function checkEntryIsTheDocument(inclusion: LogInclusion, document: ReceiptDocument, log: Record<string, unknown>) {
  if (entryMismatch(inclusion.entry, document) || inclusion.index !== log.index || inclusion.origin !== log.origin) {
    throw new NotValid("Forged or changed: the receipt's log entry is not the document the receipt describes.");
  }
}

/**
 * Checks a receipt against this service's keys and issuer, and its log proof against the log's key.
 * Throws NotValid saying plainly whether it is damaged, forged, expired or another service's.
 */
export async function checkReceipt(
  text: string,
  jwks: JSONWebKeySet,
  issuer: string,
  logKey: () => Promise<LogKey>,
): Promise<CheckedReceipt> {
  const jws = receiptFromText(text);
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(jws)) throw corrupt;
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw corrupt;
  }
  if (header.typ !== receiptType) {
    throw new NotValid(
      `This is a signed token, but not a receipt of this service (its type is "${String(header.typ)}").`,
    );
  }
  if (header.kid === undefined || !jwks.keys.some((key) => key.kid === header.kid)) {
    throw new NotValid(
      'This receipt was not signed by this service: none of its keys has the key id the receipt names. It is from another service, or forged.',
    );
  }
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(jws, createLocalJWKSet(jwks)));
  } catch (failure) {
    if (failure instanceof errors.JWSSignatureVerificationFailed) {
      throw new NotValid(
        'Forged or changed: the signature does not match what the receipt says, so something in it was changed after this service signed it.',
      );
    }
    if (failure instanceof errors.JWKSNoMatchingKey) {
      throw new NotValid(
        'This receipt was not signed with a key of this service: it is from another service, or forged.',
      );
    }
    throw corrupt;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
  } catch {
    throw corrupt;
  }
  if (!isObject(payload) || typeof payload.iss !== 'string' || typeof payload.iat !== 'number') throw corrupt;
  if (payload.iss !== issuer) {
    throw new NotValid(
      `This receipt is for another service: it was issued by ${payload.iss}, and this service is ${issuer}.`,
    );
  }
  const now = Date.now() / 1000;
  if (payload.iat > now + clockSkewSeconds)
    throw new NotValid('This receipt is dated in the future, so it does not hold.');
  if (typeof payload.exp === 'number' && payload.exp < now) {
    throw new NotValid(`This receipt expired on ${new Date(payload.exp * 1000).toUTCString()}.`);
  }
  const document = documentOf(payload);
  let log: LogInclusion | undefined;
  if (isObject(payload.log) && typeof payload.log.proof === 'string') {
    log = await checkLogProof(payload.log.proof, await logKey());
    checkEntryIsTheDocument(log, document, payload.log);
  }
  return { issuer: payload.iss, issuedAt: new Date(payload.iat * 1000), document, log };
}
