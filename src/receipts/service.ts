import type { Principal } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import { discloseDocument, documentForLogProof } from '../documents/access.js';
import { problem } from '../http/problem.js';
import { documentLogProof, type DocumentLogProof } from '../log/document-proof.js';
import { receiptPayloadOf } from './payload.js';
import { signReceipt, type ReceiptSigningKey } from './receipt.js';

/** How long a request waits for a change to reach a signed checkpoint before answering 503. */
const logWaitMs = 3_000;
const retryAfterSeconds = 2;

export interface ReceiptIssuer {
  /** The service key receipts are signed with. */
  key: ReceiptSigningKey;
  /** The service's issuer name (`iss`). */
  issuer: string;
  /** The transparency log's origin line. */
  logOrigin: string;
}

/** The proof of the document's latest log entry, or 503 log_pending once the wait is over. */
async function logProofOf(db: Executor, origin: string, documentId: string): Promise<DocumentLogProof> {
  const log = await documentLogProof(db, origin, documentId, logWaitMs);
  if (!log) {
    throw problem(
      'log_pending',
      'The latest change of this document is not in a signed transparency log checkpoint yet; ask again shortly.',
      { headers: { 'retry-after': String(retryAfterSeconds) } },
    );
  }
  return log;
}

/**
 * GET /documents/{id}/receipt: a receipt signed now, with the document's log inclusion proof. A
 * program's receipt is a disclosure, recorded only once the receipt is made: one that ends in
 * log_pending was never given.
 */
export async function issueReceipt(
  db: Executor,
  issuer: ReceiptIssuer,
  caller: Principal,
  id: string,
  headOnly: boolean,
): Promise<string> {
  return discloseDocument(db, caller, id, { kind: 'receipt', headOnly }, async (doc) => {
    const log = await logProofOf(db, issuer.logOrigin, doc.id);
    return signReceipt(issuer.key, { ...receiptPayloadOf(doc, issuer.issuer), log });
  });
}

/** GET /documents/{id}/log-proof: the .tlog-proof text of the document's latest entry (not a disclosure). */
export async function documentLogProofText(
  db: Executor,
  origin: string,
  caller: Principal,
  id: string,
): Promise<string> {
  const doc = await documentForLogProof(db, caller, id);
  return (await logProofOf(db, origin, doc.id)).proof;
}
