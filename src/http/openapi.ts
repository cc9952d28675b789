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

const unavailableResponse = {
  description:
    '`service_unavailable`: the database (or the token issuer) cannot be reached now; try again after `Retry-After` seconds.',
  headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } },
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
          '',
          'A known path asked with a method it does not answer is `405 method_not_allowed`, with `Allow` listing the methods it does answer.',
          'Errors before a request is complete (`408 request_timeout`, `431 header_fields_too_large`, `400 bad_request` for bytes that are not HTTP) close the connection.',
          'While the database cannot be reached every API call answers `503 service_unavailable` with `Retry-After`.',
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
      const touchesDatabase = url.startsWith('/v1/') || url === '/readyz';
      transformed.response = {
        ...((schema?.response as Record<string, unknown>) ?? {}),
        ...(touchesDatabase ? { 503: unavailableResponse } : {}),
        default: problemResponse,
      };
      return { schema: transformed, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
}
