import { repeatedMember } from './strict-json.js';

/** Why a string is not a well-formed compact JWS; the message is safe to show the sender. */
export class JwsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwsFormatError';
  }
}

export interface ParsedCompactJws {
  /** The protected header as decoded: unverified, so only to be inspected, never trusted. */
  header: Record<string, unknown>;
  /** The payload bytes as decoded: unverified until the signature is checked. */
  payload: Uint8Array;
}

const base64url = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Strict base64url: the alphabet only, no padding, and no length that cannot come from whole bytes. */
function decodeSegment(segment: string, name: string): Buffer {
  if (!base64url.test(segment) || segment.length % 4 === 1) throw new JwsFormatError(`the ${name} is not base64url`);
  return Buffer.from(segment, 'base64url');
}

export function decodeJsonSegment(segment: string, name: string): unknown {
  const bytes = decodeSegment(segment, name);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new JwsFormatError(`the ${name} is not UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new JwsFormatError(`the ${name} is not JSON`);
  }
  // A repeated name is read one way by us and another by a first-wins parser re-checking the same bytes.
  const repeated = repeatedMember(text);
  if (repeated !== undefined)
    throw new JwsFormatError(
      `the ${name} has the member ${JSON.stringify(repeated.name)} twice (at ${repeated.pointer})`,
    );
  return value;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Splits and decodes a compact JWS (RFC 7515 section 7.1) without verifying it, refusing anything
 * longer than `maxBytes` before doing any work on it. The signature segment may be empty here (an
 * unsecured `alg: none` JWS), so the caller can name that precisely when it checks the header.
 */
export function parseCompactJws(value: unknown, maxBytes: number): ParsedCompactJws {
  if (typeof value !== 'string') throw new JwsFormatError('it is not a string');
  // A UTF-8 string is never shorter in bytes than in UTF-16 units, so this bounds the cost first.
  if (value.length > maxBytes || Buffer.byteLength(value, 'utf8') > maxBytes) {
    throw new JwsFormatError(`it is longer than ${maxBytes} bytes`);
  }
  if (value !== value.trim()) throw new JwsFormatError('it has leading or trailing whitespace (a trailing newline?)');
  const segments = value.split('.');
  if (segments.length !== 3) throw new JwsFormatError('it is not a compact JWS (three base64url parts joined by dots)');
  const [headerSegment, payloadSegment, signatureSegment] = segments as [string, string, string];
  if (headerSegment === '') throw new JwsFormatError('the protected header is empty');
  if (payloadSegment === '') throw new JwsFormatError('the payload is empty');
  const header = decodeJsonSegment(headerSegment, 'protected header');
  if (!isPlainObject(header)) throw new JwsFormatError('the protected header is not a JSON object');
  const payload = decodeSegment(payloadSegment, 'payload');
  decodeSegment(signatureSegment, 'signature');
  return { header, payload };
}
