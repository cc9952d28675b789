import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Test } from 'tap';
import { pdf } from './documents.js';
import { registerApplicant, registerSchool, type RegisteredApplicant, type RegisteredSchool } from './registry.js';
import { runEmswp, type Finished } from './run-process.js';
import { buildTestApp, type TestApp } from './test-app.js';

/** What the tests of `emswp submit-batch` share: a school officer's folder with a batch in it, and the command. */
export const header = 'file,type,ecfmg_id,given_name,family_name,date_of_birth,letter_id,supersedes,jti';

export interface Setup {
  ctx: TestApp;
  url: string;
  school: RegisteredSchool;
  applicants: RegisteredApplicant[];
  /** The officer's folder: the key file is here, the batch in its `batch` folder. */
  dir: string;
  batchDir: string;
}

/** The real service on 127.0.0.1, an active school whose officer keeps the private key in a file, and applicants. */
export async function setup(t: Test, applicantCount = 3, beforeListen?: (ctx: TestApp) => void): Promise<Setup> {
  const ctx = await buildTestApp(t);
  beforeListen?.(ctx);
  const url = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const school = await registerSchool(ctx);
  const applicants: RegisteredApplicant[] = [];
  for (let i = 0; i < applicantCount; i++)
    applicants.push(await registerApplicant(ctx, i === 0 ? { family_name: 'Okafor-Eze, Jr.' } : {}));
  const dir = ctx.directory;
  const batchDir = join(dir, 'batch');
  await mkdir(batchDir);
  await writeFile(join(dir, 'school-key.json'), JSON.stringify(school.key.privateJwk), { mode: 0o600 });
  return { ctx, url, school, applicants, dir, batchDir };
}

export type Row = Record<string, string>;

/** One transcript per PDF, the applicants taken in turn; the PDFs written into the batch folder. */
export async function transcripts(s: Setup, count: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (let i = 1; i <= count; i++) {
    const who = s.applicants[(i - 1) % s.applicants.length] as RegisteredApplicant;
    const file = `transcript-${String(i).padStart(2, '0')}.pdf`;
    await writeFile(join(s.batchDir, file), pdf(`transcript ${i}`));
    rows.push({
      file,
      type: 'transcript',
      ecfmg_id: who.ecfmg_id,
      given_name: who.given_name,
      family_name: who.family_name,
      date_of_birth: who.date_of_birth,
    });
  }
  return rows;
}

/** The CSV as a spreadsheet saves it: a byte order mark, CRLF, and quotes only where a value needs them. */
export async function writeCsv(s: Setup, rows: Row[], name = 'batch.csv'): Promise<void> {
  const body = Papa.unparse(
    { fields: header.split(','), data: rows.map((row) => header.split(',').map((c) => row[c] ?? '')) },
    { newline: '\r\n' },
  );
  await writeFile(join(s.batchDir, name), `\uFEFF${body}\r\n`);
}

export interface Result {
  row: string;
  file: string;
  status: string;
  document_id: string;
  document_status: string;
  error_code: string;
  detail: string;
}

export const parseResults = (text: string): Result[] =>
  Papa.parse<Result>(text.trim(), { header: true, skipEmptyLines: true }).data;

export async function readResults(s: Setup, name = 'results.csv'): Promise<Result[]> {
  return parseResults(await readFile(join(s.dir, name), 'utf8'));
}

/** `emswp submit-batch` as the officer runs it from their folder, URL and token from the environment. */
export function submitBatch(
  s: Setup,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Finished> {
  return runEmswp(
    ['submit-batch', ...args],
    { EMSWP_URL: s.url, EMSWP_TOKEN: s.school.token, ...options.env },
    {
      cwd: options.cwd ?? s.dir,
    },
  );
}

export const batchArgs = (extra: string[] = []) => [
  'batch/batch.csv',
  '--key',
  'school-key.json',
  '--results',
  'results.csv',
  ...extra,
];
