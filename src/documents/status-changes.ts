import type { Principal } from '../auth/principal.js';
import { moveReleasesToReplacement, programsReleasedTo } from '../releases/repository.js';
import { logDocumentStatus } from '../log/recorder.js';
import { enqueueEvent } from '../webhooks/outbox.js';
import type { Executor } from '../db/database.js';
import { eventInsert, updateDocument } from './repository.js';
import { assertCanMove } from './status-machine.js';
import type { DocumentRow, DocumentStatus, DocumentsTable } from './tables.js';

export interface Actor {
  sub: string;
  role: Principal['role'];
}

export const actorOf = (caller: Principal): Actor => ({ sub: caller.sub, role: caller.role });

type Subject = Pick<DocumentRow, 'id' | 'status' | 'school_id' | 'type'> & Partial<Pick<DocumentRow, 'supersedes'>>;

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
 * Keeps a status in the document's history and tells the webhook outbox, in one statement of the
 * caller's transaction: the school that sent it and the programs it is released to right now hear of it.
 * The transparency log gets the status as an entry in the same transaction.
 */
export async function recordStatus(
  trx: Executor,
  doc: Omit<Subject, 'status'>,
  from: DocumentStatus | null,
  change: Omit<Change, 'statusReason'>,
  /** The programs the document is released to, when the caller already knows them. */
  programIds?: string[],
): Promise<void> {
  const history = eventInsert(trx, {
    documentId: doc.id,
    from,
    to: change.to,
    reason: change.reason,
    actor: change.actor.sub,
    actorRole: change.actor.role,
  });
  await enqueueEvent(
    trx,
    {
      type: `document.${change.to}`,
      data: {
        document_id: doc.id,
        type: doc.type,
        status: change.to,
        previous_status: from,
        ...(change.set?.superseded_by ? { superseded_by: change.set.superseded_by } : {}),
        // A replacement's verification is when the programs that held the original move to it.
        ...(change.to === 'verified' && doc.supersedes ? { supersedes: doc.supersedes } : {}),
      },
      audience: { school_id: doc.school_id, program_ids: programIds ?? (await programsReleasedTo(trx, doc.id)) },
    },
    history,
  );
  await logDocumentStatus(trx, doc.id);
}

/**
 * The one way a document's status changes: checked against the state machine, then recorded. Only a
 * verified document is released, so a replacement takes over the releases of what it replaces when
 * it becomes verified, not before; the programs that held them hear of it with the verification.
 */
export async function changeStatus(trx: Executor, doc: Subject, change: Change): Promise<void> {
  assertCanMove(doc.status, change.to);
  await updateDocument(trx, doc.id, { status: change.to, status_reason: change.statusReason, ...change.set });
  if (change.to === 'verified' && doc.supersedes) await moveReleasesToReplacement(trx, doc.id);
  await recordStatus(trx, doc, doc.status, change);
}
