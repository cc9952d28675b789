import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../config.js';

/** Where `npm run build` puts the portal (vite, web/vite.config.ts): the same place from src/ and dist/. */
export const portalBuildFolder = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** The client-side paths the portal answers itself; everything else keeps its own routes. */
export const portalPaths = [
  '/',
  '/auth/*',
  ...['/school', '/applicant', '/program', '/admin'].flatMap((area) => [area, `${area}/*`]),
];

const hidden = { schema: { hide: true } };

/** What the portal needs to boot: where it signs people in, and the issuer /verify expects in receipts. */
export interface PortalSettings {
  oidc: { issuer: string; client_id: string; scopes: string } | null;
  max_document_bytes: number;
  service_issuer: string;
}

export function portalSettings(config: Config): PortalSettings {
  const { oidcIssuer, oidcClientId, oidcScopes } = config.portal;
  return {
    oidc: oidcIssuer === undefined ? null : { issuer: oidcIssuer, client_id: oidcClientId, scopes: oidcScopes },
    max_document_bytes: config.maxDocumentBytes,
    service_issuer: config.service.issuer,
  };
}

/**
 * The portal (web/, built into dist/web): index.html on every client-side path and verify.html on
 * /verify, never cached, and the hashed assets cached for a year. Registered in its own context,
 * so its security headers apply to the portal alone and /docs keeps the policy its own page needs.
 */
export async function portalAppRoutes(app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  const indexFile = `${portalBuildFolder}index.html`;
  if (!existsSync(indexFile)) {
    app.log.warn({ folder: portalBuildFolder }, 'the portal is not built (npm run build): / is not served');
    return;
  }
  const indexHtml = readFileSync(indexFile, 'utf8');
  // The public /verify page is a page of its own with its own small bundle: no sign-in code.
  const verifyHtml = readFileSync(`${portalBuildFolder}verify.html`, 'utf8');
  const settings = portalSettings(config);
  const identityProvider = settings.oidc === null ? [] : [new URL(settings.oidc.issuer).origin];

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", ...identityProvider],
        formAction: ["'self'", ...identityProvider],
        frameSrc: ["'self'", ...identityProvider],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    // The sign-in window (oidc-client-ts signinPopup) must be able to report back to the page that opened it.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    // Over plain http in development an upgrade would break every request; production runs behind https.
    strictTransportSecurity: config.portal.baseUrl.startsWith('https:'),
  });

  await app.register(fastifyStatic, {
    root: `${portalBuildFolder}assets`,
    prefix: '/assets/',
    index: false,
    cacheControl: false,
    // Vite puts a content hash in every asset's name: a changed file is a new URL.
    setHeaders: (res) => res.setHeader('cache-control', 'public, max-age=31536000, immutable'),
  });

  const page = (html: string) => async (_request: unknown, reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  for (const url of portalPaths) app.get(url, hidden, page(indexHtml));
  app.get('/verify', hidden, page(verifyHtml));
  app.get('/portal-config.json', hidden, async (_request, reply) =>
    reply.header('cache-control', 'no-cache').send(settings),
  );
}
