import type { Static } from '@sinclair/typebox';
import { matchWaitingDocuments } from '../documents/cascades.js';
import { actorOf } from '../documents/transitions.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole } from '../http/authentication.js';
import { IdParams } from '../http/schemas.js';
import { Applicant, CreateApplicantBody } from './schemas.js';
import { applicantVisibleTo, registerApplicant } from './service.js';
import type { ApplicantRow } from './tables.js';

const tags = ['applicants'];

const applicantView = (row: ApplicantRow): Static<typeof Applicant> => ({
  id: row.id,
  ecfmg_id: row.ecfmg_id,
  given_name: row.given_name,
  family_name: row.family_name,
  date_of_birth: row.date_of_birth,
  email: row.email,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

export const applicantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/applicants',
    {
      schema: {
        tags,
        summary: 'Register an applicant (admin)',
        description: 'An `ecfmg_id` that is already registered is `409 applicant_exists`.',
        body: CreateApplicantBody,
        response: { 201: Applicant },
      },
    },
    async (request, reply) => {
      const caller = requireRole(request, 'admin');
      const applicant = await app.db.transaction().execute(async (trx) => {
        const registered = await registerApplicant(trx, request.body);
        await matchWaitingDocuments(trx, registered, actorOf(caller));
        return registered;
      });
      return reply.status(201).send(applicantView(applicant));
    },
  );

  app.get(
    '/applicants/:id',
    {
      schema: {
        tags,
        summary: 'Read an applicant (admin, or the applicant)',
        params: IdParams,
        response: { 200: Applicant },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'applicant');
      return applicantView(await applicantVisibleTo(app.db, caller, request.params.id));
    },
  );
};
