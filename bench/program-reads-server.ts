/**
 * The server under test for bench/program-reads.ts, started by it as a child process: the whole
 * service exactly as `buildApp` makes it (authentication, validation, logging, metrics), plus one
 * bare route that runs a single primary-key SELECT on the same Kysely pool. Both therefore share the
 * process, the pool, the hooks and the logger; the only difference measured is what the API route
 * does beyond one indexed row fetch. Reports its port over IPC.
 */
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDatabase } from '../src/db/database.js';
import { createLogger } from '../src/logger.js';

const config = loadConfig(process.env);
const { db } = createDatabase(config.databaseUrl ?? '', config.databasePoolSize);
const app = await buildApp({ config, db, logger: createLogger(config.logLevel) });

// SELECT * FROM documents WHERE id = $1, the row sent back as JSON: the floor of any route that reads a document.
app.get<{ Params: { id: string } }>('/bench/bare/:id', async (request) => {
  const row = await app.db.selectFrom('documents').selectAll().where('id', '=', request.params.id).executeTakeFirst();
  return row ?? {};
});

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });

// The bench asks for this process's CPU time before and after each measurement.
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});

const stop = async () => {
  await app.close();
  await db.destroy();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
