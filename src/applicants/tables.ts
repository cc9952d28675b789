import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date | undefined>;

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
