import { Type } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../http/schemas.js';
import { HumanText } from '../http/input-checks.js';

export const programNameMax = 200;
export const specialtyMax = 100;

export const CreateProgramBody = Type.Object(
  {
    acgme_id: Type.String({
      pattern: '^[0-9]{10}$',
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
