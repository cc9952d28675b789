import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import ipaddr from 'ipaddr.js';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { problem } from './problem.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The registry /metrics serves, for what runs beside the routes (the log sequencer). */
    metricsRegistry: Registry;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The client is this machine (with TRUST_PROXY, the client the proxy names, not the proxy itself). */
function fromLoopback(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.process(address).range() === 'loopback';
}

/**
 * Prometheus text at /metrics: process metrics and request durations by route pattern (never the
 * raw URL, so ids do not explode the label set). With METRICS_TOKEN set, scrapers must send it;
 * without it, only a scraper on this machine is answered, since the figures describe the load.
 */
export function registerMetrics(app: FastifyInstance, token: string | undefined): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    if (token === undefined && !fromLoopback(request.ip)) {
      throw problem('forbidden', 'The metrics are served only to this machine unless METRICS_TOKEN is set.');
    }
    if (token !== undefined && !sameSecret(request.headers.authorization ?? '', `Bearer ${token}`)) {
      throw problem('invalid_token', 'The metrics endpoint needs the METRICS_TOKEN bearer token.', {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
