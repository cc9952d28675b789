import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { discloseDocument } from '../documents/access.js';
import { callerOf } from '../http/authentication.js';
import { IdParams } from '../http/schemas.js';
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

export const receiptRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/documents/:id/receipt',
    {
      schema: {
        tags: ['documents'],
        summary: "A signed receipt of the document's current record (as GET /v1/documents/{id})",
        description:
          "Signed now with the service key: the document's metadata and status, the SHA-256 of its bytes and of the school's manifest. It holds no content, so a program gets it even while an MSPE's content is embargoed. A program's fetch is recorded in the applicant's disclosures. An applicant gets receipts only of documents verified as theirs (403 `identity_unconfirmed` while one waits for review). The school's current status is beside the document's, and `received_at` is the service's own clock (`signed_at` is the school's).",
        params: IdParams,
        response: { 200: ReceiptResponse },
      },
    },
    async (request, reply) => {
      const headOnly = request.method === 'HEAD';
      const doc = await discloseDocument(app.db, callerOf(request), request.params.id, { kind: 'receipt', headOnly });
      const receipt = await signReceipt(app.serviceKey, receiptPayloadOf(doc, app.config.service.issuer));
      return reply.header('cache-control', 'private, no-store').send({ receipt });
    },
  );
};
