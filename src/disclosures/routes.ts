import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole } from '../http/authentication.js';
import { decodeCursor, pageFrom } from '../http/cursor.js';
import { IdParams, pageOf } from '../http/schemas.js';
import { DisclosureListQuery, DisclosureSchema } from './schemas.js';
import { disclosuresOf } from './service.js';
import { disclosureView } from './views.js';

export const disclosureRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/applicants/:id/disclosures',
    {
      schema: {
        tags: ['releases'],
        summary: 'Which program saw which of your documents, and when (admin, that applicant)',
        description:
          'Every content download and receipt fetch by a program, oldest first, including those made before a release was withdrawn. Repeated downloads of one document by one program within 10 minutes of the first are one disclosure: `count` says how many, `last_disclosed_at` when the latest was. A HEAD request is not a disclosure.',
        params: IdParams,
        querystring: DisclosureListQuery,
        response: { 200: pageOf(DisclosureSchema) },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'applicant');
      const { limit, cursor } = request.query;
      const rows = await disclosuresOf(app.db, caller, request.params.id, { after: decodeCursor(cursor), limit });
      return pageFrom(rows, limit, (row) => ({ at: row.created_at, id: row.id }), disclosureView);
    },
  );
};
