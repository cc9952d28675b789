import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { callerOf } from '../http/authentication.js';
import { IdParams } from '../http/schemas.js';
import { documentLogProofText, issueReceipt, type ReceiptIssuer } from './service.js';

export const ReceiptResponse = Type.Object(
  {
    receipt: Type.String({
      description:
        "A compact JWS (typ emswp-receipt+jwt) signed with the service's key from /.well-known/jwks.json; check it offline with `emswp verify-receipt`.",
    }),
  },
  { title: 'Receipt' },
);

export const receiptRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const issuer: ReceiptIssuer = {
    key: app.serviceKey,
    issuer: app.config.service.issuer,
    logOrigin: app.logKey.origin,
  };

  app.get(
    '/documents/:id/receipt',
    {
      schema: {
        tags: ['documents'],
        summary: "A signed receipt of the document's current record (as GET /v1/documents/{id})",
        description:
          "Signed now with the service key: the document's metadata and status, the SHA-256 of its bytes and of the school's manifest, and `log`: the document's latest transparency log entry with its c2sp.org/tlog-proof (inclusion proof and signed checkpoint). It holds no content, so a program gets it even while an MSPE's content is embargoed. A program's receipt is recorded in the applicant's disclosures once it is made (a 503 `log_pending` is not a disclosure). An applicant gets receipts only of documents verified as theirs (403 `identity_unconfirmed` while one waits for review). The school's current status is beside the document's, and `received_at` is the service's own clock (`signed_at` is the school's). A change not yet in a signed checkpoint is waited for a few seconds, then `503 log_pending` with `Retry-After`.",
        params: IdParams,
        response: { 200: ReceiptResponse },
      },
    },
    async (request, reply) => {
      const headOnly = request.method === 'HEAD';
      const receipt = await issueReceipt(app.db, issuer, callerOf(request), request.params.id, headOnly);
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
      const proof = await documentLogProofText(app.db, app.logKey.origin, callerOf(request), request.params.id);
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'private, no-store').send(proof);
    },
  );
};
