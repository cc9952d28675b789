import { randomUUID } from 'node:crypto';
import t from 'tap';
import { guardedLookup, unsafeAddress, UnsafeAddressError } from '../../src/webhooks/address-guard.js';
import { WebhookSender } from '../../src/webhooks/delivery.js';
import { bearer, buildTestApp } from '../support/test-app.js';
import { emit, eventually, registerEndpoint, startDispatcher, startReceiver } from './support.js';

t.test('only ordinary public addresses pass', async (t) => {
  const refused: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['192.0.2.10', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:a00:1::1', '6to4'],
    ['2001:db8::1', 'reserved'],
    // IPv4-compatible (::/96), however it is written: a URL's [::127.0.0.1] arrives as ::7f00:1.
    ['::127.0.0.1', 'ipv4Compatible'],
    ['::7f00:1', 'ipv4Compatible'],
    ['::8.8.8.8', 'ipv4Compatible'],
  ];
  for (const [address, range] of refused) {
    const refusal = unsafeAddress(address);
    t.ok(refusal instanceof UnsafeAddressError, `${address} is refused`);
    t.equal(refusal?.range, range);
  }
  for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
    t.equal(unsafeAddress(address), null, `${address} passes`);
  t.ok(unsafeAddress('not-an-address'), 'something that is not an address is refused');
});

t.test('the socket lookup refuses a name that resolves to this machine', async (t) => {
  for (const all of [false, true]) {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup('localhost', { all }, (err) => resolve(err)),
    );
    t.ok(error instanceof UnsafeAddressError, `all: ${all}`);
    t.match(error?.message, /is not a public address \(loopback\)/);
  }
});

t.test('with the safety on, the sender connects to no private address, by literal or by name', async (t) => {
  const receiver = await startReceiver(t);
  const sender = new WebhookSender({ timeoutMs: 2_000 });
  t.teardown(() => sender.close());
  const port = new URL(receiver.url).port;
  for (const url of [receiver.url, `http://localhost:${port}/hooks`, `http://[::ffff:127.0.0.1]:${port}/hooks`]) {
    const result = await sender.send({ url, headers: {}, body: '{}' });
    t.match(result, { succeeded: false, statusCode: null }, url);
    t.match(result.error, /is not a public address \(loopback\)/);
  }
  const compatible = await sender.send({ url: `http://[::127.0.0.1]:${port}/hooks`, headers: {}, body: '{}' });
  t.match(compatible, { succeeded: false, statusCode: null }, 'an IPv4-compatible address is not called');
  t.match(compatible.error, /is not a public address \(ipv4Compatible\)/);
  t.equal(receiver.requests.length, 0, 'the receiver was never reached');

  const allowed = new WebhookSender({ timeoutMs: 2_000, allowPrivateNetworks: true });
  t.teardown(() => allowed.close());
  t.match(await allowed.send({ url: `http://localhost:${port}/hooks`, headers: {}, body: '{}' }), {
    succeeded: true,
    statusCode: 204,
  });
});

t.test('an endpoint whose name points at a private address is refused when the dispatcher connects', async (t) => {
  // Registered while private networks were allowed (or while its name still pointed elsewhere).
  const { app, issuer, db, database } = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  const schoolId = randomUUID();
  const school = await issuer.school(schoolId);
  const receiver = await startReceiver(t);
  const endpoint = await registerEndpoint(app, school, {
    url: `http://localhost:${new URL(receiver.url).port}/hooks`,
    events: ['document.verified'],
  });
  startDispatcher(t, database.url, { allowPrivateNetworks: false, retryDelaysMs: [20] });

  await emit(db, {
    type: 'document.verified',
    data: { document_id: randomUUID(), status: 'verified' },
    audience: { school_id: schoolId },
  });
  const delivery = await eventually(async () => {
    const list = await app.inject({
      method: 'GET',
      url: `/v1/webhooks/${endpoint.id}/deliveries`,
      headers: bearer(school),
    });
    const first = list.json().items[0];
    return first?.status === 'failed' && first;
  });
  t.equal(delivery.attempt_count, 2);
  t.equal(delivery.last_status_code, null);
  t.match(delivery.last_error, /^(127\.0\.0\.1|::1) is not a public address \(loopback\)$/);
  t.equal(receiver.requests.length, 0, 'nothing reached the private address');
});
