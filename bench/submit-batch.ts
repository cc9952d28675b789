/**
 * `emswp submit-batch` throughput: 200 PDFs of 100 KiB, checked, signed and uploaded by the
 * compiled command (default concurrency 4) against the compiled server, in documents per second
 * from the command's start to its exit. BENCH_ROUNDS batches (default 3), each of fresh PDFs.
 *
 * No target of its own: it is the figure the portal's batch must reach half of (issue 15), and
 * `runCliBatch` (bench/support/cli-batch.ts) is exported so that benchmark measures both in one run.
 * It fails only if a row is not sent and verified.
 *
 *   npm run bench:submit-batch       (BENCH_DOCUMENTS, BENCH_CONCURRENCY)
 */
import { loadavg } from 'node:os';
import { registerApplicant, registerSchool } from './support/actors.js';
import { runCliBatch, type CliBatchRun } from './support/cli-batch.js';
import { runBench } from './support/harness.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const documents = Number(process.env.BENCH_DOCUMENTS ?? 200);
const concurrency = process.env.BENCH_CONCURRENCY === undefined ? undefined : Number(process.env.BENCH_CONCURRENCY);

await runBench(`submit-batch: ${documents} PDFs of 100 KiB through emswp submit-batch`, async (server) => {
  const school = await registerSchool(server);
  const applicant = await registerApplicant(server);
  const runs: CliBatchRun[] = [];
  let allVerified = true;
  for (let round = 1; round <= rounds; round++) {
    const load = loadavg()[0]?.toFixed(1);
    const run = await runCliBatch({
      url: server.url,
      school,
      applicant,
      documents,
      ...(concurrency === undefined ? {} : { concurrency }),
    });
    runs.push(run);
    if (run.statuses.verified !== documents) allVerified = false;
    console.log(
      `round ${round}: ${run.documents} documents in ${run.seconds.toFixed(2)} s = ${run.docsPerSecond.toFixed(1)} documents/s, the command's own CPU ${run.cliCpuSeconds.toFixed(2)} s (load ${load}); statuses ${JSON.stringify(run.statuses)}`,
    );
  }
  const sorted = runs.map((run) => run.docsPerSecond).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(`median: ${median.toFixed(1)} documents/s (concurrency ${concurrency ?? 4})`);
  console.log('(no speed target of its own: the RESULT line says whether every document was sent and verified)');
  return allVerified;
});
