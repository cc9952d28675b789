import { withSchoolOfficerOptions } from './school-options.js';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { ApiClient, ApiProblem, ApiUnreachable } from './api-client.js';
import { fail } from './fail.js';
import { userPath } from './user-path.js';
import { addManifestFlags, signFile, type ManifestFlags } from './manifest-input.js';

interface SubmitOptions extends Partial<ManifestFlags> {
  url: string;
  token: string;
  issuer?: string;
  manifest?: string;
  json?: boolean;
}

/** What the service answers for a document: only the fields this command shows by name. */
interface SubmittedDocument {
  id: string;
  type: string;
  status: string;
  status_reason: string | null;
}

/** Below this an upload is over before a bar could tell anyone anything. */
const progressThresholdBytes = 1024 * 1024;
const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

const signingFlags = [
  ['key', '--key'],
  ['type', '--type'],
  ['ecfmgId', '--ecfmg-id'],
  ['givenName', '--given-name'],
  ['familyName', '--family-name'],
  ['dateOfBirth', '--date-of-birth'],
] as const;
const optionalSigningFlags = [
  ['issuer', '--issuer'],
  ['letterId', '--letter-id'],
  ['supersedes', '--supersedes'],
  ['jti', '--jti'],
] as const;

/** Signing here needs every identity flag; a manifest signed elsewhere (`--manifest`) takes none of them. */
function signingFlagsOf(options: SubmitOptions): ManifestFlags | undefined {
  if (options.manifest !== undefined) {
    const given = [...signingFlags, ...optionalSigningFlags]
      .filter(([name]) => options[name] !== undefined)
      .map(([, flag]) => flag);
    if (given.length > 0) fail(`--manifest is already signed: leave out ${given.join(', ')}`);
    return undefined;
  }
  const missing = signingFlags.filter(([name]) => options[name] === undefined).map(([, flag]) => flag);
  if (missing.length > 0)
    fail(`missing ${missing.join(', ')} (or send a manifest made by \`emswp sign\` with --manifest)`);
  return options as ManifestFlags;
}

async function readManifestFile(path: string): Promise<string> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (text.length === 0) fail(`${path} is empty; it should hold the manifest printed by \`emswp sign\``);
    return text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? `no manifest file at ${path}` : `cannot read ${path}: ${(error as Error).message}`);
  }
}

/** The manifest's iss is the calling school's World Directory id, which the token's school has on record. */
export async function callingSchoolIssuer(client: ApiClient): Promise<string> {
  const me = await client.getJson<{ role: string; school_id?: string }>('v1/me');
  if (me.role !== 'school' || me.school_id === undefined) {
    fail(
      `the token speaks for a${me.role === 'admin' || me.role === 'applicant' ? 'n' : ''} ${me.role}, not a school: submit with a school officer's token`,
    );
  }
  const school = await client.getJson<{ wdoms_id: string }>(`v1/schools/${me.school_id}`);
  return school.wdoms_id;
}

function progressBar(file: string, size: number): { update(sent: number): void; stop(): void } | undefined {
  if (!process.stderr.isTTY || size <= progressThresholdBytes) return undefined;
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: `${basename(file)} [{bar}] {percentage}% | {sent}/{total_mib} MiB | {eta_formatted} left`,
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(size, 0, { sent: mib(0), total_mib: mib(size) });
  return {
    update: (sent) => bar.update(sent, { sent: mib(sent) }),
    stop: () => bar.stop(),
  };
}

function report(document: SubmittedDocument, created: boolean, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    const reason = document.status_reason === null ? '' : ` (${document.status_reason})`;
    process.stdout.write(`${document.id} ${document.status}${reason} ${document.type}\n`);
  }
  if (!created) console.error('Already submitted (same jti, same bytes): this is the document stored then.');
}

export function submitCommand(): Command {
  const command = withSchoolOfficerOptions(
    new Command('submit')
      .description('sign a PDF and upload it (POST /v1/documents) in one step; prints the document id, status and type')
      .argument('<file>', 'the PDF to submit', userPath),
  )
    .option(
      '--issuer <wdoms-id>',
      "the manifest's iss (default: the calling school's World Directory id, asked of the service)",
    )
    .option(
      '--manifest <file>',
      'send this manifest made by `emswp sign` instead of signing here (no --key nor identity flags then)',
      userPath,
    )
    .option('--json', 'print the whole document as JSON');
  return addManifestFlags(command, { required: false }).action(async (file: string, options: SubmitOptions) => {
    const flags = signingFlagsOf(options);
    let client: ApiClient;
    try {
      client = new ApiClient(options.url, options.token);
    } catch (error) {
      fail((error as Error).message);
    }
    let bar: ReturnType<typeof progressBar>;
    try {
      const manifest =
        flags === undefined
          ? await readManifestFile(options.manifest as string)
          : (await signFile(file, flags, options.issuer ?? (() => callingSchoolIssuer(client)))).manifest;
      let size: number;
      try {
        size = (await stat(file)).size;
      } catch {
        fail(`no file at ${file}`);
      }
      bar = progressBar(file, size);
      const { status, body } = await client.submitDocument<SubmittedDocument>(manifest, file, {
        onProgress: (sent) => bar?.update(sent),
      });
      bar?.stop();
      report(body, status === 201, options.json === true);
    } catch (error) {
      bar?.stop();
      if (error instanceof ApiProblem || error instanceof ApiUnreachable) fail(error.message);
      throw error;
    } finally {
      client.close();
    }
  });
}
