import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole } from '../http/authentication.js';
import { decodeCursor, pageFrom } from '../http/cursor.js';
import { IdParams, pageOf } from '../http/schemas.js';
import { listProgramDocumentsFor } from './lists.js';
import { DocumentListQuery, DocumentRef, DocumentSchema } from './schemas.js';
import { documentView } from './views.js';

/** Documents as a program sees them: only those released to it now. */
export const programDocumentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(DocumentSchema);

  app.get(
    '/programs/:id/documents',
    {
      schema: {
        tags: ['releases'],
        summary: 'The documents released to a program (that program, admin)',
        description:
          "Ordered by the documents' (updated_at, id). `updated_since` matches documents changed, or released to the program, at or after that time, so a program syncing by time also sees older documents released to it since. A withdrawn release removes its document from the list.",
        params: IdParams,
        querystring: DocumentListQuery,
        response: { 200: pageOf(DocumentRef) },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'program');
      const { cursor, ...query } = request.query;
      const rows = await listProgramDocumentsFor(app.db, caller, request.params.id, query, decodeCursor(cursor));
      return pageFrom(rows, query.limit, (row) => ({ at: row.listed_at, id: row.id }), documentView);
    },
  );
};
