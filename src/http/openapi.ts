import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { errorCodes } from './error-codes.js';
import { ProblemSchema } from './schemas.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** For the published contract only: the parts of a multipart/form-data body, read by the handler itself. */
    multipartBody?: Record<string, unknown>;
  }
}

const problemResponse = {
  description: 'A problem+json error; `code` is one of the Problem schema codes.',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

const codeTable = Object.entries(errorCodes)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([code, { status, title }]) => `| \`${code}\` | ${status} | ${title} |`)
  .join('\n');

/** The published contract, generated from the route schemas; `npm run openapi` writes openapi.yaml from it. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'EMSWP credential verification API',
        version,
        description: [
          'Signed MSPEs, transcripts and letters of recommendation from registered medical schools,',
          'verified and kept with their status, for applicants and residency programs.',
          '',
          'Every error is `application/problem+json` with a stable `code`:',
          '',
          '| code | status | meaning |',
          '| --- | --- | --- |',
          codeTable,
        ].join('\n'),
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
    transform: ({ schema, url, route }) => {
      const transformed: Record<string, unknown> = { ...(schema ?? {}) };
      if (route.config?.public || !url.startsWith('/v1/')) transformed.security = [];
      if (route.config?.multipartBody) transformed.body = route.config.multipartBody;
      transformed.response = { ...((schema?.response as Record<string, unknown>) ?? {}), default: problemResponse };
      return { schema: transformed, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
}
