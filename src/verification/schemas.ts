import { Type } from '@sinclair/typebox';
import { documentStatuses, documentTypes } from '../facts/documents.js';
import { StringEnum, Timestamp } from '../http/schemas.js';
import { sha256HexPattern } from '../facts/identifiers.js';

export const Sha256 = Type.String({
  pattern: sha256HexPattern,
  description: 'SHA-256 of the file, 64 lowercase hex digits',
});

export const VerifyByDigestBody = Type.Object(
  { sha256: Sha256 },
  { additionalProperties: false, title: 'VerifyByDigest' },
);

/** For the published contract only: the multipart form of POST /v1/verify, read by the handler itself. */
export const VerifyByFileParts = Type.Object(
  { file: Type.String({ format: 'binary', description: 'The PDF to look up; hashed as it arrives and never kept' }) },
  { required: ['file'], title: 'VerifyByFile' },
);

/** Nothing about the person: the document's kind, standing, issuer and signing time only. */
export const VerificationResult = Type.Object(
  {
    match: Type.Boolean({
      description: 'true when at least one document with these bytes was submitted by a registered school',
    }),
    documents: Type.Array(
      Type.Object({
        type: StringEnum(documentTypes),
        status: StringEnum(documentStatuses, {
          description: 'as it stands now: a revoked or superseded document says so',
        }),
        school: Type.Object({ wdoms_id: Type.String(), name: Type.String() }),
        signed_at: Timestamp,
      }),
    ),
  },
  { title: 'VerificationResult' },
);
