import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export { isPdf, pdfMagic } from './pdf-magic.js';

/** How many leading bytes a digest keeps, enough to sniff the media type without a second read. */
const headLength = 16;

export interface ContentDigest {
  /** SHA-256, 64 lowercase hex digits (the manifest's form). */
  sha256: string;
  /** The same digest in standard base64 (the form of `Repr-Digest`). */
  sha256Base64: string;
  size: number;
  /** The first bytes of the content (up to 16), for {@link isPdf}. */
  head: Buffer;
}

/** Raised by {@link DigestAccumulator} when the content grows past the limit it was given. */
export class ContentTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the content is larger than ${limit} bytes`);
    this.name = 'ContentTooLargeError';
  }
}

/**
 * Hashes content chunk by chunk, counting bytes and keeping the first few, so a caller that also
 * stores the chunks (an upload) needs only one pass and never holds the whole file twice.
 */
export class DigestAccumulator {
  readonly #hash: Hash = createHash('sha256');
  readonly #head: Buffer[] = [];
  #headBytes = 0;
  #size = 0;
  #finished = false;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {}

  get size(): number {
    return this.#size;
  }

  update(chunk: Uint8Array | string): this {
    if (this.#finished) throw new Error('DigestAccumulator.update after finish');
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.#size += bytes.byteLength;
    if (this.#size > this.maxBytes) throw new ContentTooLargeError(this.maxBytes);
    if (this.#headBytes < headLength) {
      const take = Buffer.from(bytes.subarray(0, headLength - this.#headBytes));
      this.#head.push(take);
      this.#headBytes += take.byteLength;
    }
    this.#hash.update(bytes);
    return this;
  }

  finish(): ContentDigest {
    this.#finished = true;
    const digest = this.#hash.digest();
    return {
      sha256: digest.toString('hex'),
      sha256Base64: digest.toString('base64'),
      size: this.#size,
      head: Buffer.concat(this.#head),
    };
  }
}

/** Hashes a stream (or any async iterable of chunks) as it flows; memory stays at one chunk. */
export async function digestStream(
  source: AsyncIterable<Uint8Array | string>,
  options: { maxBytes?: number } = {},
): Promise<ContentDigest> {
  const accumulator = new DigestAccumulator(options.maxBytes);
  for await (const chunk of source) accumulator.update(chunk);
  return accumulator.finish();
}

export function digestFile(path: string, options: { maxBytes?: number } = {}): Promise<ContentDigest> {
  return digestStream(createReadStream(path, { highWaterMark: 1 << 16 }), options);
}

/** SHA-256 of a string (as UTF-8) or bytes, hex: e.g. a receipt's `manifest_sha256` over the JWS as received. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hexToBase64(hex: string): string {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new TypeError('not a hex string');
  return Buffer.from(hex, 'hex').toString('base64');
}

export function base64ToHex(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex');
}

/** The RFC 9530 `Repr-Digest` field value for a hex SHA-256. */
export function reprDigest(sha256HexDigest: string): string {
  return `sha-256=:${hexToBase64(sha256HexDigest)}:`;
}
