import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole } from '../http/authentication.js';
import { decodeCursor, pageFrom } from '../http/cursor.js';
import { IdParams, pageOf } from '../http/schemas.js';
import { CreateReleaseBody, ReleaseListQuery, ReleaseRef, ReleaseSchema } from './schemas.js';
import { releaseDocument, releasesOf, withdrawRelease } from './service.js';
import { releaseView } from './views.js';

const tags = ['releases'];

export const releaseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(ReleaseSchema);

  app.post(
    '/applicants/:id/releases',
    {
      schema: {
        tags,
        summary: 'Release one of your verified documents to a program (that applicant)',
        description:
          "Only the applicant's own `verified` documents (`422 document_not_releasable`), to a registered program (`422 program_unknown`), once per program while the release is active (`409 release_exists`). When the school later replaces the document, the release moves to the replacement once the replacement is verified (at once when its identity matches, else when an operator accepts it); until then the program keeps the original, shown as superseded.",
        params: IdParams,
        body: CreateReleaseBody,
        response: { 201: ReleaseRef },
      },
    },
    async (request, reply) => {
      const caller = requireRole(request, 'applicant');
      const release = await releaseDocument(app.db, caller, request.params.id, request.body);
      return reply.status(201).send(releaseView(release));
    },
  );

  app.get(
    '/applicants/:id/releases',
    {
      schema: {
        tags,
        summary: "An applicant's releases, active and withdrawn (admin, that applicant)",
        params: IdParams,
        querystring: ReleaseListQuery,
        response: { 200: pageOf(ReleaseRef) },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'applicant');
      const { limit, cursor, status } = request.query;
      const rows = await releasesOf(app.db, caller, request.params.id, status, { after: decodeCursor(cursor), limit });
      return pageFrom(rows, limit, (row) => ({ at: row.created_at, id: row.id }), releaseView);
    },
  );

  app.delete(
    '/releases/:id',
    {
      schema: {
        tags,
        summary: 'Withdraw a release (the applicant who made it)',
        description:
          'The program loses access from now on; disclosures already made stay on record. Withdrawing a withdrawn release answers 200 with it unchanged.',
        params: IdParams,
        response: { 200: ReleaseRef },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'applicant');
      return releaseView(await withdrawRelease(app.db, caller, request.params.id));
    },
  );
};
