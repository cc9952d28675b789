import canonicalize from 'canonicalize';
import { canMove } from '../documents/status-machine.js';
import { documentStatuses, documentTypes, type DocumentStatus } from '../facts/documents.js';
import { documentReasonCodes, entryMembers } from '../log/entries.js';
import { logEntryKinds, type LogEntryKind } from '../log/tables.js';
import { keyAlgorithms, schoolStatuses } from '../schools/tables.js';

/**
 * The rules an auditor checks on the log alone (signing.md, "Checking it"): each entry is canonical
 * JSON of its kind with exactly its members and nothing that could name a person; each document's
 * entries count up from 1 and follow the status rules; a document is signed with a key its school
 * registered in the log before it and had not revoked.
 */

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hex64 = /^[0-9a-f]{64}$/;
const wdoms = /^F\d{7}$/;
const time = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const initialStatuses: readonly string[] = ['verified', 'unmatched', 'needs_review'];
const immutable = ['type', 'sha256', 'size', 'school', 'key_id', 'manifest_sha256', 'signed_at', 'supersedes'];

type Entry = Record<string, unknown>;
const isString = (value: unknown): value is string => typeof value === 'string';
const oneOf = (list: readonly unknown[]) => (value: unknown) => list.includes(value);
const nullOr = (check: (value: unknown) => boolean) => (value: unknown) => value === null || check(value);
const matches = (pattern: RegExp) => (value: unknown) => isString(value) && pattern.test(value);

const memberChecks: Record<LogEntryKind, Record<string, (value: unknown) => boolean>> = {
  document: {
    document_id: matches(uuid),
    seq: (v) => Number.isSafeInteger(v) && (v as number) >= 1,
    type: oneOf(documentTypes),
    status: oneOf(documentStatuses),
    reason: nullOr(oneOf(documentReasonCodes)),
    sha256: matches(hex64),
    size: (v) => Number.isSafeInteger(v) && (v as number) > 0,
    school: matches(wdoms),
    key_id: (v) => isString(v) && v.length <= 128,
    manifest_sha256: matches(hex64),
    signed_at: matches(time),
    supersedes: nullOr(matches(uuid)),
  },
  key: {
    school: matches(wdoms),
    kid: (v) => isString(v) && v.length <= 128,
    thumbprint: (v) => isString(v) && v.length <= 128,
    alg: oneOf(keyAlgorithms),
    // A public key: no private member, nothing but the key's own members and kid, alg, use.
    jwk: (v) =>
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.keys(v).every((name) => ['kty', 'crv', 'x', 'y', 'n', 'e', 'kid', 'alg', 'use'].includes(name)),
    status: oneOf(['active', 'revoked']),
    compromised_at: nullOr(matches(time)),
  },
  school: {
    school: matches(wdoms),
    name: (v) => isString(v) && v.length <= 200 && !v.includes('@'),
    country: matches(/^[A-Z]{2}$/),
    status: oneOf(schoolStatuses),
  },
};

export interface RuleViolation {
  index: number;
  problem: string;
}

interface KeyState {
  school: string;
  status: 'active' | 'revoked';
}

/** Checks entries in log order; `first` is the index of the first one given. */
export class LogRules {
  readonly violations: RuleViolation[] = [];
  private readonly documents = new Map<string, Entry>();
  private readonly keys = new Map<string, KeyState>();
  private readonly schools = new Set<string>();

  check(index: number, bytes: Buffer): Entry | undefined {
    const report = (problem: string) => this.violations.push({ index, problem });
    let entry: Entry;
    try {
      entry = JSON.parse(bytes.toString('utf8')) as Entry;
    } catch {
      report('is not JSON');
      return undefined;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      report('is not a JSON object');
      return undefined;
    }
    if (canonicalize(entry) !== bytes.toString('utf8')) report('is not RFC 8785 canonical JSON');
    const kind = entry.kind as LogEntryKind;
    if (entry.v !== 1 || !logEntryKinds.includes(kind)) {
      report(`is not a known entry (v ${String(entry.v)}, kind ${String(entry.kind)})`);
      return entry;
    }
    if (!matches(time)(entry.at)) report('has no RFC 3339 "at"');
    const allowed = ['v', 'kind', 'at', ...entryMembers[kind]];
    const extra = Object.keys(entry).filter((name) => !allowed.includes(name));
    if (extra.length > 0)
      report(`carries members a ${kind} entry never has (${extra.join(', ')}): possibly personal data`);
    for (const [name, valid] of Object.entries(memberChecks[kind])) {
      if (!valid(entry[name])) report(`has a bad ${name}: ${JSON.stringify(entry[name])?.slice(0, 80)}`);
    }
    if (kind === 'school') this.school(entry, report);
    else if (kind === 'key') this.key(entry, report);
    else this.document(entry, report);
    return entry;
  }

  private school(entry: Entry, report: (problem: string) => void): void {
    const school = entry.school as string;
    if (!this.schools.has(school) && entry.status !== 'pending')
      report(`school ${school} first appears as ${String(entry.status)}, not pending`);
    this.schools.add(school);
  }

  private key(entry: Entry, report: (problem: string) => void): void {
    const kid = entry.kid as string;
    const known = this.keys.get(kid);
    if (entry.status === 'active') {
      if (known) report(`key ${kid} is registered a second time`);
      else this.keys.set(kid, { school: entry.school as string, status: 'active' });
      if (entry.compromised_at !== null) report(`key ${kid} is registered with a compromise time`);
      return;
    }
    if (!known) report(`key ${kid} is revoked without having been registered`);
    else if (known.status === 'revoked') report(`key ${kid} is revoked twice`);
    else if (known.school !== entry.school) report(`key ${kid} is revoked for another school`);
    this.keys.set(kid, { school: entry.school as string, status: 'revoked' });
  }

  private document(entry: Entry, report: (problem: string) => void): void {
    const id = entry.document_id as string;
    const previous = this.documents.get(id);
    if (!previous) {
      if (entry.seq !== 1) report(`document ${id} first appears with seq ${String(entry.seq)}, not 1`);
      if (!initialStatuses.includes(entry.status as string))
        report(`document ${id} is submitted as ${String(entry.status)}`);
      const key = this.keys.get(entry.key_id as string);
      if (!key) report(`document ${id} is signed with key ${String(entry.key_id)}, which the log never registered`);
      else if (key.school !== entry.school) report(`document ${id} is signed with a key of another school`);
      else if (key.status === 'revoked')
        report(`document ${id} is signed with key ${String(entry.key_id)}, already revoked`);
    } else {
      if (entry.seq !== (previous.seq as number) + 1) {
        report(`document ${id} goes from seq ${String(previous.seq)} to ${String(entry.seq)}`);
      }
      if (!canMove(previous.status as DocumentStatus, entry.status as DocumentStatus)) {
        report(
          `document ${id} moves from ${String(previous.status)} to ${String(entry.status)}, which the status rules forbid`,
        );
      }
      for (const name of immutable) {
        if (JSON.stringify(previous[name]) !== JSON.stringify(entry[name]))
          report(`document ${id} changes its ${name}`);
      }
    }
    this.documents.set(id, entry);
  }
}
