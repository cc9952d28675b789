import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf, requireRole } from '../http/authentication.js';
import { decodeCursor, pageFrom } from '../http/cursor.js';
import { IdParams, pageOf } from '../http/schemas.js';
import { CreateProgramBody, Program, ProgramDirectoryEntry, ProgramDirectoryQuery } from './schemas.js';
import { programDirectory, programVisibleTo, registerProgram } from './service.js';
import { programDirectoryView, programView } from './views.js';

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
    '/programs',
    {
      schema: {
        tags,
        summary: 'The program directory: search programs by ACGME ID, name or specialty (any signed-in caller)',
        description: [
          'A `q` that is a whole ACGME ID (10 digits) finds that program; any other text finds the programs with a word of the',
          'name or specialty starting with each word typed, ignoring case and accents. Without `q`, every program.',
          'Oldest first, cursor-paged.',
          'A `q` longer than 200 characters, or with control characters, is `400 validation_failed`.',
        ].join(' '),
        querystring: ProgramDirectoryQuery,
        response: { 200: pageOf(ProgramDirectoryEntry) },
      },
    },
    async (request) => {
      callerOf(request);
      const { q, limit, cursor } = request.query;
      const rows = await programDirectory(app.db, q, { after: decodeCursor(cursor), limit });
      return pageFrom(rows, limit, (row) => ({ at: row.created_at, id: row.id }), programDirectoryView);
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
