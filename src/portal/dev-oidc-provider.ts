import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { JWK } from 'jose';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { developmentIssuerKey } from '../auth/development-issuer.js';
import { entityClaim, roles, type Role } from '../auth/principal.js';
import { isUuid } from '../facts/uuid.js';
import { signInEntities } from './dev-sign-in-entities.js';
import { devSignInPage } from './dev-sign-in-page.js';

export const devOidcPath = '/dev/oidc';

/** An account is a role and, except for an operator, the entity it acts for: `school:<uuid>`, `admin:operator`. */
export function accountClaims(accountId: string): Record<string, string> | undefined {
  const [role, entity] = accountId.split(':') as [string, string | undefined];
  if (!(roles as readonly string[]).includes(role)) return undefined;
  if (role === 'admin') return { role };
  if (entity === undefined || !isUuid(entity)) return undefined;
  return { role, [entityClaim[role as Exclude<Role, 'admin'>]]: entity };
}

/**
 * oidc-provider speaks through console.warn and console.info (a notice that Node 20 is older than
 * it likes, one about its in-memory store): while it loads and starts, those go to the service's
 * log instead, as JSON like every other line, and stderr stays for real failures.
 */
async function withNoticesLogged<T>(log: FastifyBaseLogger, work: () => Promise<T>): Promise<T> {
  const { warn, info } = console;
  console.warn = (message: unknown) => log.warn({ component: 'dev-oidc' }, String(message));
  // eslint-disable-next-line no-console -- swapping console.info out, not writing with it
  console.info = (message: unknown) => log.info({ component: 'dev-oidc' }, String(message));
  try {
    return await work();
  } finally {
    console.warn = warn;
    // eslint-disable-next-line no-console -- putting it back
    console.info = info;
  }
}

interface DevProviderOptions {
  /** The issuer the API trusts: the provider's own URL is its OpenID issuer, but its access tokens carry this one. */
  apiIssuer: string;
  audience: string;
  clientId: string;
  scopes: string;
  /** The service's own address: the provider lives under it, and the portal's return addresses too. */
  baseUrl: string;
  dataDir: string;
  trustProxy: boolean;
}

/**
 * The development OpenID provider (oidc-provider, a certified implementation) under /dev/oidc, so the
 * portal signs in through the same code + PKCE flow in development and tests as in production. It
 * signs with the development issuer's key, so the API accepts its access tokens.
 */
export async function devOidcProvider(app: FastifyInstance, options: DevProviderOptions): Promise<void> {
  // Loaded only here: a real deployment never imports it.
  const { default: Provider } = await withNoticesLogged(app.log, () => import('oidc-provider'));
  const key: JWK = await developmentIssuerKey(options.dataDir);
  const resource = `${options.baseUrl}/v1`;
  const resourceScope = options.scopes
    .split(' ')
    .filter((scope) => scope !== '' && !['openid', 'profile', 'email', 'offline_access'].includes(scope))
    .join(' ');

  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: [`${options.baseUrl}/auth/callback`, `${options.baseUrl}/auth/popup`],
        post_logout_redirect_uris: [`${options.baseUrl}/`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        id_token_signed_response_alg: 'EdDSA',
      },
    ],
    jwks: { keys: [key as never] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    // Short-lived on purpose: a development sign-in that outlives an afternoon hides expiry bugs.
    ttl: {
      AccessToken: 60 * 60,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      Session: 8 * 60 * 60,
      Grant: 8 * 60 * 60,
    },
    // Browsers send Origin even on same-origin POSTs (the token request): only the portal's own is allowed.
    clientBasedCORS: (_ctx, origin) => origin === new URL(options.baseUrl).origin,
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: resourceScope,
          audience: options.audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 60 * 60,
          jwt: { sign: { alg: 'EdDSA' } },
        }),
      },
    },
    findAccount: async (_ctx, sub) =>
      accountClaims(sub) === undefined ? undefined : { accountId: sub, claims: async () => ({ sub }) },
    extraTokenClaims: async (_ctx, token) =>
      'accountId' in token && typeof token.accountId === 'string' ? accountClaims(token.accountId) : undefined,
    formats: {
      customizers: {
        jwt: async (_ctx, _token, jwt) => {
          jwt.payload.iss = options.apiIssuer;
        },
      },
    },
    interactions: { url: async (_ctx, interaction) => `${devOidcPath}/interaction/${interaction.uid}` },
    // A development client of our own: its consent is given when the developer picks an account.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session, provider } = ctx.oidc;
      if (client === undefined || session?.accountId === undefined) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId === undefined ? undefined : await provider.Grant.find(grantId);
      if (existing !== undefined) return existing;
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid');
      if (resourceScope !== '') grant.addResourceScope(resource, resourceScope);
      await grant.save();
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = 'text/plain';
      ctx.body = `Sign-in failed: ${out.error}${out.error_description ? `: ${out.error_description}` : ''}`;
    },
  };
  const provider = await withNoticesLogged(
    app.log,
    async () => new Provider(`${options.baseUrl}${devOidcPath}`, configuration),
  );
  provider.proxy = options.trustProxy;
  const handle = provider.callback();

  await app.register(async (interactions) => {
    interactions.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    const hidden = { schema: { hide: true } };
    interactions.get('/interaction/:uid', hidden, async (request, reply) => {
      const details = await provider.interactionDetails(request.raw, reply.raw);
      const page = devSignInPage(
        `${devOidcPath}/interaction/${details.uid}`,
        String(details.params.client_id),
        await signInEntities(app.db),
      );
      return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
    });
    interactions.post('/interaction/:uid', hidden, async (request, reply) => {
      const account = (request.body as Record<string, string> | undefined)?.account ?? '';
      if (accountClaims(account) === undefined) {
        return reply.status(400).type('text/plain').send('Pick an account to sign in as.');
      }
      reply.hijack();
      await provider.interactionFinished(
        request.raw,
        reply.raw,
        { login: { accountId: account } },
        {
          mergeWithLastSubmission: false,
        },
      );
    });
  });

  await app.register(async (passThrough) => {
    // The provider reads its own request bodies.
    passThrough.removeAllContentTypeParsers();
    passThrough.addContentTypeParser('*', (_request, _payload, done) => done(null));
    passThrough.all('/*', { schema: { hide: true } }, async (request, reply) => {
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      const url = raw.url ?? '/';
      // As Express would mount it: the provider works out its own path from originalUrl.
      raw.originalUrl = url;
      raw.url = url.slice(devOidcPath.length) || '/';
      handle(raw, reply.raw);
    });
  });
}
