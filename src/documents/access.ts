import type { Principal } from '../auth/principal.js';
import { notFound, problem } from '../http/problem.js';
import type { Executor } from '../db/database.js';
import { findDocument, readChunks, wasEverVerified, type DocumentWithSchool } from './repository.js';
import { recordDisclosure } from '../disclosures/repository.js';
import type { DisclosureKind } from '../disclosures/tables.js';
import { letterWaived } from '../letters/repository.js';
import { findReleasedDocument, isActivelyReleased } from './released-repository.js';

/**
 * Who may see a document at all: admins, the school that sent it, the applicant it is about, and a
 * program it is released to. Anyone else is told it does not exist.
 */
export async function canSee(db: Executor, caller: Principal, doc: DocumentWithSchool): Promise<boolean> {
  switch (caller.role) {
    case 'admin':
      return true;
    case 'school':
      return doc.school_id === caller.school_id;
    case 'applicant':
      return doc.applicant_id === caller.applicant_id;
    case 'program':
      return isActivelyReleased(db, doc.id, caller.program_id);
  }
}

/** The document if the caller may see it; 404 otherwise, the same answer as for an unknown id. */
export async function visibleDocument(db: Executor, caller: Principal, id: string): Promise<DocumentWithSchool> {
  // A program's read is one query that finds the document only through its own release, so an
  // unknown id and another program's document take the same path and the same time.
  if (caller.role === 'program') {
    const released = await findReleasedDocument(db, id, caller.program_id);
    if (!released) throw notFound('document');
    return released;
  }
  const doc = await findDocument(db, id);
  if (!doc || !(await canSee(db, caller, doc))) throw notFound('document');
  return doc;
}

/**
 * An applicant sees the content, and receipts, only of documents verified as theirs. A document is
 * linked to an applicant by the ECFMG ID the school signed; when the names or birth date disagree it
 * waits for an operator (needs_review) and may be someone else's, so until it is accepted the
 * applicant sees that it is waiting (its type, school and dates), never what it says. A superseded
 * or revoked document still counts when it was verified before.
 */
export async function assertVerifiedForApplicant(db: Executor, caller: Principal, doc: DocumentWithSchool) {
  if (caller.role !== 'applicant' || doc.status === 'verified') return;
  const wasTheirs = (doc.status === 'superseded' || doc.status === 'revoked') && (await wasEverVerified(db, doc.id));
  if (wasTheirs) return;
  throw problem(
    'identity_unconfirmed',
    doc.status === 'needs_review'
      ? 'This document is waiting for an operator to confirm it is about you (its names or date of birth differ from yours); its content and receipt are available once it is accepted.'
      : 'This document was never confirmed as being about you, so its content and receipt are not available to you.',
  );
}

/**
 * Content is narrower than metadata: an applicant gets the bytes only of documents verified as
 * theirs and never those of a letter whose right of view they waived, and a program waits for the
 * MSPE release date.
 */
export async function assertMayDownload(
  db: Executor,
  caller: Principal,
  doc: DocumentWithSchool,
  letterWaived: () => Promise<boolean>,
  now = new Date(),
): Promise<void> {
  await assertVerifiedForApplicant(db, caller, doc);
  if (caller.role === 'applicant' && doc.type === 'lor' && (await letterWaived())) {
    throw problem('letter_waived', 'You waived the right to view this letter, so its content is not available to you.');
  }
  if (caller.role === 'program' && doc.available_at > now) {
    throw problem('embargoed', `This document's content is available from ${doc.available_at.toISOString()}.`);
  }
}

export interface Disclosure {
  kind: DisclosureKind;
  /** A HEAD request: the answer tells size and digest but carries no content or receipt, so it is not a disclosure. */
  headOnly: boolean;
}

/**
 * A caller receives a document's content or a receipt of it: `answer` makes what they receive, for
 * a document they may have, and the disclosure is recorded once it is made and before it is sent.
 * An answer that cannot be made (a receipt whose log entry is still pending) discloses nothing; one
 * made but lost on the way (a download failing halfway) is still on the applicant's record: telling
 * the applicant too much is the safe mistake.
 */
export async function discloseDocument<T>(
  db: Executor,
  caller: Principal,
  id: string,
  { kind, headOnly }: Disclosure,
  answer: (doc: DocumentWithSchool) => Promise<T>,
): Promise<T> {
  const doc = await visibleDocument(db, caller, id);
  if (kind === 'content') await assertMayDownload(db, caller, doc, () => letterWaived(db, doc.letter_id));
  else await assertVerifiedForApplicant(db, caller, doc);
  const given = await answer(doc);
  if (!headOnly) await recordDisclosure(db, caller, doc, kind);
  return given;
}

/**
 * GET /documents/{id}/log-proof: the document's place in the transparency log, for whoever may see
 * the document, and for an applicant only once it is verified as theirs (as its receipt). Not a
 * disclosure: the proof holds no content and no personal data.
 */
export async function documentForLogProof(db: Executor, caller: Principal, id: string): Promise<DocumentWithSchool> {
  const doc = await visibleDocument(db, caller, id);
  await assertVerifiedForApplicant(db, caller, doc);
  return doc;
}

/** GET /documents/{id}/content: the document and its bytes, one stored chunk at a time, once disclosed. */
export async function downloadDocument(
  db: Executor,
  caller: Principal,
  id: string,
  headOnly: boolean,
): Promise<{ document: DocumentWithSchool; bytes: AsyncIterable<Buffer> }> {
  return discloseDocument(db, caller, id, { kind: 'content', headOnly }, async (document) => ({
    document,
    bytes: headOnly ? noBytes() : readChunks(db, document.id),
  }));
}

async function* noBytes(): AsyncGenerator<Buffer> {}
