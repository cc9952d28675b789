import { Type } from '@sinclair/typebox';
import { Nullable, PageQuery, StringEnum, Timestamp, Uuid } from '../http/schemas.js';

export const releaseStatuses = ['active', 'withdrawn'] as const;

export const CreateReleaseBody = Type.Object(
  {
    document_id: Type.String({ format: 'uuid', description: 'One of your own verified documents' }),
    program_id: Type.String({ format: 'uuid', description: 'The program that may see it' }),
  },
  { additionalProperties: false },
);

export const ReleaseSchema = Type.Object(
  {
    id: Uuid,
    applicant_id: Uuid,
    document_id: Type.String({
      format: 'uuid',
      description: 'The released document; after a supersede, its replacement once that is verified',
    }),
    program_id: Uuid,
    program: Type.Object(
      { id: Uuid, acgme_id: Type.String(), name: Type.String() },
      { description: 'The program, so the applicant can tell whom they released to' },
    ),
    status: StringEnum(releaseStatuses, { description: 'withdrawn: the program has no access from withdrawn_at on' }),
    created_at: Timestamp,
    withdrawn_at: Nullable(Timestamp),
  },
  { $id: 'Release', title: 'Release' },
);

export const ReleaseRef = Type.Ref(ReleaseSchema);

export const ReleaseListQuery = Type.Object(
  { ...PageQuery, status: Type.Optional(StringEnum(releaseStatuses)) },
  { additionalProperties: false },
);
