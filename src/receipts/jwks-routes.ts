import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Jwks } from '../http/schemas.js';

/** Verifiers fetch this to check receipts and checkpoints offline; the key changes rarely. */
const maxAgeSeconds = 300;

export const serviceJwksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/.well-known/jwks.json',
    {
      config: { public: true },
      schema: {
        tags: ['verification'],
        summary: "The service's public keys, for receipts and log checkpoints (public)",
        response: { 200: Jwks },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', `public, max-age=${maxAgeSeconds}`);
      return { keys: [app.serviceKey.publicJwk] };
    },
  );
};
