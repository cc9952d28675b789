import { registeredApplicant } from '../applicants/service.js';
import type { ApplicantRow } from '../applicants/tables.js';
import type { Executor } from '../db/database.js';
import { notFound } from '../http/problem.js';
import { findDocument, type DocumentWithSchool } from './repository.js';

export interface IdentityCheck {
  document: DocumentWithSchool;
  /** The applicant registered with the manifest's ECFMG ID, or undefined when none is. */
  registered: ApplicantRow | undefined;
}

/**
 * What an operator weighs before accepting or rejecting a `needs_review` document: who the manifest
 * says the document is about, beside who is registered under that ECFMG ID. Only operators see the
 * manifest's names and date of birth; every other reader gets the document without them.
 */
export async function identityCheck(db: Executor, id: string): Promise<IdentityCheck> {
  const document = await findDocument(db, id);
  if (!document) throw notFound('document');
  return { document, registered: await registeredApplicant(db, document.ecfmg_id) };
}
