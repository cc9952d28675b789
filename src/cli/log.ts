import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { rawEd25519PublicKey, verifierKey, type NoteVerifier } from '../log/note.js';
import { treeRoot } from '../log/proofs.js';
import { loadLogKey } from '../log/signing-key.js';
import { cliConfig } from './config.js';
import { fail } from './fail.js';
import { readWholeLog } from './log-reader.js';
import { LogRules } from './log-rules.js';
import { couldNotCheck, loadVerifier, logPrefix } from './log-source.js';

interface AuditState {
  vkey: string;
  size: number;
  root: string;
  checkpoint: string;
}

const printable = (value: unknown): string => String(value).replace(/[\p{Cc}\p{Cs}]/gu, '?');

async function readState(file: string): Promise<AuditState | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(await readFile(file, 'utf8')) as AuditState;
    if (typeof state.vkey !== 'string' || !Number.isSafeInteger(state.size) || typeof state.root !== 'string')
      throw new Error();
    return state;
  } catch {
    fail(`the state file ${file} is not one this command wrote`, couldNotCheck);
  }
}

async function writeState(file: string, state: AuditState): Promise<void> {
  const pending = `${file}.tmp`;
  await writeFile(pending, `${JSON.stringify(state, null, 2)}\n`);
  await rename(pending, file);
}

/** A bar on a terminal; nothing when the output goes to a file or cron's mail. */
function progressBar(label: string): { update: (done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total}`, stream: process.stderr });
  let started = false;
  return {
    update: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

/** The verifier: --vkey, else the one saved in the state (trusted since the first run), else the service's /log/vkey. */
async function verifierFor(
  prefix: string,
  given: string | undefined,
  state: AuditState | undefined,
): Promise<NoteVerifier> {
  if (given !== undefined) return loadVerifier(given);
  if (state !== undefined) return loadVerifier(state.vkey);
  return loadVerifier(`${prefix}/vkey`);
}

const vkeyText = (verifier: NoteVerifier): string =>
  verifierKey(verifier.name, rawEd25519PublicKey(verifier.publicKey));

function auditCommand(): Command {
  return new Command('audit')
    .description(
      'check the whole transparency log: the signed checkpoint, every tile and entry, the rules of signing.md, and consistency with the checkpoint saved by the last run (run it from cron as a monitor)',
    )
    .requiredOption('--url <base>', "the service's base URL (its log is under /log)")
    .option('--state <file>', 'where the last audited checkpoint is kept; read first, written after a clean audit')
    .option(
      '--vkey <vkey-file-or-url>',
      "the log's verifier key; by default the state's, or else the service's /log/vkey",
    )
    .action(async (options: { url: string; state?: string; vkey?: string }) => {
      const prefix = logPrefix(options.url);
      const state = options.state === undefined ? undefined : await readState(options.state);
      const verifier = await verifierFor(prefix, options.vkey, state);
      const bar = progressBar('log audit');
      const log = await readWholeLog(prefix, verifier, bar.update);
      bar.stop();
      const problems = [...log.problems];
      if (state !== undefined) {
        if (log.checkpoint.size < state.size) {
          problems.push(`the log shrank: size ${log.checkpoint.size} now, ${state.size} at the last audit`);
        } else if (log.entries.length === log.checkpoint.size) {
          const oldRoot = await treeRoot(log.read, state.size);
          if (oldRoot.toString('base64') !== state.root) {
            problems.push(
              `the log is not consistent with the checkpoint saved at the last audit (size ${state.size}): its history was rewritten`,
            );
          }
        }
      }
      const rules = new LogRules();
      log.entries.forEach((entry, index) => rules.check(index, entry));
      for (const violation of rules.violations) problems.push(`entry ${violation.index} ${violation.problem}`);

      const { size } = log.checkpoint;
      if (problems.length > 0) {
        console.error(`Log audit FAILED for ${log.checkpoint.origin} at size ${size}: ${problems.length} problem(s).`);
        for (const problem of problems.slice(0, 50)) console.error(`  - ${printable(problem)}`);
        if (problems.length > 50) console.error(`  ... and ${problems.length - 50} more`);
        console.error('The state file was left as it was.');
        process.exit(1);
      }
      console.log(`Log audit passed: ${log.checkpoint.origin}, ${size} entries.`);
      console.log(`  - The checkpoint of size ${size} is signed by ${verifier.name}.`);
      console.log('  - Every entry bundle and hash tile matches the tree recomputed from the entries.');
      console.log('  - Every entry is canonical, names no person, and follows the document, key and school rules.');
      if (state !== undefined)
        console.log(`  - The log extends the checkpoint of size ${state.size} saved at the last audit.`);
      if (options.state !== undefined) {
        await writeState(options.state, {
          vkey: vkeyText(verifier),
          size,
          root: log.checkpoint.root.toString('base64'),
          checkpoint: log.note,
        });
        console.log(`  - Saved this checkpoint in ${options.state} for the next run.`);
      }
    });
}

function watchSchoolCommand(): Command {
  return new Command('watch-school')
    .description(
      'print every key and document entry of one school in the verified log; entries new since the last run are marked NEW',
    )
    .requiredOption('--url <base>', "the service's base URL")
    .requiredOption('--wdoms-id <id>', "the school's World Directory id, F and 7 digits")
    .option('--state <file>', 'remembers what was seen (default .emswp-watch-<wdoms-id>.json)')
    .option('--vkey <vkey-file-or-url>', "the log's verifier key; by default the service's /log/vkey")
    .action(async (options: { url: string; wdomsId: string; state?: string; vkey?: string }) => {
      if (!/^F\d{7}$/.test(options.wdomsId)) fail('--wdoms-id is F and 7 digits, e.g. F0001234', couldNotCheck);
      const prefix = logPrefix(options.url);
      const stateFile = options.state ?? `.emswp-watch-${options.wdomsId}.json`;
      const seen = existsSync(stateFile)
        ? ((JSON.parse(await readFile(stateFile, 'utf8')) as { size?: number }).size ?? 0)
        : 0;
      const verifier = await verifierFor(prefix, options.vkey, undefined);
      const bar = progressBar('reading the log');
      const log = await readWholeLog(prefix, verifier, bar.update);
      bar.stop();
      if (log.problems.length > 0) {
        console.error(`The log does not verify, so nothing of it is shown: ${printable(log.problems[0])}`);
        process.exit(1);
      }
      let keys = 0;
      let documents = 0;
      let fresh = 0;
      log.entries.forEach((bytes, index) => {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
        } catch {
          return;
        }
        if (entry.school !== options.wdomsId) return;
        const mark = index >= seen ? 'NEW ' : '    ';
        if (index >= seen) fresh += 1;
        if (entry.kind === 'key') {
          keys += 1;
          const compromised = entry.compromised_at ? ` compromised since ${String(entry.compromised_at)}` : '';
          console.log(
            `${mark}#${index} ${String(entry.at)} key ${printable(entry.kid)} (${printable(entry.alg)}) ${printable(entry.status)}${compromised}`,
          );
        } else if (entry.kind === 'document') {
          documents += 1;
          console.log(
            `${mark}#${index} ${String(entry.at)} document ${printable(entry.document_id)} ${printable(entry.type)} seq ${String(entry.seq)} ${printable(entry.status)}${entry.reason ? ` (${printable(entry.reason)})` : ''} key ${printable(entry.key_id)}`,
          );
        } else if (entry.kind === 'school') {
          console.log(
            `${mark}#${index} ${String(entry.at)} school ${printable(entry.name)} ${printable(entry.status)}`,
          );
        }
      });
      console.log(
        `${options.wdomsId}: ${keys} key entries, ${documents} document entries in a log of ${log.checkpoint.size} verified against ${verifier.name}; ${fresh} new since the last run.`,
      );
      console.log('Any key you did not register is a sign of compromise: revoke it and tell the operator.');
      await writeFile(stateFile, `${JSON.stringify({ size: log.checkpoint.size }, null, 2)}\n`);
    });
}

function vkeyCommand(): Command {
  return new Command('vkey')
    .description(
      "print this service's log verifier key (from DATA_DIR or LOG_SIGNING_KEY_FILE), making the key if it is not there yet",
    )
    .action(async () => {
      const key = await loadLogKey(cliConfig());
      console.log(verifierKey(key.origin, key.publicKey));
    });
}

export function logCommand(): Command {
  return new Command('log')
    .description('the public transparency log: audit it, watch a school in it, print its verifier key')
    .addCommand(auditCommand())
    .addCommand(watchSchoolCommand())
    .addCommand(vkeyCommand());
}
