import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DocumentListQuery, DocumentRef, DocumentSchema } from '../documents/schemas.js';
import { documentView } from '../documents/view.js';
import { requireRole } from '../http/authentication.js';
import { decodeCursor, pageFrom } from '../http/cursor.js';
import { notFound } from '../http/problem.js';
import { IdParams, pageOf } from '../http/schemas.js';
import { findProgram } from '../programs/repository.js';
import { listApplicantReleases, listProgramDocuments } from './repository.js';
import { CreateReleaseBody, ReleaseListQuery, ReleaseRef, ReleaseSchema } from './schemas.js';
import { releaseDocument, withdrawRelease } from './service.js';
import { releaseView } from './view.js';
import { applicantVisibleTo } from '../applicants/service.js';

const tags = ['releases'];

export const releaseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(ReleaseSchema);
  app.addSchema(DocumentSchema);

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
      const { id: applicantId } = await applicantVisibleTo(app.db, caller, request.params.id);
      const { limit, cursor, status } = request.query;
      const rows = await listApplicantReleases(
        app.db,
        applicantId,
        { active: status === undefined ? undefined : status === 'active' },
        limit,
        decodeCursor(cursor),
      );
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

  app.get(
    '/programs/:id/documents',
    {
      schema: {
        tags,
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
      const programId = request.params.id;
      if (caller.role === 'program' && caller.program_id !== programId) throw notFound('program');
      // A program's own token names a registered program; only an operator can ask about any id.
      if (caller.role === 'admin' && !(await findProgram(app.db, programId))) throw notFound('program');
      const { limit, cursor, updated_since, ...filters } = request.query;
      const rows = await listProgramDocuments(
        app.db,
        programId,
        { ...filters, updated_since: updated_since === undefined ? undefined : new Date(updated_since) },
        limit,
        decodeCursor(cursor),
      );
      return pageFrom(rows, limit, (row) => ({ at: row.listed_at, id: row.id }), documentView);
    },
  );
};
