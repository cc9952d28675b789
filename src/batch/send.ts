import type { ManifestPayload } from '../documents/manifest-schema.js';
import type { BatchFile, PlannedRow } from './check.js';
import { mapLimit } from './pool.js';

/** What the service answered for one row: 201 (`created`) or 200 (the same submission again). */
export interface SubmitAnswer {
  created: boolean;
  document: { id: string; status: string };
}

/**
 * How one row ended. `sent`: stored now; `already_sent`: the service had it from an earlier run;
 * `failed`: refused or not answered; `not_sent`: never tried, because the batch stopped;
 * `invalid`: the check found a problem, so nothing of the batch was sent.
 */
export const batchRowStatuses = ['sent', 'already_sent', 'failed', 'not_sent', 'invalid'] as const;
export type BatchRowStatus = (typeof batchRowStatuses)[number];

export interface BatchRowResult {
  row: number;
  file: string;
  status: BatchRowStatus;
  documentId?: string;
  /** The document's status as the service gave it (verified, unmatched, needs_review, ...). */
  documentStatus?: string;
  /** The API's problem code, or `unreachable` when there was no answer. */
  errorCode?: string;
  detail?: string;
}

export interface BatchOutcome {
  results: BatchRowResult[];
  /** Set when the batch stopped early: the refusal that would have met every remaining row too. */
  stoppedBy?: { code: string; detail: string };
}

/**
 * Refusals about the caller, the school or the key rather than the row: every later row would get
 * the same answer, so the batch stops instead of sending them all to be refused.
 */
export const batchStoppingCodes: readonly string[] = [
  'invalid_token',
  'forbidden',
  'school_not_active',
  'unknown_key',
  'key_revoked',
  'signature_invalid',
  'issuer_mismatch',
];

export interface SendOptions<F extends BatchFile> {
  /**
   * Signs the manifest and posts it with the file. Throws on a refusal: an error with `code` and
   * `detail` (the API's problem+json) or any other error, reported as `unreachable`.
   */
  submit(row: PlannedRow<F>, manifest: ManifestPayload): Promise<SubmitAnswer>;
  /** Rows in flight at once (default 4). */
  concurrency?: number;
  /** Stops taking new rows (a Cancel button); rows in flight finish. */
  signal?: AbortSignal;
  onResult?(result: BatchRowResult, done: number, total: number): void;
  now?(): Date;
}

function refusal(error: unknown): { code: string; detail: string } {
  const { code, detail, message } = (typeof error === 'object' && error !== null ? error : {}) as Record<
    string,
    unknown
  >;
  if (typeof code === 'string' && typeof detail === 'string') return { code, detail };
  return { code: 'unreachable', detail: typeof message === 'string' ? message : String(error) };
}

/**
 * Signs and sends checked rows, `concurrency` at a time, and says how each ended. Each manifest is
 * signed just before its upload, so `iat` is the sending time. Safe to run again over the same
 * rows: their jti are the same, so the service answers with the documents it already has.
 */
export async function sendBatch<F extends BatchFile>(
  rows: readonly PlannedRow<F>[],
  options: SendOptions<F>,
): Promise<BatchOutcome> {
  let stoppedBy: BatchOutcome['stoppedBy'];
  let done = 0;
  const report = (result: BatchRowResult) => {
    options.onResult?.(result, ++done, rows.length);
    return result;
  };
  const results = await mapLimit(
    rows,
    options.concurrency ?? 4,
    async (row): Promise<BatchRowResult> => {
      const at = { row: row.row, file: row.file.name };
      const iat = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
      try {
        const answer = await options.submit(row, { ...row.manifest, iat });
        return report({
          ...at,
          status: answer.created ? 'sent' : 'already_sent',
          documentId: answer.document.id,
          documentStatus: answer.document.status,
        });
      } catch (error) {
        const { code, detail } = refusal(error);
        if (batchStoppingCodes.includes(code)) stoppedBy ??= { code, detail };
        return report({ ...at, status: 'failed', errorCode: code, detail });
      }
    },
    {
      stop: () => stoppedBy !== undefined || options.signal?.aborted === true,
      skipped: (row) =>
        report({
          row: row.row,
          file: row.file.name,
          status: 'not_sent',
          ...(stoppedBy === undefined
            ? { detail: 'Not sent: the batch was stopped before this row.' }
            : {
                errorCode: stoppedBy.code,
                detail: `Not sent: the service refused an earlier row with ${stoppedBy.code}, which would refuse this one too.`,
              }),
        }),
    },
  );
  return stoppedBy === undefined ? { results } : { results, stoppedBy };
}

/** Whether every row ended with its document stored (now or in an earlier run). */
export const batchSucceeded = (results: readonly BatchRowResult[]): boolean =>
  results.every((result) => result.status === 'sent' || result.status === 'already_sent');
