import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { kidPattern } from '../crypto/public-jwk.js';
import { requireRole } from '../http/authentication.js';
import { decodeCursor, pageFrom } from '../http/cursor.js';
import { IdParams, Jwks, pageOf } from '../http/schemas.js';
import {
  listKeysOf,
  publishedKeysOf,
  registerSchoolKey,
  revokeSchoolKey,
  type KeyCompromisedHook,
} from './key-service.js';
import { KeyParams, ListQuery, RegisterKeyBody, RevokeKeyBody, SchoolKey } from './schemas.js';
import { schoolKeyView } from './views.js';

const kidFormat = new RegExp(kidPattern);

const tags = ['schools'];

/** Revocation must reach verifiers quickly, so the public key set is cached only briefly. */
const jwksMaxAgeSeconds = 60;

export const schoolKeyRoutes: FastifyPluginAsyncTypebox<{ onCompromised: KeyCompromisedHook }> = async (
  app,
  { onCompromised },
) => {
  app.post(
    '/schools/:id/keys',
    {
      schema: {
        tags,
        summary: 'Register a public signing key (admin, or the school itself)',
        description: [
          'A school may hold several active keys at once (rotation). The same key can never be registered twice,',
          'for any school and under any kid, and a revoked key never comes back: `409 key_exists`.',
        ].join(' '),
        params: IdParams,
        body: RegisterKeyBody,
        response: { 201: SchoolKey },
      },
    },
    async (request, reply) => {
      const caller = requireRole(request, 'admin', 'school');
      const key = await registerSchoolKey(app.db, caller, request.params.id, request.body.jwk);
      return reply.status(201).send(schoolKeyView(key));
    },
  );

  app.get(
    '/schools/:id/keys',
    {
      schema: {
        tags,
        summary: "A school's keys, active and revoked, oldest first (admin, or the school itself)",
        params: IdParams,
        querystring: ListQuery,
        response: { 200: pageOf(SchoolKey) },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'school');
      const { limit, cursor } = request.query;
      // Keys are named by kid, not a UUID: the cursor's id is a kid.
      const rows = await listKeysOf(app.db, caller, request.params.id, {
        after: decodeCursor(cursor, kidFormat),
        limit,
      });
      return pageFrom(rows, limit, (row) => ({ at: row.created_at, id: row.kid }), schoolKeyView);
    },
  );

  app.post(
    '/schools/:id/keys/:kid/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke a key (admin, or the school itself)',
        description: [
          "From now on nothing signed with the key is accepted, and it leaves the school's JWKS. With `compromised_at`",
          '(not in the future), documents signed with the key at or after that time are revoked too.',
          'Revoking a key that is already revoked changes nothing and is `409 key_already_revoked`.',
        ].join(' '),
        params: KeyParams,
        body: RevokeKeyBody,
        response: { 200: SchoolKey },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'school');
      const { id, kid } = request.params;
      return schoolKeyView(await revokeSchoolKey(app.db, caller, id, kid, request.body, onCompromised));
    },
  );

  app.get(
    '/schools/:id/jwks.json',
    {
      config: { public: true },
      schema: {
        tags,
        summary: "The school's active public keys as a JWKS (public)",
        description: `Revoked keys are absent. Cacheable for ${jwksMaxAgeSeconds} seconds.`,
        params: IdParams,
        response: { 200: Jwks },
      },
    },
    async (request, reply) => {
      const keys = await publishedKeysOf(app.db, request.params.id);
      reply.header('cache-control', `public, max-age=${jwksMaxAgeSeconds}`);
      return { keys };
    },
  );
};
