import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { databaseUnavailable } from '../db/unavailable.js';
import type { ErrorCode } from './error-codes.js';
import { problem, ProblemError, type FieldError } from './problem.js';

interface ValidationItem {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function fieldErrors(context: string | undefined, items: ValidationItem[]): FieldError[] {
  return items.map((item) => {
    let path = `${context ?? 'body'}${(item.instancePath ?? '').replace(/\//g, '.')}`;
    let message = item.message ?? 'is not valid';
    if (item.keyword === 'additionalProperties' && typeof item.params?.additionalProperty === 'string') {
      path = `${path}.${item.params.additionalProperty}`;
      message = 'is not an allowed field';
    }
    if (item.keyword === 'required' && typeof item.params?.missingProperty === 'string') {
      path = `${path}.${item.params.missingProperty}`;
      message = 'is required';
    }
    return { path, message };
  });
}

/** Fastify's and its plugins' own errors, mapped onto our codes by their stable `code`. */
const frameworkCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_PARTS_LIMIT: 'multipart_invalid',
  FST_FILES_LIMIT: 'multipart_invalid',
  FST_FIELDS_LIMIT: 'multipart_invalid',
  FST_PROTO_VIOLATION: 'bad_request',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_INVALID_TYPE: 'bad_request',
};

/** Seconds a client is asked to wait while the database is away: about what a restart takes. */
export const databaseRetryAfterSeconds = 5;

/** The answer while the database cannot be reached: a 503 worth retrying, not a 500. */
export const databaseUnavailableProblem = (detail = 'The database is not reachable now; try again shortly.') =>
  problem('service_unavailable', detail, { headers: { 'retry-after': String(databaseRetryAfterSeconds) } });

export function toProblem(error: FastifyError | ProblemError | Error): ProblemError {
  if (error instanceof ProblemError) return error;
  if (databaseUnavailable(error)) return databaseUnavailableProblem();
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return problem('validation_failed', 'The request did not match the schema.', {
      errors: fieldErrors(fastifyError.validationContext, fastifyError.validation as ValidationItem[]),
    });
  }
  const mapped = fastifyError.code ? frameworkCodes[fastifyError.code] : undefined;
  if (mapped) return problem(mapped, fastifyError.message);
  if (fastifyError.statusCode === 429) {
    const retryAfter = (fastifyError as FastifyError & { headers?: Record<string, string> }).headers?.['retry-after'];
    return problem(
      'rate_limited',
      'Too many requests: slow down and retry later.',
      retryAfter ? { headers: { 'retry-after': retryAfter } } : {},
    );
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // A client error from a plugin we have not mapped: keep its status family without echoing internals.
    return problem(fastifyError.statusCode === 413 ? 'payload_too_large' : 'bad_request', fastifyError.message);
  }
  return problem('internal_error', 'Something went wrong on our side; the request id identifies it in our logs.');
}

export function sendProblem(reply: FastifyReply, error: ProblemError): FastifyReply {
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) reply.header(name, value);
  return reply.status(error.status).type('application/problem+json').send(error.body());
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toProblem(error);
    if (!(error instanceof ProblemError) && mapped.status >= 500 && mapped.code !== 'service_unavailable')
      request.log.error({ err: error }, 'request failed');
    else if (mapped.status >= 500) request.log.warn({ code: mapped.code, status: mapped.status }, mapped.detail);
    else request.log.info({ code: mapped.code, status: mapped.status }, mapped.detail);
    return sendProblem(reply, mapped);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = methods.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      return sendProblem(
        reply,
        problem('method_not_allowed', `${path} does not answer ${request.method}; it answers ${allowed.join(', ')}.`, {
          headers: { allow: allowed.join(', ') },
        }),
      );
    }
    return sendProblem(reply, problem('not_found', `No route ${request.method} ${path}.`));
  });
}

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
