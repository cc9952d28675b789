import t from 'tap';
import { expectProblem } from './support/expect-problem.js';
import { bearer, buildTestApp } from './support/test-app.js';

t.test('a scraper reads Prometheus text with request durations by route pattern', async (t) => {
  const { app, issuer } = await buildTestApp(t);
  await app.inject({ method: 'GET', url: '/healthz' });
  await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(await issuer.admin()) });
  await app.inject({ method: 'GET', url: '/v1/me' });
  await app.inject({ method: 'GET', url: '/v1/no-such-thing/123' });

  const response = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const text = response.body;
  t.match(text, /# TYPE http_request_duration_seconds histogram/);
  t.match(text, /http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} 1\n/);
  t.match(text, /http_request_duration_seconds_count\{method="GET",route="\/v1\/me",status_code="200"\} 1\n/);
  t.match(text, /http_request_duration_seconds_count\{method="GET",route="\/v1\/me",status_code="401"\} 1\n/);
  t.match(text, /route="unmatched",status_code="404"/, 'unknown paths share one label');
  t.notMatch(text, /no-such-thing/, 'raw URLs never become labels');
  t.match(text, /process_cpu_seconds_total/, 'process metrics are included');
});

t.test('with METRICS_TOKEN set the scraper must send it as a bearer token', async (t) => {
  const { app, issuer } = await buildTestApp(t, { METRICS_TOKEN: 'scrape-secret-1' });
  const anonymous = await app.inject({ method: 'GET', url: '/metrics' });
  expectProblem(t, anonymous, 'invalid_token');
  t.match(anonymous.headers['www-authenticate'], /^Bearer error="invalid_token"/);
  expectProblem(
    t,
    await app.inject({ method: 'GET', url: '/metrics', headers: bearer('scrape-secret-2') }),
    'invalid_token',
  );
  expectProblem(
    t,
    await app.inject({ method: 'GET', url: '/metrics', headers: bearer(await issuer.admin()) }),
    'invalid_token',
  );

  const allowed = await app.inject({ method: 'GET', url: '/metrics', headers: bearer('scrape-secret-1') });
  t.equal(allowed.statusCode, 200);
  t.match(allowed.body, /http_request_duration_seconds/);
});
