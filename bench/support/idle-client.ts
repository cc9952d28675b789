/**
 * One process of the idle-connections benchmark's crowd (each process has its own file descriptor
 * limit, so the crowd is split over several). Opens its connections to the server from the given
 * loopback addresses, in turn, and keeps them as a hostile client would: half send nothing at all,
 * half send the headers of a 100 MB multipart upload with no token and then one byte every 5 s.
 * After `holdMs` it closes what is left and prints one JSON line of figures.
 *
 *   node ... bench/support/idle-client.ts <port> <count> <holdMs> <address> [address...]
 */
import { connect, type Socket } from 'node:net';

const [portArg, countArg, holdArg, ...addresses] = process.argv.slice(2);
const port = Number(portArg);
const count = Number(countArg);
const holdMs = Number(holdArg);
if (!port || !count || !holdMs || addresses.length === 0)
  throw new Error('usage: idle-client.ts <port> <count> <holdMs> <address>...');

const uploadHeaders =
  'POST /v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n' +
  'Content-Length: 104857600\r\n\r\n--x\r\n';

interface Outcome {
  kind: 'idle' | 'upload';
  /** ms from connect to the server closing it; undefined while open. */
  closedAfter?: number;
  answered: boolean;
  failed: boolean;
}

const outcomes: Outcome[] = [];
const sockets = new Set<Socket>();
const trickles = new Set<NodeJS.Timeout>();
let stopping = false;

function open(index: number): Promise<void> {
  return new Promise((resolve) => {
    const kind = index % 2 === 0 ? 'idle' : 'upload';
    const outcome: Outcome = { kind, answered: false, failed: false };
    outcomes.push(outcome);
    const socket = connect({ host: '127.0.0.1', port, localAddress: addresses[index % addresses.length] });
    sockets.add(socket);
    let connectedAt = 0;
    let trickle: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      connectedAt = Date.now();
      if (kind === 'upload') {
        socket.write(uploadHeaders);
        trickle = setInterval(() => socket.writable && socket.write('a'), 5_000);
        trickles.add(trickle);
      }
      resolve();
    });
    socket.on('data', () => (outcome.answered = true));
    socket.on('error', () => {
      if (connectedAt === 0) outcome.failed = true;
    });
    socket.on('close', () => {
      sockets.delete(socket);
      if (trickle) {
        clearInterval(trickle);
        trickles.delete(trickle);
      }
      if (!stopping && connectedAt > 0) outcome.closedAfter = Date.now() - connectedAt;
      if (connectedAt === 0) resolve();
    });
  });
}

const startedAt = Date.now();
// Connections are opened 200 at a time, so the crowd builds up within a second or two.
for (let next = 0; next < count; next += 200) {
  await Promise.all(Array.from({ length: Math.min(200, count - next) }, (_, i) => open(next + i)));
}
const openedIn = Date.now() - startedAt;
await new Promise((resolve) => setTimeout(resolve, Math.max(0, holdMs - openedIn)));
stopping = true;
const stillOpen = outcomes.filter((o) => o.closedAfter === undefined && !o.failed).length;
for (const timer of trickles) clearInterval(timer);
for (const socket of sockets) socket.destroy();

console.log(
  JSON.stringify({
    openedIn,
    stillOpen,
    failed: outcomes.filter((o) => o.failed).length,
    byKind: Object.fromEntries(
      (['idle', 'upload'] as const).map((kind) => {
        const mine = outcomes.filter((o) => o.kind === kind && !o.failed);
        return [
          kind,
          {
            total: mine.length,
            answered: mine.filter((o) => o.answered).length,
            closedAfter: mine.flatMap((o) => (o.closedAfter === undefined ? [] : [o.closedAfter])),
          },
        ];
      }),
    ),
  }),
);
