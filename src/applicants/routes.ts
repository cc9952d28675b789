import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole } from '../http/authentication.js';
import { IdParams } from '../http/schemas.js';
import { Applicant, CreateApplicantBody } from './schemas.js';
import { applicantVisibleTo, registerApplicant, type ApplicantRegisteredHook } from './service.js';
import { applicantView } from './views.js';

const tags = ['applicants'];

export const applicantRoutes: FastifyPluginAsyncTypebox<{ onRegistered: ApplicantRegisteredHook }> = async (
  app,
  { onRegistered },
) => {
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
      const applicant = await registerApplicant(app.db, caller, request.body, onRegistered);
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
