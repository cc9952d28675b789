import type { Executor } from '../db/database.js';
import type { StoredJwk } from '../schools/tables.js';
import { documentReasonCode, isoOrNull, logEntry } from './entries.js';
import { documentFacts, insertPending, keyFacts, schoolFacts, type DocumentFacts } from './repository.js';

/**
 * The log as a sink: each feature calls one of these in the transaction of its change, and the
 * entry reaches the log exactly when the change commits. They read the row as it now stands, so
 * the caller passes only its id.
 */

/** What a document entry states: the document's row as the log reads it, without the reading's clock. */
export type DocumentEntryFacts = Omit<DocumentFacts, 'now'>;

export const documentEntry = (facts: DocumentEntryFacts, at: Date): Buffer =>
  logEntry('document', at, {
    document_id: facts.id,
    seq: facts.seq,
    type: facts.type,
    status: facts.status,
    reason: documentReasonCode(facts.status, facts.status_reason),
    sha256: facts.sha256,
    size: facts.size,
    school: facts.wdoms_id,
    key_id: facts.key_id,
    manifest_sha256: facts.manifest_sha256,
    signed_at: facts.signed_at.toISOString(),
    supersedes: facts.supersedes,
  });

export interface KeyEntryFacts {
  wdoms_id: string;
  kid: string;
  thumbprint: string;
  alg: string;
  jwk: StoredJwk;
  status: 'active' | 'revoked';
  compromised_at: Date | null;
}

export const keyEntry = (facts: KeyEntryFacts, at: Date): Buffer =>
  logEntry('key', at, {
    school: facts.wdoms_id,
    kid: facts.kid,
    thumbprint: facts.thumbprint,
    alg: facts.alg,
    jwk: facts.jwk,
    status: facts.status,
    compromised_at: facts.status === 'revoked' ? isoOrNull(facts.compromised_at) : null,
  });

export interface SchoolEntryFacts {
  wdoms_id: string;
  name: string;
  country: string;
  status: string;
}

export const schoolEntry = (facts: SchoolEntryFacts, at: Date): Buffer =>
  logEntry('school', at, { school: facts.wdoms_id, name: facts.name, country: facts.country, status: facts.status });

/** A document's status as it now stands: its submission, or a change of status. */
export async function logDocumentStatus(trx: Executor, documentId: string): Promise<void> {
  const facts = await documentFacts(trx, documentId);
  if (!facts) throw new Error(`document ${documentId} is not there to be logged`);
  await insertPending(trx, [{ entry: documentEntry(facts, facts.now), documentId }]);
}

/** A school key as it now stands: registered (active) or revoked. */
export async function logKeyStatus(trx: Executor, kid: string): Promise<void> {
  const facts = await keyFacts(trx, kid);
  if (!facts) throw new Error(`key ${kid} is not there to be logged`);
  await insertPending(trx, [{ entry: keyEntry(facts, facts.now), documentId: null }]);
}

/** A school as it now stands: registered, or its status changed. */
export async function logSchoolStatus(trx: Executor, schoolId: string): Promise<void> {
  const facts = await schoolFacts(trx, schoolId);
  if (!facts) throw new Error(`school ${schoolId} is not there to be logged`);
  await insertPending(trx, [{ entry: schoolEntry(facts, facts.now), documentId: null }]);
}
