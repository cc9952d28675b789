import { withSchoolOfficerOptions } from './school-options.js';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import type { JWK } from 'jose';
import {
  batchSucceeded,
  checkBatch,
  describeProblem,
  parseBatchCsv,
  resultsCsv,
  resultsFromProblems,
  sendBatch,
  type BatchOutcome,
  type BatchRowResult,
} from '../batch/index.js';
import { defaultMaxDocumentBytes } from '../facts/documents.js';
import { signManifest } from '../documents/manifest.js';
import { ApiClient, ApiProblem, ApiUnreachable } from './api-client.js';
import { filesNamedIn, type DiskBatchFile } from './batch-files.js';
import { batchProgress } from './batch-progress.js';
import { fail } from './fail.js';
import { readPrivateJwk } from './manifest-input.js';
import { callingSchoolIssuer } from './submit.js';

interface SubmitBatchOptions {
  url: string;
  token: string;
  key: string;
  concurrency: string;
  results?: string;
  maxDocumentBytes: string;
}

interface SubmittedDocument {
  id: string;
  status: string;
}

/**
 * Where the user was: npm runs scripts from the package's folder but says in INIT_CWD where it was
 * started, so `npm run emswp -- submit-batch batch.csv` finds batch.csv where the user typed it.
 */
const userPath = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max)
    fail(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return number;
}

async function readCsv(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? `no batch CSV at ${path}` : `cannot read ${path}: ${(error as Error).message}`);
  }
}

/** The results CSV to --results, or to stdout for a pipe; messages for people go to stderr. */
async function writeResults(results: BatchRowResult[], path: string | undefined): Promise<void> {
  const csv = resultsCsv(results);
  if (path === undefined) {
    process.stdout.write(csv);
    return;
  }
  try {
    await writeFile(path, csv);
  } catch (error) {
    fail(`cannot write the results to ${path}: ${(error as Error).message}`);
  }
}

function summary({ results, stoppedBy }: BatchOutcome): string {
  const count = (status: BatchRowResult['status']) => results.filter((result) => result.status === status).length;
  const lines = results
    .filter((result) => result.status === 'failed')
    .map((result) => `Row ${result.row} (${result.file}): ${result.errorCode}: ${result.detail}`);
  lines.push(
    `${results.length} rows: ${count('sent')} sent, ${count('already_sent')} already stored by an earlier run, ${count('failed')} failed, ${count('not_sent')} not sent.`,
  );
  if (stoppedBy !== undefined)
    lines.push(
      `The batch stopped: the service refused it with ${stoppedBy.code}: ${stoppedBy.detail}`,
      'Rows not sent can be sent by running the same command again once that is put right.',
    );
  else if (count('failed') > 0) lines.push('Running the same command again sends only what is not stored yet.');
  return `${lines.join('\n')}\n`;
}

async function sendRows(
  client: ApiClient,
  privateJwk: JWK,
  rows: Parameters<typeof sendBatch<DiskBatchFile>>[0],
  concurrency: number,
): Promise<BatchOutcome> {
  // Ctrl-C stops taking new rows; those in flight finish and the results are still written.
  const stop = new AbortController();
  const interrupt = () => {
    console.error('\nStopping after the rows in flight (Ctrl-C again to quit at once)...');
    stop.abort();
  };
  process.once('SIGINT', interrupt);
  let failed = 0;
  const bar = batchProgress('Sending ', rows.length, ' | {failed} failed');
  try {
    return await sendBatch(rows, {
      concurrency,
      signal: stop.signal,
      submit: async (row, manifest) => {
        const compact = await signManifest(privateJwk, manifest);
        const { status, body } = await client.submitDocument<SubmittedDocument>(compact, row.file.path);
        return { created: status === 201, document: body };
      },
      onResult: (result, done) => {
        if (result.status === 'failed') failed++;
        bar.update(done, { failed });
      },
    });
  } finally {
    bar.stop();
    process.off('SIGINT', interrupt);
  }
}

export function submitBatchCommand(): Command {
  return withSchoolOfficerOptions(
    new Command('submit-batch')
      .description(
        'check every row of a batch CSV and its PDFs, then sign and upload them a few at a time; writes a results CSV, exits 1 if any row failed; safe to run again',
      )
      .argument('<batch.csv>', 'file,type,ecfmg_id,given_name,family_name,date_of_birth,letter_id,supersedes,jti'),
  )
    .requiredOption('--key <file>', 'the private JWK made by `emswp keygen`')
    .option('--concurrency <n>', 'documents uploaded at once', '4')
    .option('--results <file>', 'where to write the results CSV (default: standard output)')
    .option(
      '--max-document-bytes <bytes>',
      "the service's MAX_DOCUMENT_BYTES: larger files are refused before anything is sent",
      String(defaultMaxDocumentBytes),
    )
    .action(async (csvArgument: string, options: SubmitBatchOptions) => {
      const concurrency = wholeNumber(options.concurrency, '--concurrency', 1, 32);
      const maxDocumentBytes = wholeNumber(options.maxDocumentBytes, '--max-document-bytes', 1, 2 ** 40);
      const csvPath = userPath(csvArgument);
      const resultsPath = options.results === undefined ? undefined : userPath(options.results);
      const privateJwk = await readPrivateJwk(userPath(options.key));
      const parsed = parseBatchCsv(await readCsv(csvPath));
      const folder = dirname(csvPath);
      const files = await filesNamedIn(parsed, folder);

      let client: ApiClient;
      try {
        client = new ApiClient(options.url, options.token);
      } catch (error) {
        fail((error as Error).message);
      }
      try {
        const issuer = await callingSchoolIssuer(client);
        const bar = batchProgress('Checking', parsed.rows.length);
        const check = await checkBatch(parsed, files, {
          issuer,
          maxDocumentBytes,
          filesLabel: `the files in ${folder}`,
          onProgress: (checked) => bar.update(checked),
        });
        bar.stop();
        if (check.problems.length > 0) {
          for (const problem of check.problems) console.error(describeProblem(problem));
          await writeResults(resultsFromProblems(check.problems), resultsPath);
          const count = check.problems.length;
          fail(
            `${count} problem${count === 1 ? '' : 's'} in ${csvArgument}; nothing was sent. Correct ${count === 1 ? 'it' : 'them'} and run again.`,
          );
        }
        const outcome = await sendRows(client, privateJwk, check.rows, concurrency);
        await writeResults(outcome.results, resultsPath);
        process.stderr.write(summary(outcome));
        if (!batchSucceeded(outcome.results)) process.exitCode = 1;
      } catch (error) {
        if (error instanceof ApiProblem || error instanceof ApiUnreachable) fail(error.message);
        throw error;
      } finally {
        client.close();
      }
    });
}
