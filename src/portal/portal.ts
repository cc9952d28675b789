import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { portalAppRoutes } from './app-routes.js';
import { devOidcPath, devOidcProvider } from './dev-oidc-provider.js';

/** The portal for people (web/) and, with the development issuer only, the OpenID provider it signs in with. */
export async function portal(app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  await app.register(portalAppRoutes, { config });
  if (config.auth.jwks.kind !== 'development') return;
  await app.register(devOidcProvider, {
    prefix: devOidcPath,
    apiIssuer: config.auth.issuer,
    audience: config.auth.audience,
    clientId: config.portal.oidcClientId,
    scopes: config.portal.oidcScopes,
    baseUrl: config.portal.baseUrl,
    dataDir: config.dataDir,
    trustProxy: config.trustProxy,
  });
}
