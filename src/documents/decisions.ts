import type { Kysely } from 'kysely';
import type { PrincipalOf } from '../auth/principal.js';
import type { DB } from '../db/types.js';
import { notFound, problem } from '../http/problem.js';
import { findDocument, lockDocument, type DocumentWithSchool } from './repository.js';
import { reopenLetterRequest } from '../letters/repository.js';
import { actorOf, changeStatus } from './status-changes.js';

async function reread(db: Kysely<DB>, id: string): Promise<DocumentWithSchool> {
  const doc = await findDocument(db, id);
  if (!doc) throw notFound('document');
  return doc;
}

/** A school withdraws a document it sent; the reason is shown as `status_reason`. */
export async function revokeDocument(
  db: Kysely<DB>,
  caller: PrincipalOf<'school'>,
  id: string,
  reason: string,
): Promise<DocumentWithSchool> {
  await db.transaction().execute(async (trx) => {
    const doc = await lockDocument(trx, id);
    if (!doc || doc.school_id !== caller.school_id) throw notFound('document');
    await changeStatus(trx, doc, { to: 'revoked', statusReason: reason, reason, actor: actorOf(caller) });
  });
  return reread(db, id);
}

/** An admin settles a document whose stated identity did not match the registered applicant. */
export async function reviewDocument(
  db: Kysely<DB>,
  caller: PrincipalOf<'admin'>,
  id: string,
  decision: 'accept' | 'reject',
  note: string,
): Promise<DocumentWithSchool> {
  await db.transaction().execute(async (trx) => {
    const doc = await lockDocument(trx, id);
    if (!doc) throw notFound('document');
    if (doc.status !== 'needs_review')
      throw problem('invalid_transition', `Only needs_review documents are reviewed; this one is ${doc.status}.`);
    if (decision === 'accept') {
      await changeStatus(trx, doc, { to: 'verified', statusReason: null, reason: note, actor: actorOf(caller) });
      return;
    }
    // Rejected as not this applicant's: the link made from the ECFMG ID alone is undone, so the
    // document leaves their lists and reads, and a letter request it answered is open again.
    await changeStatus(trx, doc, {
      to: 'rejected',
      statusReason: note,
      reason: note,
      actor: actorOf(caller),
      set: { applicant_id: null },
    });
    if (doc.letter_id !== null) await reopenLetterRequest(trx, doc.letter_id, doc.id);
  });
  return reread(db, id);
}
