import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { InvalidTokenError, type TokenVerifier } from '../auth/token-verifier.js';
import type { Principal, PrincipalOf, Role } from '../auth/principal.js';
import { problem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; null only on public routes. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Reachable without an access token. */
    public?: boolean;
  }
}

// The scheme name is case-insensitive (RFC 9110 section 11.1): some clients send `bearer`.
const bearer = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

function unauthorized(description: string) {
  const quoted = description.replace(/["\\]/g, '');
  return problem('invalid_token', `Access token rejected: ${description}.`, {
    headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${quoted}"` },
  });
}

/**
 * Every matched route under /v1 needs a valid bearer token unless its config says `public`.
 * Authentication runs at onRequest, before body parsing and validation, so an anonymous caller
 * learns nothing about a route's schema.
 */
export const authentication = fp<{ verifier: TokenVerifier }>(
  async (app: FastifyInstance, { verifier }) => {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const route = request.routeOptions;
      if (request.is404 || route.config.public || !route.url?.startsWith('/v1/')) return;
      const header = request.headers.authorization;
      if (header === undefined) throw unauthorized('no bearer token was sent');
      const match = bearer.exec(header);
      if (!match?.[1]) throw unauthorized('the Authorization header is not "Bearer <JWT>"');
      try {
        request.principal = await verifier.verify(match[1]);
      } catch (error) {
        if (error instanceof InvalidTokenError) throw unauthorized(error.message);
        // The token may well be good: telling the client it is not would make it throw the token away.
        request.log.error({ err: error }, 'access token not verified: the issuer keys are unavailable');
        throw problem(
          'service_unavailable',
          'The access token cannot be checked now: the token issuer is not reachable. Try again later.',
          {
            headers: { 'retry-after': '30' },
          },
        );
      }
    });
  },
  { name: 'authentication' },
);

/** The caller of an authenticated route. */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized('no bearer token was sent');
  return request.principal;
}

/** The caller, if their role may use this endpoint at all; any other role gets 403. */
export function requireRole<R extends Role>(request: FastifyRequest, ...allowed: R[]): PrincipalOf<R> {
  const caller = callerOf(request);
  if (!(allowed as Role[]).includes(caller.role)) {
    throw problem('forbidden', `A ${caller.role} token may not use this endpoint.`);
  }
  return caller as PrincipalOf<R>;
}
