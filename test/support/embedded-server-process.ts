/**
 * Holds an embedded PostgreSQL for the whole test run. The tap `before` script starts this file as
 * a detached process (tap waits for `before` to exit, so it cannot hold the server itself), reads
 * the URL from IPC, and the `after` script sends SIGTERM.
 */
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';

const directory = process.argv[2];
if (!directory) throw new Error('usage: embedded-server-process.ts <directory>');

let server: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
try {
  server = await startEmbeddedPostgres({ directory });
} catch (error) {
  // One line for the person running the tests, not a stack trace.
  console.error(
    `# cannot start the embedded PostgreSQL: ${(error as Error).message} (or run the tests with DATABASE_URL set)`,
  );
  process.exit(1);
}
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.send?.({ url: server.url });
process.disconnect?.();
// A run that never calls `after` (killed tap) must not leave a server behind for ever.
setTimeout(stop, 60 * 60 * 1000).unref();
setInterval(() => {}, 1 << 30);
