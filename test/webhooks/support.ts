import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import type { Database } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { WebhookDispatcher, type DispatcherOptions } from '../../src/webhooks/dispatcher.js';
import { enqueueEvent, type WebhookEvent } from '../../src/webhooks/outbox.js';
import { bearer } from '../support/test-app.js';
import { webhookEventTypes } from '../../src/webhooks/tables.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Date.now() when the body had arrived. */
  at: number;
}

/** What the receiver does with the n-th request (0-based); by default it answers 204. */
export type Behaviour = (request: ReceivedRequest, index: number, response: ServerResponse) => void;

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1, recording every request it gets. */
export async function startReceiver(
  t: Test,
  behaviour: Behaviour = (_request, _index, response) => response.writeHead(204).end(),
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(received);
      behaviour(received, requests.length - 1, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  t.teardown(close);
  return { url: `http://127.0.0.1:${port}/hooks`, requests, close };
}

/** Polls until `check` returns a value other than undefined/false, or fails the wait after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Short waits so a test sees a whole retry schedule in well under a second. */
export const fastSchedule = [100, 100, 100, 100, 100, 100, 100];

/** A dispatcher on the test database, stopped at teardown. */
export function startDispatcher(
  t: Test,
  databaseUrl: string,
  options: Partial<DispatcherOptions> = {},
): WebhookDispatcher {
  const dispatcher = new WebhookDispatcher({
    databaseUrl,
    logger: createLogger('silent'),
    allowPrivateNetworks: true,
    retryDelaysMs: fastSchedule,
    jitter: 0,
    timeoutMs: 2_000,
    pollIntervalMs: 200,
    ...options,
  });
  dispatcher.start();
  t.teardown(() => dispatcher.stop());
  return dispatcher;
}

/** What the documents and releases features do: the change and its event in one transaction. */
export async function emit(db: Database, event: WebhookEvent): Promise<string> {
  return db.transaction().execute(async (trx) => (await enqueueEvent(trx, event)).id);
}

export interface CreatedEndpoint {
  id: string;
  secret: string;
  status: string;
}

export async function registerEndpoint(
  app: FastifyInstance,
  token: string,
  body: { url: string; events: string[]; description?: string },
): Promise<CreatedEndpoint> {
  const response = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(token), payload: body });
  if (response.statusCode !== 201)
    throw new Error(`registering the endpoint failed: ${response.statusCode} ${response.body}`);
  return response.json<CreatedEndpoint>();
}

export const allEvents = [...webhookEventTypes];
