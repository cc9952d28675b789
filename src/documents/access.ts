import type { Principal } from '../auth/principal.js';
import { notFound, problem } from '../http/problem.js';
import type { Executor } from '../db/database.js';
import { findDocument, readChunks, type DocumentWithSchool } from './repository.js';
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
 * Content is narrower than metadata: an applicant who waived the right to view a letter never gets
 * its bytes, and a program waits for the MSPE release date.
 */
export async function assertMayDownload(
  caller: Principal,
  doc: DocumentWithSchool,
  letterWaived: () => Promise<boolean>,
  now = new Date(),
): Promise<void> {
  if (caller.role === 'applicant' && doc.type === 'lor' && (await letterWaived())) {
    throw problem('letter_waived', 'You waived the right to view this letter, so its content is not available to you.');
  }
  if (caller.role === 'program' && doc.available_at > now) {
    throw problem('embargoed', `This document's content is available from ${doc.available_at.toISOString()}.`);
  }
}

/**
 * A caller receives a document's content or a receipt of it: the document if they may have it,
 * with the disclosure recorded first (a program's content download or receipt fetch is on the
 * applicant's record even when sending the answer then fails: telling the applicant too much is the
 * safe mistake).
 */
export async function discloseDocument(
  db: Executor,
  caller: Principal,
  id: string,
  kind: DisclosureKind,
): Promise<DocumentWithSchool> {
  const doc = await visibleDocument(db, caller, id);
  if (kind === 'content') await assertMayDownload(caller, doc, () => letterWaived(db, doc.letter_id));
  await recordDisclosure(db, caller, doc, kind);
  return doc;
}

/** GET /documents/{id}/content: the document and its bytes, one stored chunk at a time, once disclosed. */
export async function downloadDocument(
  db: Executor,
  caller: Principal,
  id: string,
): Promise<{ document: DocumentWithSchool; bytes: AsyncGenerator<Buffer> }> {
  const document = await discloseDocument(db, caller, id, 'content');
  return { document, bytes: readChunks(db, document.id) };
}
