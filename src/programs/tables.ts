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

/** What a directory search reads: the public facts, and the time its list is ordered by. */
export type ProgramDirectoryRow = Pick<ProgramRow, 'id' | 'acgme_id' | 'name' | 'specialty' | 'created_at'>;
