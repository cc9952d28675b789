import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { batchColumns } from '../../src/batch/columns.js';
import { pdfOfSize, type BenchApplicant, type BenchSchool } from './actors.js';

/** user + system CPU seconds of a live process, from /proc/<pid>/stat (Linux, 100 ticks a second). */
const cpuTicks = (pid: number | undefined) => async (): Promise<number | undefined> => {
  if (pid === undefined) return undefined;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
};

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'main.js');

export interface CliBatchOptions {
  /** The service's base URL. */
  url: string;
  school: BenchSchool;
  applicant: BenchApplicant;
  documents?: number;
  fileBytes?: number;
  concurrency?: number;
}

export interface CliBatchRun {
  documents: number;
  fileBytes: number;
  /** From starting `emswp submit-batch` to its exit: start-up, the check (every file read and hashed), the uploads. */
  seconds: number;
  docsPerSecond: number;
  /** CPU seconds (user + system) the command itself used: what the client side costs. */
  cliCpuSeconds: number;
  /** The documents' statuses as the results CSV gave them, e.g. { verified: 200 }. */
  statuses: Record<string, number>;
}

interface ResultLine {
  status: string;
  document_status: string;
  detail: string;
}

/**
 * Runs one batch through the compiled `emswp submit-batch`, as a school's script would: `documents`
 * fresh PDFs of `fileBytes` (new content, so new jtis and all really stored) in a folder with the
 * CSV and the key file. Throws unless every row was sent. Exported for the portal's benchmark, which
 * compares the browser's batch with this figure in the same run.
 */
export async function runCliBatch(options: CliBatchOptions): Promise<CliBatchRun> {
  if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run -s build` first');
  const documents = options.documents ?? 200;
  const fileBytes = options.fileBytes ?? 100 * 1024;
  const dir = await mkdtemp(join(tmpdir(), 'emswp-bench-batch-'));
  try {
    const { applicant } = options;
    const rows: string[][] = [];
    for (let i = 0; i < documents; i++) {
      const file = `transcript-${i}.pdf`;
      await writeFile(join(dir, file), pdfOfSize(fileBytes));
      rows.push([
        file,
        'transcript',
        applicant.ecfmg_id,
        applicant.given_name,
        applicant.family_name,
        applicant.date_of_birth,
        '',
        '',
        '',
      ]);
    }
    await writeFile(join(dir, 'batch.csv'), Papa.unparse({ fields: [...batchColumns], data: rows }));
    await writeFile(join(dir, 'key.json'), JSON.stringify(options.school.key.privateJwk), { mode: 0o600 });

    const args = [cli, 'submit-batch', 'batch.csv', '--key', 'key.json', '--results', 'results.csv'];
    if (options.concurrency !== undefined) args.push('--concurrency', String(options.concurrency));
    const env: NodeJS.ProcessEnv = { ...process.env, EMSWP_URL: options.url, EMSWP_TOKEN: options.school.token };
    delete env.INIT_CWD;
    delete env.NODE_OPTIONS;
    const started = performance.now();
    const { code, stderr, cpu } = await new Promise<{ code: number | null; stderr: string; cpu: number }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        let cpu = 0;
        const ticks = cpuTicks(child.pid);
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        // The child's own CPU, read while it still exists (its last moments are lost, a few ms).
        const sample = setInterval(() => void ticks().then((seconds) => (cpu = seconds ?? cpu)), 50);
        child.on('error', reject);
        child.on('close', (code) => {
          clearInterval(sample);
          resolve({ code, stderr, cpu });
        });
      },
    );
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`emswp submit-batch exited with ${code}:\n${stderr.slice(-2000)}`);
    const results = Papa.parse<ResultLine>((await readFile(join(dir, 'results.csv'), 'utf8')).trim(), {
      header: true,
    }).data;
    const unsent = results.filter((line) => line.status !== 'sent');
    if (results.length !== documents || unsent.length > 0)
      throw new Error(`${unsent.length} of ${results.length} rows not sent: ${unsent[0]?.detail ?? ''}`);
    const statuses: Record<string, number> = {};
    for (const line of results) statuses[line.document_status] = (statuses[line.document_status] ?? 0) + 1;
    return { documents, fileBytes, seconds, docsPerSecond: documents / seconds, cliCpuSeconds: cpu, statuses };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
