import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp, Uuid } from '../http/schemas.js';
import { SchoolDirectoryEntry } from '../schools/schemas.js';

export const authorNameMax = 200;

export const LetterRequestBody = Type.Object(
  {
    school_id: Type.String({
      format: 'uuid',
      description: 'The active school that is to send the letter; a letter from any other school is refused',
    }),
    author_name: Type.String({ minLength: 1, maxLength: authorNameMax }),
    author_email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    waive_right_to_view: Type.Boolean({
      description: "FERPA: true means the applicant will never see the letter's content",
    }),
  },
  { additionalProperties: false },
);

export const LetterRequestSchema = Type.Object(
  {
    letter_id: Type.String({
      format: 'uuid',
      description: "The single-use id the school puts in the letter's manifest",
    }),
    applicant_id: Uuid,
    school_id: Nullable(
      Type.String({
        format: 'uuid',
        description: 'The school asked to send it (null only for requests made before requests named a school)',
      }),
    ),
    school: Type.Union([SchoolDirectoryEntry, Type.Null()], {
      description:
        "The school asked, by the directory's public facts (as in GET /v1/schools/directory), so a request still waiting says whom it waits for; null only when `school_id` is",
    }),
    author_name: Type.String(),
    author_email: Nullable(Type.String()),
    waive_right_to_view: Type.Boolean(),
    status: StringEnum(['requested', 'received'] as const),
    document_id: Nullable(Uuid),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'LetterRequest', title: 'LetterRequest' },
);
