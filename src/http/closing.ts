import type { FastifyInstance } from 'fastify';

/**
 * Once close() has begun, every response tells its client to close the connection. Otherwise a
 * keep-alive connection whose request was in flight at shutdown stays open after the answer until
 * its keep-alive timeout (72 s), and holds the shutdown past its grace period.
 */
export function closeConnectionsWhenClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
