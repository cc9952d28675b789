import type { Kysely } from 'kysely';
import type { PrincipalOf } from '../auth/principal.js';
import type { DB } from '../db/types.js';
import { notFound, problem } from '../http/problem.js';
import { normalizedText } from '../http/input-checks.js';
import { logSchoolStatus } from '../log/recorder.js';
import type { Executor } from '../db/database.js';
import type { PageRequest } from '../db/pagination.js';
import { directorySearch } from '../db/directory-search.js';
import { wdomsIdPattern } from '../facts/identifiers.js';
import {
  findSchool,
  findSchoolForUpdate,
  insertSchool,
  insertSchoolStatusEvent,
  listSchools,
  listSchoolStatusEvents,
  searchActiveSchools,
  setSchoolStatus,
} from './repository.js';
import { reasonMax, schoolNameMax } from './schemas.js';
import type { SchoolRow, SchoolStatus, SchoolStatusEventRow } from './tables.js';

/** The callers that may ever look at a school: an operator, or the school itself. */
export type SchoolReader = PrincipalOf<'admin' | 'school'>;

/** A school that this caller may see; any other answers as if it did not exist. */
export async function schoolVisibleTo(db: Executor, caller: SchoolReader, id: string): Promise<SchoolRow> {
  if (caller.role === 'school' && caller.school_id !== id) throw notFound('school');
  const school = await findSchool(db, id);
  if (!school) throw notFound('school');
  return school;
}

export interface NewSchool {
  wdoms_id: string;
  name: string;
  country: string;
  contact_email: string;
}

/** A new school starts `pending`; its creation is the first entry of its status history. */
export async function registerSchool(db: Kysely<DB>, input: NewSchool, actor: string): Promise<SchoolRow> {
  const name = normalizedText(input.name, 'name', schoolNameMax);
  return db.transaction().execute(async (trx) => {
    const school = await insertSchool(trx, { ...input, name });
    if (!school) throw problem('school_exists', `A school with wdoms_id ${input.wdoms_id} is already registered.`);
    await insertSchoolStatusEvent(trx, {
      school_id: school.id,
      from_status: null,
      to_status: school.status,
      reason: null,
      actor,
    });
    await logSchoolStatus(trx, school.id);
    return school;
  });
}

export interface StatusChange {
  status: SchoolStatus;
  reason?: string | undefined;
}

/**
 * Moves a school between pending, active and suspended, recording who did it and why in the same
 * transaction. Asking for the status it already has is refused (409 school_status_unchanged), so
 * every accepted change is a real one and appears once in the history. Suspending needs a reason.
 */
export async function changeSchoolStatus(
  db: Kysely<DB>,
  id: string,
  change: StatusChange,
  actor: string,
): Promise<SchoolRow> {
  const reason = change.reason === undefined ? null : normalizedText(change.reason, 'reason', reasonMax);
  if (change.status === 'suspended' && reason === null) {
    throw problem('validation_failed', 'The request did not match the schema.', {
      errors: [{ path: 'body.reason', message: 'is required when suspending a school' }],
    });
  }
  return db.transaction().execute(async (trx) => {
    const school = await findSchoolForUpdate(trx, id);
    if (!school) throw notFound('school');
    if (school.status === change.status) {
      throw problem('school_status_unchanged', `The school is already ${school.status}; nothing was changed.`);
    }
    const updated = await setSchoolStatus(trx, id, change.status, reason);
    await insertSchoolStatusEvent(trx, {
      school_id: id,
      from_status: school.status,
      to_status: change.status,
      reason,
      actor,
    });
    await logSchoolStatus(trx, id);
    return updated;
  });
}

/**
 * GET /schools: an operator lists every school, or those of one status (the ones waiting for vetting);
 * a school lists only itself, and the same filter keeps or drops that one entry.
 */
export async function listSchoolsFor(
  db: Executor,
  caller: SchoolReader,
  filter: { status?: SchoolStatus | undefined },
  page: PageRequest,
): Promise<SchoolRow[]> {
  return listSchools(db, { onlyId: caller.role === 'school' ? caller.school_id : undefined, ...filter, ...page });
}

/** A school's status history, oldest first, for an operator or the school itself. */
export async function statusHistoryOf(
  db: Executor,
  caller: SchoolReader,
  id: string,
  page: PageRequest,
): Promise<SchoolStatusEventRow[]> {
  const school = await schoolVisibleTo(db, caller, id);
  return listSchoolStatusEvents(db, school.id, page);
}

const wdomsId = new RegExp(wdomsIdPattern);

/**
 * GET /schools/directory: the active schools, for any signed-in caller (an applicant names the
 * school a letter request goes to). Pending and suspended schools are not in it.
 */
export async function schoolDirectory(
  db: Executor,
  filter: { q?: string | undefined; country?: string | undefined },
  page: PageRequest,
): Promise<SchoolRow[]> {
  return searchActiveSchools(db, directorySearch(filter.q, wdomsId), {
    ...page,
    country: filter.country?.toUpperCase(),
  });
}
