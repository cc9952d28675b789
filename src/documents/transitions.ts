import type { Principal } from '../auth/principal.js';
import { insertEvent, updateDocument, type Executor } from './repository.js';
import { assertCanMove } from './status.js';
import type { DocumentRow, DocumentStatus, DocumentsTable } from './tables.js';

export interface Actor {
  sub: string;
  role: Principal['role'];
}

export const actorOf = (caller: Principal): Actor => ({ sub: caller.sub, role: caller.role });

export interface Change {
  to: DocumentStatus;
  /** Shown on the document as `status_reason`; null clears it. */
  statusReason: string | null;
  /** Kept in the event history: the note, the reason given. */
  reason: string | null;
  actor: Actor;
  set?: Partial<Pick<DocumentsTable, 'applicant_id' | 'superseded_by'>>;
}

/**
 * The one way a document's status changes: checked against the state machine, written with its
 * history event in the caller's transaction.
 */
export async function changeStatus(trx: Executor, doc: Pick<DocumentRow, 'id' | 'status'>, change: Change): Promise<void> {
  assertCanMove(doc.status, change.to);
  await updateDocument(trx, doc.id, { status: change.to, status_reason: change.statusReason, ...change.set });
  await insertEvent(trx, {
    documentId: doc.id,
    from: doc.status,
    to: change.to,
    reason: change.reason,
    actor: change.actor.sub,
    actorRole: change.actor.role,
  });
}
