import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole } from '../http/authentication.js';
import { IdParams } from '../http/schemas.js';
import { CreateProgramBody, Program } from './schemas.js';
import { programVisibleTo, registerProgram } from './service.js';
import { programView } from './views.js';

const tags = ['programs'];

export const programRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/programs',
    {
      schema: {
        tags,
        summary: 'Register a residency program (admin)',
        description: 'An `acgme_id` that is already registered is `409 program_exists`.',
        body: CreateProgramBody,
        response: { 201: Program },
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin');
      return reply.status(201).send(programView(await registerProgram(app.db, request.body)));
    },
  );

  app.get(
    '/programs/:id',
    {
      schema: { tags, summary: 'Read a program (admin, or the program)', params: IdParams, response: { 200: Program } },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'program');
      return programView(await programVisibleTo(app.db, caller, request.params.id));
    },
  );
};
