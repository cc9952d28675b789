import { resolve } from 'node:path';
import { defaultMaxDocumentBytes } from './facts/documents.js';

/** Raised for a bad setting; its message is one line naming the variable, shown to the operator as is. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export type JwksSource =
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: URL }
  /** No issuer configured: the service makes its own development key in DATA_DIR. */
  | { kind: 'development' };

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  logLevel: LogLevel;
  auth: {
    issuer: string;
    audience: string;
    jwks: JwksSource;
    tokenCacheSize: number;
  };
  service: {
    /** `iss` of receipts and checkpoints; defaults to the service's own base URL. */
    issuer: string;
    signingKeyFile: string | undefined;
  };
  maxDocumentBytes: number;
  mspeReleaseAt: Date | undefined;
  /** The oldest manifest `iat` accepted, in seconds (MANIFEST_MAX_AGE). */
  manifestMaxAgeSeconds: number;
  webhooks: {
    worker: boolean;
    allowPrivateNetworks: boolean;
  };
  log: {
    /** The checkpoint origin and key name, e.g. `127.0.0.1:3000/log`. */
    origin: string;
    signingKeyFile: string | undefined;
    /** Run the sequencer in this process (the server; `emswp worker` always does). */
    sequencer: boolean;
    /** The sequencer integrates pending entries and signs a checkpoint at most this often. */
    checkpointIntervalMs: number;
  };
  metricsToken: string | undefined;
  /** How long a connection may take for each stage of a request, and how many may be open. */
  http: {
    /** The request's headers must have arrived within this time. */
    headersTimeoutMs: number;
    /** The whole request, headers and body, must have arrived within this time. */
    requestTimeoutMs: number;
    /** A connection on which nothing moves for this long is closed, whatever stage it is in. */
    idleTimeoutMs: number;
    /** A kept-alive connection waiting for its next request is closed after this long. */
    keepAliveTimeoutMs: number;
    /** Open connections at most; beyond them new ones are closed at once. */
    maxConnections: number;
    /** Open connections from one client address at most; 0 for no such limit. */
    maxConnectionsPerAddress: number;
  };
  /** POST /v1/verify requests allowed per client address per minute. */
  verifyRateLimit: number;
  trustProxy: boolean;
  shutdownGraceMs: number;
  /** The portal's sign-in: an OpenID provider the portal's browsers are sent to, as a public client. */
  portal: {
    /** Unset when AUTH_ISSUER is not a URL and PORTAL_OIDC_ISSUER is not given: the portal cannot sign anyone in. */
    oidcIssuer: string | undefined;
    oidcClientId: string;
    oidcScopes: string;
    /** The service's own address, where the development OpenID provider is mounted (under /dev/oidc). */
    baseUrl: string;
  };
}

export const developmentIssuer = 'urn:emswp:development-issuer';

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected ${min} to ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

function url(env: Env, name: string, protocols: string[]): URL | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `not a URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`);
  }
  return parsed;
}

/** Date rolls impossible fields over (February 30 becomes March 2, 24:00 the next day), so they are checked as written. */
function realFields(match: RegExpExecArray): boolean {
  const field = (index: number): number => Number(match[index] ?? 0);
  const daysInMonth = new Date(Date.UTC(field(1), field(2), 0)).getUTCDate();
  return field(3) >= 1 && field(3) <= daysInMonth && field(4) < 24 && field(9) < 24 && field(10) < 60;
}

function timestamp(env: Env, name: string): Date | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/i;
  const match = rfc3339.exec(raw);
  const value = new Date(raw);
  if (!match || Number.isNaN(value.getTime()) || !realFields(match)) {
    throw new ConfigError(name, `expected an RFC 3339 time such as 2027-09-25T13:00:00Z, got "${raw}"`);
  }
  return value;
}

const durationUnits: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A span of time as whole seconds, or a whole number with a unit: `90s`, `15m`, `12h`, `30d`. */
function duration(env: Env, name: string, fallbackSeconds: number, minSeconds: number, maxSeconds: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallbackSeconds;
  const match = /^(\d+)([smhd]?)$/.exec(raw);
  if (!match)
    throw new ConfigError(name, `expected whole seconds or a number with s, m, h or d (such as 30d), got "${raw}"`);
  const seconds = Number(match[1]) * (durationUnits[match[2] || 's'] ?? 1);
  if (seconds < minSeconds || seconds > maxSeconds)
    throw new ConfigError(name, `expected ${minSeconds} to ${maxSeconds} seconds, got ${seconds}`);
  return seconds;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

function jwksSource(env: Env): JwksSource {
  const file = read(env, 'AUTH_JWKS_FILE');
  const remote = url(env, 'AUTH_JWKS_URL', ['https:', 'http:']);
  if (file !== undefined && remote !== undefined) {
    throw new ConfigError('AUTH_JWKS_URL', 'set AUTH_JWKS_FILE or AUTH_JWKS_URL, not both');
  }
  if (remote !== undefined) {
    // Plain http lets anyone on the path swap the issuer's keys; it is allowed only on this machine.
    if (remote.protocol === 'http:' && !loopbackHosts.has(remote.hostname)) {
      throw new ConfigError('AUTH_JWKS_URL', 'must be https (http is accepted only for localhost)');
    }
    return { kind: 'url', url: remote };
  }
  if (file !== undefined) return { kind: 'file', path: resolve(file) };
  return { kind: 'development' };
}

function httpLimits(env: Env): Config['http'] {
  const headersTimeoutMs = integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000);
  const requestTimeoutMs = integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 120_000, 100, 3_600_000);
  // Node refuses to start a server whose headers may take longer than the whole request.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      'HTTP_HEADERS_TIMEOUT_MS',
      `must not be longer than HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    idleTimeoutMs: integer(env, 'HTTP_IDLE_TIMEOUT_MS', 60_000, 100, 3_600_000),
    keepAliveTimeoutMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 3_600_000),
    maxConnections: integer(env, 'HTTP_MAX_CONNECTIONS', 10_000, 1, 1_000_000),
    maxConnectionsPerAddress: integer(env, 'HTTP_MAX_CONNECTIONS_PER_ADDRESS', 256, 0, 1_000_000),
  };
}

const hostOf = (text: string): string => {
  try {
    return new URL(text).host;
  } catch {
    return '';
  }
};

/** LOG_ORIGIN, or the host (and port) of SERVICE_ISSUER (of the base URL when the issuer is a URN) followed by /log. */
function logOrigin(env: Env, issuer: string, baseUrl: string): string {
  const given = read(env, 'LOG_ORIGIN');
  if (given !== undefined) {
    // The origin is also the note key name: no spaces, no plus (c2sp.org/signed-note).
    if (/[\s+]/u.test(given)) throw new ConfigError('LOG_ORIGIN', `must not contain spaces or "+", got "${given}"`);
    return given;
  }
  return `${hostOf(issuer) || hostOf(baseUrl)}/log`;
}

/** Reads and checks every setting once; throws ConfigError on the first bad one. */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = read(env, 'HOST') ?? '127.0.0.1';
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'])?.toString();
  const logLevel = (read(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(logLevels as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `expected one of ${logLevels.join(', ')}, got "${logLevel}"`);
  }
  const jwks = jwksSource(env);
  const issuer = read(env, 'AUTH_ISSUER');
  if (issuer === undefined && jwks.kind !== 'development') {
    throw new ConfigError('AUTH_ISSUER', 'required when AUTH_JWKS_FILE or AUTH_JWKS_URL is set');
  }
  const publicUrl = url(env, 'PUBLIC_BASE_URL', ['https:', 'http:']);
  const baseUrl =
    publicUrl?.toString().replace(/\/$/, '') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const portalIssuer = url(env, 'PORTAL_OIDC_ISSUER', ['https:', 'http:'])?.toString().replace(/\/$/, '');
  const serviceIssuer = read(env, 'SERVICE_ISSUER') ?? baseUrl;

  return {
    port,
    host,
    databaseUrl,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    dataDir: resolve(read(env, 'DATA_DIR') ?? './.data'),
    logLevel: logLevel as LogLevel,
    auth: {
      issuer: issuer ?? developmentIssuer,
      audience: read(env, 'AUTH_AUDIENCE') ?? 'emswp',
      jwks,
      tokenCacheSize: integer(env, 'AUTH_TOKEN_CACHE_SIZE', 10_000, 0, 10_000_000),
    },
    service: {
      issuer: serviceIssuer,
      signingKeyFile: read(env, 'SERVICE_SIGNING_KEY_FILE'),
    },
    maxDocumentBytes: integer(env, 'MAX_DOCUMENT_BYTES', defaultMaxDocumentBytes, 1024, 1024 * 1024 * 1024),
    mspeReleaseAt: timestamp(env, 'MSPE_RELEASE_AT'),
    // At least an hour, so a manifest signed and sent at once is never too old; at most ten years.
    manifestMaxAgeSeconds: duration(env, 'MANIFEST_MAX_AGE', 30 * 86_400, 3600, 3650 * 86_400),
    webhooks: {
      worker: boolean(env, 'WEBHOOK_WORKER', true),
      allowPrivateNetworks: boolean(env, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
    },
    log: {
      origin: logOrigin(env, serviceIssuer, baseUrl),
      signingKeyFile: read(env, 'LOG_SIGNING_KEY_FILE'),
      sequencer: boolean(env, 'LOG_SEQUENCER', true),
      checkpointIntervalMs: integer(env, 'LOG_CHECKPOINT_INTERVAL_MS', 200, 10, 600_000),
    },
    metricsToken: read(env, 'METRICS_TOKEN'),
    http: httpLimits(env),
    verifyRateLimit: integer(env, 'VERIFY_RATE_LIMIT', 30, 1, 1_000_000),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    // Zero would leave no time for any request to finish: every stop would be a forced one.
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 100, 600_000),
    portal: {
      // The development issuer is not a URL: its portal sign-in is the development OpenID provider.
      oidcIssuer:
        portalIssuer ??
        (issuer === undefined
          ? `${baseUrl}/dev/oidc`
          : /^https?:\/\//.test(issuer)
            ? issuer.replace(/\/$/, '')
            : undefined),
      oidcClientId: read(env, 'PORTAL_OIDC_CLIENT_ID') ?? 'emswp-portal',
      oidcScopes: read(env, 'PORTAL_OIDC_SCOPES') ?? 'openid emswp',
      baseUrl,
    },
  };
}
