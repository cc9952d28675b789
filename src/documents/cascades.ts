import type { Transaction } from 'kysely';
import type { DB } from '../db/types.js';
import { matchStatus, type StatedIdentity } from './matching.js';
import { lockUnmatchedFor } from './repository.js';
import { canMove } from './status-machine.js';
import { changeStatus, type Actor } from './status-changes.js';

/**
 * A key reported compromised since `compromisedAt` can have signed anything after that moment: every
 * document it signed from then on is revoked. "From then on" is judged by both clocks: the manifest's
 * `iat` (signed_at), and our own receipt time (created_at), because whoever holds a leaked key also
 * chooses `iat` and can date a forgery before the compromise; the receipt time they cannot set.
 * Documents already final (rejected, revoked) stay as they are. Runs in the key revocation's transaction.
 */
export async function revokeSignedWithCompromisedKey(
  trx: Transaction<DB>,
  kid: string,
  compromisedAt: Date,
  actor: Actor,
): Promise<number> {
  const affected = await trx
    .selectFrom('documents')
    .select(['id', 'status', 'school_id', 'type'])
    .where('key_id', '=', kid)
    .where((eb) => eb.or([eb('signed_at', '>=', compromisedAt), eb('created_at', '>=', compromisedAt)]))
    .forUpdate()
    .execute();
  let revoked = 0;
  for (const doc of affected) {
    if (!canMove(doc.status, 'revoked')) continue;
    await changeStatus(trx, doc, {
      to: 'revoked',
      statusReason: 'key_compromised',
      reason: `signing key ${kid} reported compromised since ${compromisedAt.toISOString()}`,
      actor,
    });
    revoked += 1;
  }
  return revoked;
}

/**
 * Documents that arrived before their applicant was registered are matched as soon as the
 * applicant is: in the registration's transaction, with the same rules as at submission.
 */
export async function matchWaitingDocuments(
  trx: Transaction<DB>,
  applicant: StatedIdentity & { id: string; ecfmg_id: string },
  actor: Actor,
): Promise<number> {
  const waiting = await lockUnmatchedFor(trx, applicant.ecfmg_id);
  for (const doc of waiting) {
    const status = matchStatus(applicant, doc);
    await changeStatus(trx, doc, {
      to: status,
      statusReason: status === 'needs_review' ? 'identity_mismatch' : null,
      reason: 'applicant registered',
      actor,
      set: { applicant_id: applicant.id },
    });
  }
  return waiting.length;
}
