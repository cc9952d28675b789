import { Type } from '@sinclair/typebox';
import { Nullable, Timestamp, Uuid } from '../http/schemas.js';
import { CalendarDate, Email, HumanText } from '../http/input-checks.js';
import { ecfmgIdPattern } from '../facts/identifiers.js';

export const nameMax = 100;

export const CreateApplicantBody = Type.Object(
  {
    ecfmg_id: Type.String({
      pattern: ecfmgIdPattern,
      description: 'ECFMG identification number: 8 digits',
      examples: ['12345678'],
    }),
    given_name: HumanText(nameMax, "As on the applicant's documents; kept as given, in Unicode NFC"),
    family_name: HumanText(nameMax, "As on the applicant's documents; kept as given, in Unicode NFC"),
    date_of_birth: { ...CalendarDate, description: 'YYYY-MM-DD, a real day, not in the future nor before 1900' },
    email: Type.Optional(Email),
  },
  { additionalProperties: false },
);

export const Applicant = Type.Object(
  {
    id: Uuid,
    ecfmg_id: Type.String(),
    given_name: Type.String(),
    family_name: Type.String(),
    date_of_birth: Type.String({ format: 'date' }),
    email: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'Applicant' },
);
