import { resolve } from 'node:path';
import t, { type Test } from 'tap';
import { ConfigError, developmentIssuer, loadConfig } from '../src/config.js';

/** The operator sees one line naming the variable, and the service does not start. */
function refused(t: Test, env: Record<string, string>, variable: string): void {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof ConfigError)) {
    t.fail(`${JSON.stringify(env)} should be refused with a ConfigError naming ${variable}`, { caught });
    return;
  }
  t.equal(caught.variable, variable, `${JSON.stringify(env)} is blamed on ${variable}`);
  t.ok(caught.message.startsWith(`${variable}: `), `the message names ${variable}: ${caught.message}`);
  t.notOk(caught.message.includes('\n'), 'the message is one line');
}

const issuerFile = { AUTH_ISSUER: 'https://login.example.org', AUTH_JWKS_FILE: '/etc/emswp/issuer-jwks.json' };

t.test('with nothing set the service runs locally with safe defaults', async (t) => {
  const config = loadConfig({});
  t.match(config, {
    port: 3000,
    host: '127.0.0.1',
    databaseUrl: undefined,
    databasePoolSize: 10,
    dataDir: resolve('.data'),
    logLevel: 'info',
    auth: { issuer: developmentIssuer, audience: 'emswp', jwks: { kind: 'development' }, tokenCacheSize: 10_000 },
    service: { issuer: 'http://127.0.0.1:3000', signingKeyFile: undefined },
    maxDocumentBytes: 20 * 1024 * 1024,
    mspeReleaseAt: undefined,
    manifestMaxAgeSeconds: 30 * 24 * 3600,
    webhooks: { worker: true, allowPrivateNetworks: false },
    metricsToken: undefined,
    trustProxy: false,
    shutdownGraceMs: 10_000,
    http: {
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 120_000,
      idleTimeoutMs: 60_000,
      keepAliveTimeoutMs: 72_000,
      maxConnections: 10_000,
      maxConnectionsPerAddress: 256,
    },
  });
});

t.test('an empty or blank variable counts as unset, and values are trimmed', async (t) => {
  t.equal(loadConfig({ PORT: ' 8080 ' }).port, 8080);
  const config = loadConfig({ PORT: '', DATABASE_URL: '   ', LOG_LEVEL: '', AUTH_JWKS_FILE: '' });
  t.equal(config.port, 3000);
  t.equal(config.databaseUrl, undefined);
  t.equal(config.logLevel, 'info');
  t.same(config.auth.jwks, { kind: 'development' });
});

t.test('every setting is read when given', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    HOST: '0.0.0.0',
    DATABASE_URL: 'postgres://emswp:secret@db.internal:5432/emswp',
    DATABASE_POOL_SIZE: '25',
    DATA_DIR: '/var/lib/emswp',
    LOG_LEVEL: 'WARN',
    AUTH_ISSUER: 'https://login.example.org',
    AUTH_AUDIENCE: 'emswp-api',
    AUTH_JWKS_URL: 'https://login.example.org/.well-known/jwks.json',
    AUTH_TOKEN_CACHE_SIZE: '0',
    PUBLIC_BASE_URL: 'https://emswp.example.org/',
    SERVICE_SIGNING_KEY_FILE: '/run/secrets/service.jwk',
    MAX_DOCUMENT_BYTES: '1048576',
    MSPE_RELEASE_AT: '2027-09-25T13:00:00-04:00',
    WEBHOOK_WORKER: 'false',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes',
    METRICS_TOKEN: 'scrape-me',
    TRUST_PROXY: '1',
    SHUTDOWN_GRACE_MS: '2500',
  });
  t.match(config, {
    port: 8080,
    host: '0.0.0.0',
    databaseUrl: 'postgres://emswp:secret@db.internal:5432/emswp',
    databasePoolSize: 25,
    dataDir: '/var/lib/emswp',
    logLevel: 'warn',
    auth: { issuer: 'https://login.example.org', audience: 'emswp-api', tokenCacheSize: 0 },
    service: { issuer: 'https://emswp.example.org', signingKeyFile: '/run/secrets/service.jwk' },
    maxDocumentBytes: 1048576,
    webhooks: { worker: false, allowPrivateNetworks: true },
    metricsToken: 'scrape-me',
    trustProxy: true,
    shutdownGraceMs: 2500,
  });
  t.equal(config.auth.jwks.kind, 'url');
  t.equal(
    config.auth.jwks.kind === 'url' && config.auth.jwks.url.href,
    'https://login.example.org/.well-known/jwks.json',
  );
  t.equal(config.mspeReleaseAt?.toISOString(), '2027-09-25T17:00:00.000Z');
  t.equal(loadConfig({ MANIFEST_MAX_AGE: '7d' }).manifestMaxAgeSeconds, 7 * 86_400, 'MANIFEST_MAX_AGE in days');
  t.equal(loadConfig({ MANIFEST_MAX_AGE: '7200' }).manifestMaxAgeSeconds, 7200, 'MANIFEST_MAX_AGE in seconds');
  t.throws(() => loadConfig({ MANIFEST_MAX_AGE: '30 days' }), /MANIFEST_MAX_AGE: expected whole seconds/);
  t.throws(() => loadConfig({ MANIFEST_MAX_AGE: '5m' }), /MANIFEST_MAX_AGE: expected 3600 to/);
  t.equal(
    loadConfig({ SERVICE_ISSUER: 'urn:emswp:prod' }).service.issuer,
    'urn:emswp:prod',
    'SERVICE_ISSUER wins over the base URL',
  );
  t.same(loadConfig(issuerFile).auth.jwks, { kind: 'file', path: '/etc/emswp/issuer-jwks.json' });
});

t.test('a bad value of any setting is refused with a message naming the variable', async (t) => {
  const bad: Array<[string, string[]]> = [
    ['PORT', ['abc', '70000', '-1', '80.5', '0x50']],
    ['DATABASE_URL', ['not a url', 'mysql://db/emswp', 'http://db:5432/emswp']],
    ['DATABASE_POOL_SIZE', ['0', 'ten', '1001']],
    ['LOG_LEVEL', ['loud', 'verbose']],
    ['AUTH_TOKEN_CACHE_SIZE', ['-5', 'lots', '10000001']],
    ['PUBLIC_BASE_URL', ['emswp.example.org', 'ftp://emswp.example.org']],
    ['MAX_DOCUMENT_BYTES', ['20MB', '10', '1073741825']],
    [
      'MSPE_RELEASE_AT',
      ['2027-09-25', 'tomorrow', '2027-09-25 13:00:00Z', '2027-02-30T13:00:00Z', '2027-09-25T24:00:00Z'],
    ],
    ['WEBHOOK_WORKER', ['maybe']],
    ['WEBHOOK_ALLOW_PRIVATE_NETWORKS', ['sometimes']],
    ['TRUST_PROXY', ['perhaps']],
    ['SHUTDOWN_GRACE_MS', ['1s', '0', '600001']],
    ['HTTP_HEADERS_TIMEOUT_MS', ['10s', '0', '3600001']],
    ['HTTP_REQUEST_TIMEOUT_MS', ['2m', '99']],
    ['HTTP_IDLE_TIMEOUT_MS', ['-1', 'never']],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', ['72s']],
    ['HTTP_MAX_CONNECTIONS', ['0', 'many']],
    ['HTTP_MAX_CONNECTIONS_PER_ADDRESS', ['-1', 'some']],
  ];
  for (const [variable, values] of bad) {
    for (const value of values) {
      refused(t, { [variable]: value }, variable);
    }
  }
});

t.test('the headers may not be given longer than the whole request', async (t) => {
  refused(t, { HTTP_HEADERS_TIMEOUT_MS: '30000', HTTP_REQUEST_TIMEOUT_MS: '20000' }, 'HTTP_HEADERS_TIMEOUT_MS');
  t.match(loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '20000' }).http, {
    headersTimeoutMs: 20_000,
    requestTimeoutMs: 20_000,
  });
});

t.test('an external issuer needs AUTH_ISSUER alongside its keys', async (t) => {
  refused(t, { AUTH_JWKS_FILE: '/etc/emswp/issuer-jwks.json' }, 'AUTH_ISSUER');
  refused(t, { AUTH_JWKS_URL: 'https://login.example.org/jwks.json' }, 'AUTH_ISSUER');
  t.equal(loadConfig(issuerFile).auth.issuer, 'https://login.example.org');
});

t.test('the issuer keys come from a file or a URL, never both', async (t) => {
  refused(t, { ...issuerFile, AUTH_JWKS_URL: 'https://login.example.org/jwks.json' }, 'AUTH_JWKS_URL');
});

t.test('a JWKS URL must be https except on this machine', async (t) => {
  const issuer = { AUTH_ISSUER: 'https://login.example.org' };
  refused(t, { ...issuer, AUTH_JWKS_URL: 'http://login.example.org/jwks.json' }, 'AUTH_JWKS_URL');
  refused(t, { ...issuer, AUTH_JWKS_URL: 'http://10.0.0.5/jwks.json' }, 'AUTH_JWKS_URL');
  refused(t, { ...issuer, AUTH_JWKS_URL: 'ftp://login.example.org/jwks.json' }, 'AUTH_JWKS_URL');
  refused(t, { ...issuer, AUTH_JWKS_URL: 'not a url' }, 'AUTH_JWKS_URL');
  for (const local of [
    'http://localhost:8080/jwks.json',
    'http://127.0.0.1:8080/jwks.json',
    'http://[::1]:8080/jwks.json',
  ]) {
    const config = loadConfig({ ...issuer, AUTH_JWKS_URL: local });
    t.equal(config.auth.jwks.kind === 'url' && config.auth.jwks.url.href, local, `${local} is allowed`);
  }
});

t.test('without PUBLIC_BASE_URL the service issuer is the listening address', async (t) => {
  t.equal(loadConfig({ HOST: '::1', PORT: '8443' }).service.issuer, 'http://[::1]:8443');
  t.equal(loadConfig({ HOST: '0.0.0.0', PORT: '3000' }).service.issuer, 'http://0.0.0.0:3000');
});

t.test('the portal signs in at the development OpenID provider when the development issuer is active', async (t) => {
  t.same(loadConfig({ PORT: '8080' }).portal, {
    oidcIssuer: 'http://127.0.0.1:8080/dev/oidc',
    oidcClientId: 'emswp-portal',
    oidcScopes: 'openid emswp',
    baseUrl: 'http://127.0.0.1:8080',
  });
});

t.test('the portal signs in at AUTH_ISSUER unless PORTAL_OIDC_ISSUER names another provider', async (t) => {
  t.equal(loadConfig(issuerFile).portal.oidcIssuer, 'https://login.example.org');
  const own = loadConfig({
    ...issuerFile,
    PORTAL_OIDC_ISSUER: 'https://sso.example.org/realms/emswp/',
    PORTAL_OIDC_CLIENT_ID: 'registrar-portal',
    PORTAL_OIDC_SCOPES: 'openid profile',
  }).portal;
  t.match(own, {
    oidcIssuer: 'https://sso.example.org/realms/emswp',
    oidcClientId: 'registrar-portal',
    oidcScopes: 'openid profile',
  });
  t.equal(
    loadConfig({ ...issuerFile, AUTH_ISSUER: 'urn:example:issuer' }).portal.oidcIssuer,
    undefined,
    'an issuer that is not a URL leaves the portal without sign-in rather than stopping the API',
  );
  refused(t, { PORTAL_OIDC_ISSUER: 'ftp://sso.example.org' }, 'PORTAL_OIDC_ISSUER');
});

t.test('the log origin: the issuer host and port with /log, or LOG_ORIGIN as given', async (t) => {
  t.equal(loadConfig({}).log.origin, '127.0.0.1:3000/log');
  t.equal(loadConfig({ SERVICE_ISSUER: 'https://emswp.example.org' }).log.origin, 'emswp.example.org/log');
  t.equal(
    loadConfig({ SERVICE_ISSUER: 'urn:emswp:prod', PUBLIC_BASE_URL: 'https://api.example:8443/' }).log.origin,
    'api.example:8443/log',
  );
  t.equal(loadConfig({ LOG_ORIGIN: 'log.example/emswp' }).log.origin, 'log.example/emswp');
  t.throws(() => loadConfig({ LOG_ORIGIN: 'a log' }), /LOG_ORIGIN/);
  t.throws(() => loadConfig({ LOG_ORIGIN: 'a+log' }), /LOG_ORIGIN/);
  t.throws(() => loadConfig({ LOG_CHECKPOINT_INTERVAL_MS: '5' }), /LOG_CHECKPOINT_INTERVAL_MS/);
  t.equal(loadConfig({ LOG_SEQUENCER: 'false' }).log.sequencer, false);
});
