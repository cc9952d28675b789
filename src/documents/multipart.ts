import '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { manifestMaxBytes } from '../facts/documents.js';
import { problem, ProblemError } from '../http/problem.js';
import { CHUNK_BYTES } from './repository.js';
import { receiveFile, type ReceivedFile } from './upload.js';

export interface SubmissionParts {
  manifest: string;
  file: ReceivedFile;
}

const usage =
  'Send multipart/form-data with exactly two parts: a field "manifest" (the compact JWS) and a file "file" (the PDF).';

function asProblem(error: unknown, maxBytes: number): ProblemError {
  if (error instanceof ProblemError) return error;
  const { statusCode, code } = error as { statusCode?: number; code?: string };
  if (statusCode === 413 && code === 'FST_REQ_FILE_TOO_LARGE') {
    return problem('payload_too_large', `The file is larger than the ${maxBytes}-byte limit (MAX_DOCUMENT_BYTES).`);
  }
  return problem('multipart_invalid', `The multipart body could not be read (${(error as Error).message}). ${usage}`);
}

/**
 * Reads the two parts of a submission in whatever order they come, hashing the file as it arrives.
 * Any other part, a repeated part, a missing part or a broken body is refused, and a spooled file
 * is removed before the error leaves.
 */
export async function readSubmissionParts(request: FastifyRequest, maxBytes: number): Promise<SubmissionParts> {
  if (!request.isMultipart()) throw problem('unsupported_media_type', usage);
  let manifest: string | undefined;
  let file: ReceivedFile | undefined;
  try {
    // Limits a little above what is valid, so a second file or field reaches our own clearer refusal.
    const parts = request.parts({
      limits: { fileSize: maxBytes, files: 2, fields: 2, parts: 4, fieldSize: manifestMaxBytes },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file !== undefined) {
          part.file.resume();
          throw problem('multipart_invalid', `Unexpected file part "${part.fieldname}". ${usage}`);
        }
        file = await receiveFile(part.file, CHUNK_BYTES);
        if (part.file.truncated)
          throw problem(
            'payload_too_large',
            `The file is larger than the ${maxBytes}-byte limit (MAX_DOCUMENT_BYTES).`,
          );
      } else {
        if (part.fieldname !== 'manifest' || manifest !== undefined)
          throw problem('multipart_invalid', `Unexpected field "${part.fieldname}". ${usage}`);
        if (part.valueTruncated)
          throw problem('payload_too_large', `The manifest is larger than ${manifestMaxBytes} bytes.`);
        // A compact JWS holds no whitespace; a trailing newline is what `curl -F manifest=<file` adds.
        manifest = String(part.value).trim();
      }
    }
  } catch (error) {
    await file?.discard();
    throw asProblem(error, maxBytes);
  }
  if (manifest === undefined || file === undefined) {
    await file?.discard();
    throw problem('multipart_invalid', `The ${manifest === undefined ? 'manifest' : 'file'} part is missing. ${usage}`);
  }
  return { manifest, file };
}
