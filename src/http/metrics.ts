import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
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

/**
 * Prometheus text at /metrics: process metrics and request durations by route pattern (never the
 * raw URL, so ids do not explode the label set). With METRICS_TOKEN set, scrapers must send it.
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
    if (token !== undefined && !sameSecret(request.headers.authorization ?? '', `Bearer ${token}`)) {
      throw problem('invalid_token', 'The metrics endpoint needs the METRICS_TOKEN bearer token.', {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
