import { readdirSync } from 'node:fs';
import t from 'tap';
import { portalBuildFolder } from '../../src/portal/app-routes.js';
import { buildTestApp } from '../support/test-app.js';
import { startPortalApp } from '../support/portal-app.js';

const hashedScript = readdirSync(`${portalBuildFolder}assets`).find((name) => name.endsWith('.js'));

t.test('the portal is served at / and on its client-side paths, with a strict policy and never cached', async (t) => {
  const { app } = await buildTestApp(t);
  for (const url of ['/', '/school', '/school/documents/0b8e0e9c', '/applicant/x', '/program', '/admin/queue']) {
    const response = await app.inject({ url });
    t.equal(response.statusCode, 200, `${url} is the app`);
    t.match(response.headers['content-type'], /^text\/html/);
    t.match(response.body, /<div id="app"><\/div>/);
    t.equal(response.headers['cache-control'], 'no-cache', `${url}: index.html is never cached`);
  }
  const csp = String((await app.inject({ url: '/' })).headers['content-security-policy']);
  t.match(csp, /script-src 'self'(;|$)/, 'scripts only from the service itself');
  t.notMatch(csp, /unsafe-inline|unsafe-eval/, 'no inline script or eval');
  t.match(csp, /frame-ancestors 'none'/, 'the portal cannot be framed');
  t.match(csp, /connect-src 'self' https:\/\/issuer\.test\.emswp/, 'it talks to itself and the identity provider only');
});

t.test('/verify is a page of its own: its own html and bundle, the same policy, never cached', async (t) => {
  const { app } = await buildTestApp(t);
  const app_ = await app.inject({ url: '/' });
  for (const url of ['/verify', '/verify?from=email']) {
    const page = await app.inject({ url });
    t.equal(page.statusCode, 200);
    t.match(page.headers['content-type'], /^text\/html/);
    t.equal(page.headers['cache-control'], 'no-cache', `${url} is never cached`);
    t.match(page.body, /<div id="verify"><\/div>/, 'the verify page, not the app');
    t.notMatch(page.body, /<div id="app">/);
    t.equal(page.headers['content-security-policy'], app_.headers['content-security-policy'], 'the same strict policy');
    t.equal(page.headers['x-frame-options'], 'DENY');
  }
  const scripts = (html: string) => [...html.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const [verifyEntry] = scripts((await app.inject({ url: '/verify' })).body);
  t.ok(verifyEntry, 'it loads its own hashed entry script');
  t.notSame(verifyEntry, scripts(app_.body)[0], "not the app's");
  const script = await app.inject({ url: verifyEntry as string });
  t.equal(script.statusCode, 200);
  t.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
  t.equal((await app.inject({ url: '/verify/x' })).statusCode, 404, 'nothing under /verify');
});

t.test('hashed assets are cached for a year', async (t) => {
  const { app } = await buildTestApp(t);
  t.ok(hashedScript, 'the build made a hashed script');
  const response = await app.inject({ url: `/assets/${hashedScript}` });
  t.equal(response.statusCode, 200);
  t.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
});

t.test('the API, the log, the docs and the health routes keep their own answers', async (t) => {
  const { app } = await buildTestApp(t);
  const unknown = await app.inject({ url: '/v1/no-such-thing' });
  t.equal(unknown.statusCode, 404);
  t.match(
    unknown.headers['content-type'],
    /^application\/problem\+json/,
    'an unknown /v1 path is a problem, not the app',
  );
  t.match((await app.inject({ url: '/healthz' })).headers['content-type'], /json/);
  t.match((await app.inject({ url: '/.well-known/jwks.json' })).json(), { keys: [] });
  t.notMatch((await app.inject({ url: '/log/checkpoint' })).headers['content-type'], /html/, '/log is not the app');
  const docs = await app.inject({ url: '/docs/' });
  t.notMatch(docs.body, /<div id="app">/, '/docs is the API documentation');
  t.equal((await app.inject({ url: '/no-such-page' })).statusCode, 404, 'paths outside the portal are not the app');
});

t.test('the portal learns where to sign in from the service', async (t) => {
  const { app } = await buildTestApp(t, { PORTAL_OIDC_CLIENT_ID: 'registrar-portal' });
  t.same((await app.inject({ url: '/portal-config.json' })).json(), {
    oidc: { issuer: 'https://issuer.test.emswp', client_id: 'registrar-portal', scopes: 'openid emswp' },
    max_document_bytes: 20 * 1024 * 1024,
    service_issuer: 'http://127.0.0.1:3000',
  });
});

t.test('the development OpenID provider runs only with the development issuer', async (t) => {
  const { app } = await buildTestApp(t);
  const real = await app.inject({ url: '/dev/oidc/.well-known/openid-configuration' });
  t.equal(real.statusCode, 404, 'not mounted when a real issuer is configured');

  const { baseUrl } = await startPortalApp(t);
  const discovery = (await (await fetch(`${baseUrl}/dev/oidc/.well-known/openid-configuration`)).json()) as {
    issuer: string;
    code_challenge_methods_supported: string[];
  };
  t.equal(discovery.issuer, `${baseUrl}/dev/oidc`);
  t.same(discovery.code_challenge_methods_supported, ['S256'], 'PKCE with S256');
  const config = (await (await fetch(`${baseUrl}/portal-config.json`)).json()) as { oidc: { issuer: string } };
  t.equal(config.oidc.issuer, `${baseUrl}/dev/oidc`, 'the portal signs in there');
});
