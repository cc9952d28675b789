import { Type } from '@sinclair/typebox';
import { documentStatuses, documentTypes } from '../facts/documents.js';
import { sha256HexPattern } from '../facts/identifiers.js';
import { Nullable, StringEnum } from '../http/schemas.js';
import { schoolStatuses } from '../schools/tables.js';

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
        school: Type.Object({
          wdoms_id: Type.String(),
          name: Type.String(),
          status: StringEnum(schoolStatuses, {
            description:
              "the school's status now: the document's own status does not change when its school is suspended",
          }),
          status_reason: Nullable(Type.String({ description: 'why the school has that status (set when suspended)' })),
        }),
        signed_at: Type.String({
          format: 'date-time',
          description: "the manifest's iat: the school's own statement of when it signed",
        }),
        received_at: Type.String({
          format: 'date-time',
          description: 'when the service received it, on its own clock',
        }),
      }),
    ),
  },
  { title: 'VerificationResult' },
);
