import { readFile } from 'node:fs/promises';
import { parseVerifierKey, type NoteVerifier } from '../log/note.js';
import { fail } from './fail.js';

/** Exit code when a check could not be made at all (unreachable, unreadable), as opposed to 1: checked and wrong. */
export const couldNotCheck = 2;

/** The log's URL prefix from a service base URL (or the prefix itself). */
export function logPrefix(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    fail(`--url must be the service's http(s) base URL, e.g. https://emswp.example.org; got "${base}"`, couldNotCheck);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('--url must be an http(s) URL', couldNotCheck);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path.endsWith('/log') ? path : `${path}/log`}`;
}

/** GETs one resource of the log; a missing one is undefined, anything else unexpected stops the check. */
export async function fetchLog(url: string): Promise<Buffer | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(30_000), headers: { 'accept-encoding': 'gzip' } });
  } catch (error) {
    fail(`cannot fetch ${url}: ${(error as Error).message}`, couldNotCheck);
  }
  if (response.status === 404) return undefined;
  if (!response.ok) fail(`cannot fetch ${url}: HTTP ${response.status}`, couldNotCheck);
  return Buffer.from(await response.arrayBuffer());
}

/** The verifier key a service publishes at this URL, or undefined when it cannot be had (offline, say). */
export async function fetchVerifier(url: string): Promise<NoteVerifier | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return undefined;
    return parseVerifierKey((await response.text()).trim());
  } catch {
    return undefined;
  }
}

/** A verifier key given as itself, as a file holding it, or as a URL serving it (/log/vkey). */
export async function loadVerifier(source: string): Promise<NoteVerifier> {
  let text = source;
  if (/^https?:\/\//i.test(source)) {
    const body = await fetchLog(source);
    if (body === undefined) fail(`no log verifier key at ${source}`, couldNotCheck);
    text = body.toString('utf8');
  } else if (!source.includes('+')) {
    try {
      text = await readFile(source, 'utf8');
    } catch (error) {
      fail(`cannot read the log verifier key ${source}: ${(error as Error).message}`, couldNotCheck);
    }
  }
  try {
    return parseVerifierKey(text.trim());
  } catch (error) {
    fail(`not a log verifier key: ${(error as Error).message}`);
  }
}
