import type { Static } from '@sinclair/typebox';
import type { Program, ProgramDirectoryEntry } from './schemas.js';
import type { ProgramDirectoryRow, ProgramRow } from './tables.js';

/** A program as clients see it: snake_case, times as RFC 3339 UTC. */
export const programView = (row: ProgramRow): Static<typeof Program> => ({
  id: row.id,
  acgme_id: row.acgme_id,
  name: row.name,
  specialty: row.specialty,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

/** A program as the directory lists it: public facts only. */
export const programDirectoryView = (row: ProgramDirectoryRow): Static<typeof ProgramDirectoryEntry> => ({
  id: row.id,
  acgme_id: row.acgme_id,
  name: row.name,
  specialty: row.specialty,
});
