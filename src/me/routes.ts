import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../http/authentication.js';
import { roles } from '../auth/principal.js';
import { StringEnum, Uuid } from '../http/schemas.js';

const Me = Type.Object({
  sub: Type.String(),
  role: StringEnum(roles),
  school_id: Type.Optional(Uuid),
  applicant_id: Type.Optional(Uuid),
  program_id: Type.Optional(Uuid),
});

export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/me',
    { schema: { tags: ['access'], summary: 'Who the access token says you are', response: { 200: Me } } },
    async (request) => callerOf(request),
  );
};
