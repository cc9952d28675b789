import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';
import { problem, type ProblemError } from './problem.js';

/**
 * The server's timeouts, so a client that sends slowly or not at all cannot hold a connection for
 * ever: headers, the whole request, a silent connection, a kept-alive one between requests. Node
 * checks the first two on a timer; it runs often enough for them to be kept to within a second.
 */
export function transportOptions(http: Config['http']): Partial<FastifyServerOptions> & { http: ServerOptions } {
  return {
    connectionTimeout: http.idleTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(http.headersTimeoutMs / 2))),
    },
    clientErrorHandler: answerClientError,
  };
}

/** What Node's parser and timers report about a connection, as the problem a client is told. */
function transportProblem(error: NodeJS.ErrnoException): ProblemError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return problem('header_fields_too_large', 'The request headers are larger than this service accepts.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problem('request_timeout', 'The request did not arrive in time; the connection is closed.');
    default:
      return problem('bad_request', 'The request is not well-formed HTTP.');
  }
}

/**
 * Errors before a request exists (malformed HTTP, headers too large, a request that did not arrive
 * in time) are answered as problem+json like every other error, then the connection is closed.
 */
function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = transportProblem(error);
  this.log.debug({ err: error, code: answer.code }, 'transport error');
  // Nothing may be written after a response has begun on this connection.
  if (socket.writable && !(socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    const body = JSON.stringify(answer.body());
    socket.write(
      `HTTP/1.1 ${answer.status} ${answer.body().title}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Open connections at most, in all and from one address: beyond them a new connection is closed
 * at once, so one client cannot take every file descriptor the process has.
 */
export function limitConnections(server: Server, http: Config['http']): void {
  server.maxConnections = http.maxConnections;
  if (http.maxConnectionsPerAddress === 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > http.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/**
 * An answer sent before the request's body was read (a 401 ahead of a 100 MB upload) closes the
 * connection: otherwise Node keeps it open to read and discard the rest, for as long as the
 * client cares to trickle it.
 */
export function closeAfterEarlyAnswers(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.raw.complete === false) reply.header('connection', 'close');
    done(null, payload);
  });
}
