import type { Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { ProgramRow, ProgramsTable } from './tables.js';

/** The new program, or undefined when the ACGME ID is taken. */
export async function insertProgram(db: Executor, values: Insertable<ProgramsTable>): Promise<ProgramRow | undefined> {
  return db
    .insertInto('programs')
    .values(values)
    .onConflict((oc) => oc.column('acgme_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findProgram(db: Executor, id: string): Promise<ProgramRow | undefined> {
  return db.selectFrom('programs').selectAll().where('id', '=', id).executeTakeFirst();
}
