import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date | undefined>;

export interface ProgramsTable {
  id: Generated<string>;
  acgme_id: string;
  name: string;
  specialty: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProgramTables {
  programs: ProgramsTable;
}

export type ProgramRow = Selectable<ProgramsTable>;
