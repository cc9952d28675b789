import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { discloseDocument, documentForLogProof } from '../documents/access.js';
import { callerOf } from '../http/authentication.js';
import { problem } from '../http/problem.js';
import { IdParams } from '../http/schemas.js';
import { documentLogProof } from '../log/document-proof.js';
import { receiptPayloadOf } from './payload.js';
import { signReceipt } from './receipt.js';

export const ReceiptResponse = Type.Object(
  {
    receipt: Type.String({
      description:
        "A compact JWS (typ emswp-receipt+jwt) signed with the service's key from /.well-known/jwks.json; check it offline with `emswp verify-receipt`.",
    }),
  },
  { title: 'Receipt' },
);

/** How long a request waits for a change to reach a signed checkpoint before answering 503. */
const logWaitMs = 3_000;
const retryAfterSeconds = 2;

export const receiptRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const proofOf = async (id: string) => {
    const log = await documentLogProof(app.db, app.logKey.origin, id, logWaitMs);
    if (!log) {
      throw problem(
        'log_pending',
        'The latest change of this document is not in a signed transparency log checkpoint yet; ask again shortly.',
        { headers: { 'retry-after': String(retryAfterSeconds) } },
      );
    }
    return log;
  };

  app.get(
    '/documents/:id/receipt',
    {
      schema: {
        tags: ['documents'],
        summary: "A signed receipt of the document's current record (as GET /v1/documents/{id})",
        description:
          "Signed now with the service key: the document's metadata and status, the SHA-256 of its bytes and of the school's manifest, and `log`: the document's latest transparency log entry with its c2sp.org/tlog-proof (inclusion proof and signed checkpoint). It holds no content, so a program gets it even while an MSPE's content is embargoed. A program's fetch is recorded in the applicant's disclosures. An applicant gets receipts only of documents verified as theirs (403 `identity_unconfirmed` while one waits for review). The school's current status is beside the document's, and `received_at` is the service's own clock (`signed_at` is the school's). A change not yet in a signed checkpoint is waited for a few seconds, then `503 log_pending` with `Retry-After`.",
        params: IdParams,
        response: { 200: ReceiptResponse },
      },
    },
    async (request, reply) => {
      const headOnly = request.method === 'HEAD';
      const doc = await discloseDocument(app.db, callerOf(request), request.params.id, { kind: 'receipt', headOnly });
      const log = await proofOf(doc.id);
      const receipt = await signReceipt(app.serviceKey, { ...receiptPayloadOf(doc, app.config.service.issuer), log });
      return reply.header('cache-control', 'private, no-store').send({ receipt });
    },
  );

  app.get(
    '/documents/:id/log-proof',
    {
      schema: {
        tags: ['documents'],
        summary: "The c2sp.org/tlog-proof of the document's latest transparency log entry (as GET /v1/documents/{id})",
        description:
          'The entry (as `extra`), its index, the inclusion proof and the signed checkpoint, checkable with the log verifier key from /log/vkey. A change not yet in a signed checkpoint is waited for a few seconds, then `503 log_pending` with `Retry-After`.',
        params: IdParams,
        response: {
          200: { description: 'A .tlog-proof', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      },
    },
    async (request, reply) => {
      const doc = await documentForLogProof(app.db, callerOf(request), request.params.id);
      const { proof } = await proofOf(doc.id);
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'private, no-store').send(proof);
    },
  );
};
