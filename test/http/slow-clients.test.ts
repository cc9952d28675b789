import t from 'tap';
import { buildTestApp } from '../support/test-app.js';
import { listening, parseResponse, rawConnection, rawRequest, within } from '../support/raw-http.js';

/**
 * Clients that are slow, silent or greedy, over real sockets: each must lose its connection in a
 * bounded time, get a problem+json answer where one can still be sent, and never keep others out.
 */

const readyz = 'GET /readyz HTTP/1.1\r\nHost: emswp.test\r\nConnection: close\r\n\r\n';

t.test('a client that never finishes its headers gets 408 and loses the connection', async (t) => {
  const { app } = await buildTestApp(t, { HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '5000' });
  const port = await listening(t, app);
  const slow = await rawConnection(port);
  slow.socket.write('GET /healthz HTTP/1.1\r\nHost: emswp.test\r\n');
  const closedAfter = await within(slow.closed, 5_000);
  t.ok(closedAfter !== undefined && closedAfter < 3_000, `closed by the server after ${closedAfter} ms`);
  const answer = parseResponse(slow.received());
  t.equal(answer.status, 408);
  t.match(answer.headers['content-type'], /^application\/problem\+json/);
  t.match(JSON.parse(answer.body), { status: 408, code: 'request_timeout' });
});

t.test('a body trickled slower than the request timeout allows is cut off', async (t) => {
  const { app } = await buildTestApp(t, { HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '1000' });
  const port = await listening(t, app);
  const slow = await rawConnection(port);
  slow.socket.write(
    'POST /v1/verify HTTP/1.1\r\nHost: emswp.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
  );
  const trickle = setInterval(() => slow.socket.writable && slow.socket.write(' '), 200);
  t.teardown(() => clearInterval(trickle));
  const closedAfter = await within(slow.closed, 6_000);
  clearInterval(trickle);
  t.ok(closedAfter !== undefined && closedAfter < 4_000, `closed by the server after ${closedAfter} ms`);
});

t.test('a refusal sent before the body was read closes the connection', async (t) => {
  const { app } = await buildTestApp(t);
  const port = await listening(t, app);
  const client = await rawConnection(port);
  // The headers of a 100 MB upload with no token, then a trickle of the body.
  client.socket.write(
    'POST /v1/documents HTTP/1.1\r\nHost: emswp.test\r\n' +
      'Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 104857600\r\n\r\n--x\r\n',
  );
  const trickle = setInterval(() => client.socket.writable && client.socket.write('a'), 100);
  t.teardown(() => clearInterval(trickle));
  const closedAfter = await within(client.closed, 5_000);
  clearInterval(trickle);
  t.ok(closedAfter !== undefined && closedAfter < 2_000, `closed by the server after ${closedAfter} ms`);
  const answer = parseResponse(client.received());
  t.equal(answer.status, 401);
  t.equal(answer.headers.connection, 'close', 'the answer says the connection closes');
});

t.test('a request whose body was read keeps its connection for the next one', async (t) => {
  const { app } = await buildTestApp(t);
  const port = await listening(t, app);
  const client = await rawConnection(port);
  client.socket.write(
    'POST /v1/verify HTTP/1.1\r\nHost: emswp.test\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
  );
  t.equal(await within(client.closed, 500), undefined, 'still open');
  const answer = parseResponse(client.received());
  t.equal(answer.status, 400, 'the body was read and judged');
  t.not(answer.headers.connection, 'close');
  client.socket.destroy();
});

t.test('one address cannot hold more than its share of connections; others still get in', async (t) => {
  const { app } = await buildTestApp(t, { HTTP_MAX_CONNECTIONS_PER_ADDRESS: '5', HTTP_HEADERS_TIMEOUT_MS: '60000' });
  const port = await listening(t, app);
  const held = await Promise.all(Array.from({ length: 5 }, () => rawConnection(port, '127.0.0.2')));
  t.teardown(() => held.forEach((connection) => connection.socket.destroy()));
  for (const connection of held) connection.socket.write('GET /healthz HTTP/1.1\r\n');
  const sixth = await rawConnection(port, '127.0.0.2');
  t.ok((await within(sixth.closed, 2_000)) !== undefined, 'a sixth connection from that address is closed at once');
  t.equal(sixth.received(), '', 'without an answer');
  for (const connection of held) t.equal(await within(connection.closed, 10), undefined, 'the first five stay');

  const other = parseResponse(await rawRequest(port, readyz, '127.0.0.1'));
  t.equal(other.status, 200, 'another client is answered');
  held[0]?.socket.destroy();
  await held[0]?.closed;
  await new Promise((resolve) => setTimeout(resolve, 50));
  const again = parseResponse(await rawRequest(port, readyz, '127.0.0.2'));
  t.equal(again.status, 200, 'a freed slot can be used again');
});

t.test('header fields too large are a 431 problem+json', async (t) => {
  const { app } = await buildTestApp(t);
  const port = await listening(t, app);
  const answer = parseResponse(
    await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: emswp.test\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
  );
  t.equal(answer.status, 431);
  t.match(answer.headers['content-type'], /^application\/problem\+json/);
  t.match(JSON.parse(answer.body), {
    type: 'urn:emswp:problem:header_fields_too_large',
    status: 431,
    code: 'header_fields_too_large',
  });
});

t.test('a request that is not HTTP is a 400 problem+json', async (t) => {
  const { app } = await buildTestApp(t);
  const port = await listening(t, app);
  const answer = parseResponse(await rawRequest(port, 'HELLO THERE\r\n\r\n'));
  t.equal(answer.status, 400);
  t.match(answer.headers['content-type'], /^application\/problem\+json/);
  t.match(JSON.parse(answer.body), { status: 400, code: 'bad_request' });
});

t.test('a kept-alive connection left idle after its answer is closed after the keep-alive timeout', async (t) => {
  const { app } = await buildTestApp(t, { HTTP_KEEP_ALIVE_TIMEOUT_MS: '300' });
  const port = await listening(t, app);
  const client = await rawConnection(port);
  client.socket.write('GET /healthz HTTP/1.1\r\nHost: emswp.test\r\n\r\n');
  const closedAfter = await within(client.closed, 3_000);
  t.equal(parseResponse(client.received()).status, 200);
  t.ok(closedAfter !== undefined && closedAfter < 2_000, `closed by the server after ${closedAfter} ms`);
});
