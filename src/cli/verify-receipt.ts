import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { JSONWebKeySet } from 'jose';
import { checkInclusion, type CheckedInclusion } from '../log/inclusion-check.js';
import { entryMismatch } from '../log/receipt-entry.js';
import type { NoteVerifier } from '../log/note.js';
import { ReceiptVerificationError, verifyReceipt, type ReceiptVerification } from '../receipts/receipt.js';
import { userPath, userPathOrUrl } from './user-path.js';
import { fail } from './fail.js';
import { couldNotCheck, fetchVerifier, loadVerifier } from './log-source.js';

interface VerifyReceiptOptions {
  jwks: string;
  file?: string;
  issuer?: string;
  logVkey?: string;
}

const jwksMaxBytes = 1024 * 1024;

/** Control characters out of everything printed: receipt fields must not drive the terminal. */
const printable = (value: unknown): string => String(value).replace(/[\p{Cc}\p{Cs}]/gu, '?');

/** The receipt file holds the bare JWS, or the `{"receipt": "..."}` body the API returns. */
export function receiptFromText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  let body: unknown;
  try {
    body = JSON.parse(trimmed);
  } catch {
    fail('the receipt file is neither a compact JWS nor JSON');
  }
  const receipt = (body as { receipt?: unknown }).receipt;
  if (typeof receipt !== 'string') fail('the receipt file is JSON without a "receipt" string');
  return receipt.trim();
}

async function loadJwks(source: string): Promise<JSONWebKeySet> {
  let text: string;
  if (/^https?:\/\//i.test(source)) {
    let response: Response;
    try {
      response = await fetch(source, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
    } catch (error) {
      fail(`cannot fetch the JWKS from ${source}: ${(error as Error).message}`, couldNotCheck);
    }
    if (!response.ok) fail(`cannot fetch the JWKS from ${source}: HTTP ${response.status}`, couldNotCheck);
    text = await response.text();
  } else {
    try {
      text = await readFile(source, 'utf8');
    } catch (error) {
      fail(`cannot read the JWKS file ${source}: ${(error as Error).message}`, couldNotCheck);
    }
  }
  if (text.length > jwksMaxBytes) fail(`the JWKS at ${source} is larger than ${jwksMaxBytes} bytes`);
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch {
    fail(`the JWKS at ${source} is not JSON`);
  }
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    fail(`the JWKS at ${source} has no "keys" array`);
  }
  return jwks as JSONWebKeySet;
}

/** Said only when the school is not active: a document of a suspended school keeps its own status. */
function schoolStanding(school: { status?: string; status_reason?: string | null }): string {
  if (school.status === undefined || school.status === 'active') return '';
  return `, ${school.status}${school.status_reason ? ` (${school.status_reason})` : ''} when the receipt was signed`;
}

/** Where the log's verifier key comes from: --log-vkey, or the service that issued the receipt (/log/vkey). */
function vkeySource(options: VerifyReceiptOptions, issuer: string): string | undefined {
  if (options.logVkey !== undefined) return options.logVkey;
  if (/^https?:\/\//i.test(issuer)) return `${issuer.replace(/\/+$/, '')}/log/vkey`;
  if (/^https?:\/\//i.test(options.jwks)) return new URL('/log/vkey', options.jwks).toString();
  return undefined;
}

/**
 * The receipt's log proof: the checkpoint is the log's, the entry is in it, and the entry is this
 * document as the receipt states it. Adds to what was and was not proven.
 */
async function checkLog(
  result: ReceiptVerification,
  options: VerifyReceiptOptions,
): Promise<CheckedInclusion | undefined> {
  const { log, document } = result.payload;
  if (log === undefined) {
    if (options.logVkey !== undefined) fail('receipt not valid for the log: it carries no log proof');
    result.notProven.push('That this history is in the public transparency log: the receipt carries no log proof.');
    return undefined;
  }
  let verifier: NoteVerifier | undefined;
  if (options.logVkey !== undefined) verifier = await loadVerifier(options.logVkey);
  else {
    // Not asked for: fetched from the service when it can be; offline, the rest is still checked.
    const source = vkeySource(options, result.payload.iss);
    verifier = source === undefined ? undefined : await fetchVerifier(source);
    if (verifier === undefined) {
      result.notProven.push(
        `That this history is in the public transparency log: the log proof was not checked, as the log's verifier key was not given (--log-vkey)${source === undefined ? '' : ` and could not be fetched from ${source}`}.`,
      );
      return undefined;
    }
  }
  let checked: CheckedInclusion;
  try {
    checked = checkInclusion(log.proof, verifier);
  } catch (error) {
    fail(`receipt not valid: its log proof fails: ${printable((error as Error).message)}`);
  }
  const entry = checked.entry;
  const mismatch = entryMismatch(entry, document);
  if (mismatch) {
    fail(
      `receipt not valid: the logged entry says ${mismatch[0]} ${printable(JSON.stringify(entry[mismatch[0]]))}, the receipt ${printable(JSON.stringify(mismatch[1]))}`,
    );
  }
  if (checked.index !== log.index || checked.origin !== log.origin)
    fail("receipt not valid: its log index or origin is not the proof's");
  result.proven.push(
    `The document's latest history entry (seq ${String(entry.seq)}, status ${document.status}) is entry ${checked.index} of the transparency log ${checked.origin}, in its checkpoint of size ${checked.size} signed by the log key ${verifier.name}+${verifier.id.toString(16).padStart(8, '0')}.`,
  );
  result.notProven.push(
    'That everyone is shown the same log: compare the checkpoint with your own copy (`emswp log audit --state`) or a witness.',
  );
  return checked;
}

function summary(result: ReceiptVerification, filePath: string | undefined, log: CheckedInclusion | undefined): string {
  const { document } = result.payload;
  const rows: Array<[string, string]> = [
    ['Document', `${document.id} (${document.type})`],
    ['Status', document.status_reason === null ? document.status : `${document.status} (${document.status_reason})`],
    ['School', `${document.school.name} (${document.school.wdoms_id})${schoolStanding(document.school)}`],
    ['Applicant', `ECFMG ID ${document.ecfmg_id}`],
    ['Signed at', `${document.signed_at} with the school's key ${document.key_id} (the school's clock)`],
    ...(document.received_at === undefined ? [] : [['Received at', document.received_at] as [string, string]]),
    ['Receipt time', `${result.issuedAt.toISOString()} by ${result.payload.iss} (key ${result.header.kid})`],
    ['SHA-256', `${document.sha256} (${document.size} bytes)`],
  ];
  if (result.file && filePath !== undefined) rows.push(['File', `${filePath} matches`]);
  if (log) rows.push(['Log entry', `${log.index} of ${log.origin} (checkpoint size ${log.size})`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [
    'Receipt valid.',
    '',
    ...rows.map(([label, value]) => `${label.padEnd(width)}  ${printable(value)}`),
    '',
  ];
  lines.push('This proves:', ...result.proven.map((line) => `  - ${printable(line)}`), '');
  lines.push('This does not prove:', ...result.notProven.map((line) => `  - ${printable(line)}`));
  return `${lines.join('\n')}\n`;
}

export function verifyReceiptCommand(): Command {
  return new Command('verify-receipt')
    .description("check a document receipt offline with the service's JWKS, and optionally that a PDF is the document")
    .argument(
      '<receipt>',
      'file holding the receipt: the compact JWS, or the {"receipt": "..."} JSON the API returns',
      userPath,
    )
    .requiredOption(
      '--jwks <file-or-url>',
      "the service's public keys: a JWKS file, or its http(s) URL (/.well-known/jwks.json)",
      userPathOrUrl,
    )
    .option('--file <pdf>', 'the document you hold, checked against the receipt (SHA-256 and size)', userPath)
    .option('--issuer <iss>', 'the issuer (iss) the receipt must name')
    .option(
      '--log-vkey <vkey-file-or-url>',
      "the transparency log's verifier key (itself, a file, or its URL); by default fetched from the receipt issuer's /log/vkey",
    )
    .action(async (receiptPath: string, options: VerifyReceiptOptions) => {
      let text: string;
      try {
        text = await readFile(receiptPath, 'utf8');
      } catch (error) {
        fail(`cannot read the receipt ${receiptPath}: ${(error as Error).message}`, couldNotCheck);
      }
      const receipt = receiptFromText(text);
      const jwks = await loadJwks(options.jwks);
      try {
        const result = await verifyReceipt(receipt, jwks, {
          ...(options.file === undefined ? {} : { file: options.file }),
          ...(options.issuer === undefined ? {} : { expectedIssuer: options.issuer }),
        });
        const log = await checkLog(result, options);
        process.stdout.write(summary(result, options.file, log));
      } catch (error) {
        if (error instanceof ReceiptVerificationError) fail(`receipt not valid: ${printable(error.message)}`);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES')
          fail(`cannot read ${options.file}: ${(error as Error).message}`, couldNotCheck);
        throw error;
      }
    });
}
