import { Type } from '@sinclair/typebox';
import { Nullable, PageQuery, StringEnum, Timestamp, Uuid } from '../http/schemas.js';
import { documentStatuses, documentTypes } from '../facts/documents.js';
import { ecfmgIdPattern, sha256HexPattern } from '../facts/identifiers.js';
import { schoolStatuses } from '../schools/tables.js';

/** The issuing school, with its standing now: a suspended school's documents keep their own status. */
export const SchoolStanding = Type.Object(
  {
    id: Uuid,
    wdoms_id: Type.String(),
    name: Type.String(),
    status: StringEnum(schoolStatuses, {
      description: "The school's status now (not when it signed): a document of a suspended school says so here",
    }),
    status_reason: Nullable(Type.String({ description: 'Why the school has that status (set when suspended)' })),
  },
  { title: 'SchoolStanding' },
);

export const DocumentSchema = Type.Object(
  {
    id: Uuid,
    type: StringEnum(documentTypes),
    status: StringEnum(documentStatuses),
    status_reason: Nullable(Type.String()),
    sha256: Type.String({ pattern: sha256HexPattern }),
    size: Type.Integer(),
    media_type: Type.String(),
    school: SchoolStanding,
    applicant_id: Nullable(Uuid),
    ecfmg_id: Type.String(),
    submission_id: Type.String({ description: "The manifest's jti" }),
    key_id: Type.String({ description: 'kid of the school key that signed the manifest' }),
    signed_at: Timestamp,
    letter_id: Nullable(Uuid),
    supersedes: Nullable(Uuid),
    superseded_by: Nullable(Uuid),
    available_at: Type.String({
      format: 'date-time',
      description: 'When programs may download the content (MSPE release embargo), else the creation time',
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Document', title: 'Document' },
);

export const DocumentRef = Type.Ref(DocumentSchema);

export const DocumentListQuery = Type.Object(
  {
    ...PageQuery,
    applicant_id: Type.Optional(Uuid),
    ecfmg_id: Type.Optional(Type.String({ pattern: ecfmgIdPattern })),
    type: Type.Optional(StringEnum(documentTypes)),
    status: Type.Optional(StringEnum(documentStatuses)),
    updated_since: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const DocumentEventSchema = Type.Object({
  id: Uuid,
  from_status: Nullable(StringEnum(documentStatuses)),
  to_status: StringEnum(documentStatuses),
  reason: Nullable(Type.String()),
  actor: Type.String({ description: 'The token subject that made the change' }),
  actor_role: Type.String(),
  created_at: Timestamp,
});

export const RevokeBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);

export const ReviewBody = Type.Object(
  { decision: StringEnum(['accept', 'reject'] as const), note: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

/** For the published contract only: the parts of POST /v1/documents. */
export const SubmissionParts = Type.Object({
  manifest: Type.String({ description: "The school's compact JWS (typ emswp-manifest+jwt), see docs/signing.md" }),
  file: Type.String({ format: 'binary', description: 'The PDF bytes; their SHA-256 and size must match the manifest' }),
});

const Identity = {
  ecfmg_id: Type.String(),
  given_name: Type.String(),
  family_name: Type.String(),
  date_of_birth: Type.String({ format: 'date' }),
};

export const IdentityCheckSchema = Type.Object(
  {
    document: DocumentRef,
    manifest: Type.Object(Identity, { description: 'The applicant as the school named them in the signed manifest' }),
    registered: Nullable(
      Type.Object(
        { id: Uuid, ...Identity },
        { description: 'The applicant registered with that ECFMG ID; null when none is' },
      ),
    ),
  },
  { title: 'IdentityCheck' },
);
