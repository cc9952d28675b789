import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { problem } from '../http/problem.js';
import { digestFilePart } from './file-digest.js';
import { verifyDigest } from './service.js';
import { VerificationResult, VerifyByDigestBody, VerifyByFileParts } from './schemas.js';

/**
 * POST /v1/verify: anyone holding a PDF (or its SHA-256) asks whether it is a document a
 * registered school submitted, and learns its type, status, school and signing time, never whom it
 * is about. Public, so it is rate limited per client address (VERIFY_RATE_LIMIT a minute); the
 * limit is checked before the body is read, so a flood costs no hashing.
 */
export const verificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Encapsulated here: only routes of this plugin that set config.rateLimit are limited.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      problem(
        'rate_limited',
        `At most ${context.max} verification requests a minute from one address; retry in ${context.after}.`,
        {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
        },
      ),
  });

  app.post(
    '/verify',
    {
      schema: {
        tags: ['verification'],
        summary: 'Is this a verified document? (public, rate limited)',
        description:
          'Send the file (multipart/form-data, part `file`, at most MAX_DOCUMENT_BYTES; hashed as it arrives, never stored) or its SHA-256 as JSON `{"sha256": "..."}`. The answer names no one: for each document with those bytes (oldest received first), its type, current status, school (with its current status, so a document of a since suspended school says so) and signing and receipt times. Too many requests from one address: `429 rate_limited` with `Retry-After`.',
        // Validated for JSON; a multipart body is read and checked by the handler (see config.multipartBody for its shape).
        body: { content: { 'application/json': { schema: VerifyByDigestBody } } },
        response: { 200: VerificationResult },
      },
      config: {
        public: true,
        rateLimit: { max: app.config.verifyRateLimit, timeWindow: 60_000 },
        multipartBody: {
          content: {
            'application/json': { schema: VerifyByDigestBody },
            'multipart/form-data': { schema: VerifyByFileParts },
          },
        },
      },
    },
    async (request, reply) => {
      let sha256: string;
      if (request.isMultipart()) sha256 = (await digestFilePart(request, app.config.maxDocumentBytes)).sha256;
      else if (request.mediaType === 'application/json')
        sha256 = (request.body as Static<typeof VerifyByDigestBody>).sha256;
      else
        throw problem(
          'unsupported_media_type',
          'Send multipart/form-data with a file part "file", or JSON {"sha256": "..."}.',
        );
      return reply.header('cache-control', 'no-store').send(await verifyDigest(app.db, sha256));
    },
  );
};
