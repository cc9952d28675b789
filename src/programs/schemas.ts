import { Type } from '@sinclair/typebox';
import { PageQuery, Timestamp, Uuid } from '../http/schemas.js';
import { HumanText, SearchText } from '../http/input-checks.js';
import { acgmeIdPattern } from '../facts/identifiers.js';

export const programNameMax = 200;
export const specialtyMax = 100;

export const CreateProgramBody = Type.Object(
  {
    acgme_id: Type.String({
      pattern: acgmeIdPattern,
      description: 'ACGME program id: 10 digits',
      examples: ['1403521001'],
    }),
    name: HumanText(programNameMax, 'Kept as given, in Unicode NFC'),
    specialty: HumanText(specialtyMax, 'Kept as given, in Unicode NFC'),
  },
  { additionalProperties: false },
);

export const Program = Type.Object(
  {
    id: Uuid,
    acgme_id: Type.String(),
    name: Type.String(),
    specialty: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'Program' },
);

export const ProgramDirectoryQuery = Type.Object(
  {
    q: Type.Optional(
      SearchText(
        'A whole ACGME ID finds that program; any other text finds programs with a word of the name or specialty starting with each word typed, ignoring case and accents',
      ),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
