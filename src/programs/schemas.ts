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

/**
 * What the directory lists of a program: the public facts an applicant chooses it by. Our own
 * record's times say nothing to her, and leaving them out keeps a page of 50 cheap to answer.
 */
export const ProgramDirectoryEntry = Type.Object(
  {
    id: Uuid,
    acgme_id: Type.String(),
    name: Type.String(),
    specialty: Type.String(),
  },
  { title: 'ProgramDirectoryEntry' },
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
