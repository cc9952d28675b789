import type { Static } from '@sinclair/typebox';
import type { Applicant } from './schemas.js';
import type { ApplicantRow } from './tables.js';

/** An applicant as clients see them: snake_case, times as RFC 3339 UTC. */
export const applicantView = (row: ApplicantRow): Static<typeof Applicant> => ({
  id: row.id,
  ecfmg_id: row.ecfmg_id,
  given_name: row.given_name,
  family_name: row.family_name,
  date_of_birth: row.date_of_birth,
  email: row.email,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});
