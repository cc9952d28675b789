/**
 * Server memory under large uploads: 8 clients each upload a 20 MiB PDF at once (three rounds),
 * through the same streaming client `emswp submit` uses, to the compiled server running as a child
 * process. Its peak resident memory (VmHWM in /proc/<pid>/status) must stay under 300 MiB.
 *
 *   npm run bench:upload-memory     (BENCH_CLIENTS, default 8; BENCH_ROUNDS, default 3)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, ApiProblem } from '../src/cli/api-client.js';
import { factsOf, manifestFor, pdfOfSize, registerApplicant, registerSchool } from './support/actors.js';
import { formatMiB, memoryOf, MiB, runBench } from './support/harness.js';

const clients = Number(process.env.BENCH_CLIENTS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const fileBytes = 20 * MiB;
const limit = 300 * MiB;

await runBench(`upload memory: ${clients} clients uploading 20 MiB PDFs at once`, async (server) => {
  const school = await registerSchool(server);
  const applicant = await registerApplicant(server);
  const folder = await mkdtemp(join(tmpdir(), 'emswp-bench-files-'));
  try {
    // Distinct files on disk; the clients stream them, so the load generator stays small too.
    const files = [];
    for (let i = 0; i < clients; i++) {
      const bytes = pdfOfSize(fileBytes);
      const path = join(folder, `document-${i}.pdf`);
      await writeFile(path, bytes);
      files.push({ path, facts: factsOf(bytes) });
    }

    const idle = await memoryOf(server.pid);
    console.log(
      `server (pid ${server.pid}) after start and setup: RSS ${formatMiB(idle.rss)}, peak so far ${formatMiB(idle.peakRss)}`,
    );

    let uploaded = 0;
    const failures: string[] = [];
    const started = Date.now();
    for (let round = 1; round <= rounds; round++) {
      const roundStarted = Date.now();
      await Promise.all(
        files.map(async ({ path, facts }) => {
          const client = new ApiClient(server.url, school.token);
          try {
            const { status, body } = await client.submitDocument<{ status: string; size: number }>(
              await manifestFor(school, applicant, facts),
              path,
            );
            if (status !== 201 || body.status !== 'verified' || body.size !== fileBytes)
              failures.push(`${status} ${JSON.stringify(body)}`);
            else uploaded += 1;
          } catch (error) {
            failures.push(error instanceof ApiProblem ? `${error.status} ${error.message}` : String(error));
          } finally {
            client.close();
          }
        }),
      );
      const now = await memoryOf(server.pid);
      console.log(
        `round ${round}: ${clients} x 20 MiB in ${((Date.now() - roundStarted) / 1000).toFixed(1)} s; server RSS ${formatMiB(now.rss)}, peak ${formatMiB(now.peakRss)}`,
      );
    }
    const seconds = (Date.now() - started) / 1000;
    const { peakRss } = await memoryOf(server.pid);
    console.log(
      `uploaded ${uploaded} of ${clients * rounds} (${formatMiB(uploaded * fileBytes)} in ${seconds.toFixed(1)} s, ${formatMiB((uploaded * fileBytes) / seconds)}/s)`,
    );
    if (failures.length > 0) console.log(`${failures.length} uploads failed, e.g. ${failures[0]}`);
    console.log(`server peak RSS (VmHWM): ${formatMiB(peakRss)} (limit ${formatMiB(limit)})`);
    return peakRss < limit && failures.length === 0;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
