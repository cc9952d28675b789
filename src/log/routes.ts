import type { FastifyPluginAsync } from 'fastify';
import { problem } from '../http/problem.js';
import { LogReader } from './serving.js';
import type { LogKey } from './signing-key.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The transparency log's checkpoint key, loaded once at start. */
    logKey: LogKey;
  }
}

const tags = ['log'];
const immutable = 'public, max-age=31536000, immutable';
const binary = { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } };

const acceptsGzip = (header: string | undefined): boolean =>
  (header ?? '').split(',').some((part) => {
    const [coding, ...parameters] = part.trim().toLowerCase().split(';');
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });

/** c2sp.org/tlog-tiles under /log: public, no token, byte for byte what Go's sumdb/tlog reads. */
export const logRoutes: FastifyPluginAsync = async (app) => {
  const reader = new LogReader(app.db);
  const notInLog = () => problem('not_found', 'No such tile in the log.');

  app.get(
    '/checkpoint',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'The latest signed checkpoint (c2sp.org/tlog-checkpoint), public',
        response: { 200: { description: 'A signed note', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => {
      const note = await reader.checkpoint();
      if (note === undefined) throw problem('not_found', 'The log has not signed a checkpoint yet.');
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=2').send(note);
    },
  );

  app.get(
    '/vkey',
    {
      config: { public: true },
      schema: {
        tags,
        summary: "The log's note verifier key, one line, public",
        response: {
          200: { description: '<name>+<key id>+<key>', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      },
    },
    async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(`${app.logKey.vkey}\n`),
  );

  app.get(
    '/tile/*',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Hash tiles (tile/<L>/<N>[.p/<W>]) and entry bundles (tile/entries/<N>[.p/<W>]), public',
        description:
          'c2sp.org/tlog-tiles. `<N>` is written in 3-digit groups, all but the last prefixed with `x` (`x001/x234/067`). A path that is not exactly a tile path, or a tile the log does not have, is 404. Entry bundles are gzip-compressed when the client accepts it.',
        response: { 200: { description: 'The tile or bundle bytes', ...binary } },
      },
    },
    async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      const body = await reader.tile(path);
      if (!body) throw notInLog();
      reply.type('application/octet-stream').header('cache-control', immutable);
      if (body.gzipped) {
        reply.header('vary', 'accept-encoding');
        if (acceptsGzip(request.headers['accept-encoding'])) {
          return reply.header('content-encoding', 'gzip').send(body.gzipped);
        }
      }
      return reply.send(body.bytes);
    },
  );
};
