import '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { digestStream, type ContentDigest } from '../crypto/digest.js';
import { problem, ProblemError } from '../http/problem.js';

const usage = 'Send multipart/form-data with one file part "file", or JSON {"sha256": "<64 lowercase hex digits>"}.';

/**
 * Hashes the one file part of a verification request as it streams in. The bytes are never
 * written anywhere nor held whole: only their digest is needed, and a file that grows past the
 * limit is refused mid-stream.
 */
export async function digestFilePart(request: FastifyRequest, maxBytes: number): Promise<ContentDigest> {
  let digest: ContentDigest | undefined;
  try {
    // Limits a little above what is valid, so a second part reaches our own clearer refusal.
    for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 2, fields: 1, parts: 3 } })) {
      if (part.type !== 'file' || part.fieldname !== 'file' || digest !== undefined) {
        if (part.type === 'file') part.file.resume();
        throw problem('multipart_invalid', `Unexpected part "${part.fieldname}". ${usage}`);
      }
      digest = await digestStream(part.file);
      if (part.file.truncated) throw tooLarge(maxBytes);
    }
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    if ((error as { statusCode?: number }).statusCode === 413) throw tooLarge(maxBytes);
    throw problem('multipart_invalid', `The multipart body could not be read (${(error as Error).message}). ${usage}`);
  }
  if (digest === undefined) throw problem('multipart_invalid', `The file part is missing. ${usage}`);
  return digest;
}

const tooLarge = (maxBytes: number) =>
  problem('payload_too_large', `The file is larger than the ${maxBytes}-byte limit (MAX_DOCUMENT_BYTES).`);
