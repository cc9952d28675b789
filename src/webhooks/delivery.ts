import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { packageVersion } from '../version.js';
import { guardedLookup, literalAddress, unsafeAddress, UnsafeAddressError } from './address-guard.js';
import { parseRetryAfter } from './retry-schedule.js';

export interface SenderOptions {
  /** The whole attempt, from connecting to the response's status line (docs/signing.md: 15 s). */
  timeoutMs?: number;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: skip the address guard (tests, local development). */
  allowPrivateNetworks?: boolean;
  /** Open connections kept per receiver host. */
  maxSocketsPerHost?: number;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface AttemptResult {
  succeeded: boolean;
  /** null when no response came (refused address, connection error, timeout). */
  statusCode: number | null;
  durationMs: number;
  /** A short reason for a failure, null on success. */
  error: string | null;
  /** From Retry-After on a 429 or 503. */
  retryAfterMs?: number;
}

class AttemptTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs / 1000} s`);
  }
}

class QueueTimeout extends Error {
  constructor(readonly waitedMs: number) {
    super(`no connection to the receiver came free within ${waitedMs / 1000} s`);
  }
}

/** When the attempt got its connection: its 15 s run from then, not from when it was queued. */
interface AttemptClock {
  queuedAt: number;
  startedAt: number | undefined;
}

/** Only a few KiB of a response are read; a receiver sending more loses its kept-alive connection. */
const maxResponseBytes = 16 * 1024;
const maxErrorLength = 200;

function describe(error: unknown): string {
  if (error instanceof AttemptTimeout || error instanceof QueueTimeout || error instanceof UnsafeAddressError)
    return error.message;
  const { code, message } = error as NodeJS.ErrnoException;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset by the receiver';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default: {
      const text = code && !message.includes(code) ? `${code}: ${message}` : String(message ?? error);
      return text.length > maxErrorLength ? `${text.slice(0, maxErrorLength - 1)}…` : text;
    }
  }
}

function statusError(statusCode: number, response: IncomingMessage): string | null {
  if (statusCode >= 200 && statusCode < 300) return null;
  const reason = http.STATUS_CODES[statusCode] ?? 'unknown status';
  if (statusCode >= 300 && statusCode < 400) {
    const location = response.headers.location;
    const where = location ? ` to ${location.length > 100 ? `${location.slice(0, 100)}…` : location}` : '';
    return `redirect ${statusCode}${where} not followed`;
  }
  return `${statusCode} ${reason}`;
}

/**
 * POSTs signed webhook bodies. Kept-alive connections per receiver make it cheap to send many; the
 * address guard runs in the socket's lookup, and a redirect is a failure, never followed.
 */
export class WebhookSender {
  private readonly timeoutMs: number;
  private readonly allowPrivateNetworks: boolean;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly userAgent = `emswp-webhooks/${packageVersion}`;

  constructor({ timeoutMs = 15_000, allowPrivateNetworks = false, maxSocketsPerHost = 32 }: SenderOptions = {}) {
    this.timeoutMs = timeoutMs;
    this.allowPrivateNetworks = allowPrivateNetworks;
    const agentOptions = {
      keepAlive: true,
      maxSockets: maxSocketsPerHost,
      maxFreeSockets: maxSocketsPerHost,
      scheduling: 'lifo' as const,
    };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
  }

  /**
   * One attempt. Requests beyond maxSocketsPerHost wait in the agent for a connection; the
   * timeout and the duration count from when the attempt gets one.
   */
  async send(request: WebhookRequest): Promise<AttemptResult> {
    const clock: AttemptClock = { queuedAt: performance.now(), startedAt: undefined };
    const failure = (error: unknown): AttemptResult => ({
      succeeded: false,
      statusCode: null,
      durationMs: Math.round(performance.now() - (clock.startedAt ?? clock.queuedAt)),
      error: describe(error),
    });
    let target: URL;
    try {
      target = new URL(request.url);
    } catch {
      return failure(new Error('the endpoint URL is not valid'));
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return failure(new Error('only http and https URLs are called'));
    if (!this.allowPrivateNetworks) {
      // Node connects to an IP literal without calling lookup, so literals are checked here.
      const literal = literalAddress(target);
      const refusal = literal === undefined ? null : unsafeAddress(literal);
      if (refusal) return failure(refusal);
    }
    try {
      return await this.attempt(target, request, clock);
    } catch (error) {
      // A kept-alive connection the receiver closed just as we reused it: one fresh try, same deadline.
      if (
        (error as { reusedSocket?: boolean }).reusedSocket &&
        (error as NodeJS.ErrnoException).code === 'ECONNRESET'
      ) {
        try {
          return await this.attempt(target, request, clock);
        } catch (again) {
          return failure(again);
        }
      }
      return failure(error);
    }
  }

  /** Resolves on the response's status line; rejects on any error before it (marked when the socket was reused). */
  private attempt(target: URL, { headers, body }: WebhookRequest, clock: AttemptClock): Promise<AttemptResult> {
    return new Promise((resolve, reject) => {
      const secure = target.protocol === 'https:';
      const request: ClientRequest = (secure ? https : http).request(target, {
        method: 'POST',
        agent: secure ? this.httpsAgent : this.httpAgent,
        lookup: this.allowPrivateNetworks ? undefined : guardedLookup,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': this.userAgent,
        },
      });
      let answered = false;
      const untilDeadline = (from: number) => Math.max(from + this.timeoutMs - performance.now(), 0);
      let timer =
        clock.startedAt === undefined
          ? // The attempts ahead of it each take at most one timeout; twice that means something is wrong.
            setTimeout(
              () => request.destroy(new QueueTimeout(2 * this.timeoutMs)),
              untilDeadline(clock.queuedAt) + this.timeoutMs,
            )
          : setTimeout(() => request.destroy(new AttemptTimeout(this.timeoutMs)), untilDeadline(clock.startedAt));
      request.once('socket', () => {
        if (clock.startedAt !== undefined) return;
        clock.startedAt = performance.now();
        clearTimeout(timer);
        timer = setTimeout(() => request.destroy(new AttemptTimeout(this.timeoutMs)), this.timeoutMs);
      });
      request.on('error', (error) => {
        clearTimeout(timer);
        if (!answered) reject(Object.assign(error, { reusedSocket: request.reusedSocket }));
      });
      request.on('response', (response) => {
        answered = true;
        const statusCode = response.statusCode ?? 0;
        const error = statusError(statusCode, response);
        const retryAfterMs =
          statusCode === 429 || statusCode === 503 ? parseRetryAfter(response.headers['retry-after']) : undefined;
        resolve({
          succeeded: error === null,
          statusCode,
          durationMs: Math.round(performance.now() - (clock.startedAt ?? clock.queuedAt)),
          error,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
        // The body is read (and dropped) so the connection can be reused, but only a little of it,
        // and only until the deadline.
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxResponseBytes) response.destroy();
        });
        response.on('error', () => {});
        response.on('close', () => clearTimeout(timer));
      });
      request.end(body);
    });
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
