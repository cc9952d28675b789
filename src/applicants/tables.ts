import type { Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../db/columns.js';

export interface ApplicantsTable {
  id: Generated<string>;
  ecfmg_id: string;
  given_name: string;
  family_name: string;
  /** 'YYYY-MM-DD', as the database keeps it (see createDatabase). */
  date_of_birth: string;
  email: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ApplicantTables {
  applicants: ApplicantsTable;
}

export type ApplicantRow = Selectable<ApplicantsTable>;
