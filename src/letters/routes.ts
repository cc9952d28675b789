import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireRole } from '../http/authentication.js';
import { decodeCursor, pageFrom } from '../http/cursor.js';
import { IdParams, PageQuery, pageOf } from '../http/schemas.js';
import { LetterRequestBody, LetterRequestSchema } from './schemas.js';
import { lettersOf, requestLetter } from './service.js';
import { letterView } from './views.js';

const tags = ['letters'];

export const letterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(LetterRequestSchema);
  const LetterRef = Type.Ref(LetterRequestSchema);

  app.post(
    '/applicants/:id/letter-requests',
    {
      schema: {
        tags,
        summary: 'Ask for a letter of recommendation (the applicant)',
        description:
          'The request names the school that is to send the letter (`school_id`, an active school, else `422 school_unknown`); the answer holds the `letter_id` to give that school, and a letter naming it from any other school is refused (`422 letter_invalid`). The waiver choice made here is the one that counts.',
        params: IdParams,
        body: LetterRequestBody,
        response: { 201: LetterRef },
      },
    },
    async (request, reply) => {
      const caller = requireRole(request, 'applicant');
      const row = await requestLetter(app.db, caller, request.params.id, request.body);
      return reply.status(201).send(letterView(row));
    },
  );

  app.get(
    '/applicants/:id/letter-requests',
    {
      schema: {
        tags,
        summary: "An applicant's letter requests (admin, that applicant)",
        params: IdParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: pageOf(LetterRef) },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'applicant');
      const { limit, cursor } = request.query;
      const rows = await lettersOf(app.db, caller, request.params.id, { after: decodeCursor(cursor), limit });
      return pageFrom(rows, limit, (row) => ({ at: row.created_at, id: row.id }), letterView);
    },
  );
};
