import type { Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../db/columns.js';

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
