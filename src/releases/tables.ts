import type { ColumnType, Generated, Selectable } from 'kysely';

export interface ReleasesTable {
  id: Generated<string>;
  applicant_id: string;
  document_id: string;
  program_id: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  created_by: string;
  withdrawn_at: ColumnType<Date | null, never, Date>;
  withdrawn_by: ColumnType<string | null, never, string>;
  /** Kept by the database from documents.updated_at (migration 0005); the application never writes it. */
  document_updated_at: ColumnType<Date, never, never>;
}

export interface ReleaseTables {
  releases: ReleasesTable;
}

export type ReleaseRow = Selectable<ReleasesTable>;

/** A release with the program it is to, as the applicant reads it (they cannot read programs themselves). */
export type ReleaseWithProgram = ReleaseRow & { program_acgme_id: string; program_name: string };
