/** docs/signing.md: after a failed attempt, wait 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; then give up. */
export const defaultRetryDelaysMs: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** Up to 10% added to each delay, so deliveries that failed together do not all come back together. */
export const defaultJitter = 0.1;

/** A receiver's Retry-After is honoured up to the longest wait of the schedule. */
export const maxRetryAfterMs = 10 * 3_600_000;

export interface RetryPolicy {
  delaysMs: readonly number[];
  jitter: number;
}

/**
 * When to try again after attempt number `attempt` (1-based) failed, or null when that was the last.
 * A Retry-After from the receiver replaces the scheduled delay but still uses up an attempt, so a
 * receiver cannot keep a delivery alive for ever.
 */
export function nextAttemptDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | null {
  const scheduled = policy.delaysMs[attempt - 1];
  if (scheduled === undefined) return null;
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), maxRetryAfterMs);
  return Math.round(scheduled * (1 + random() * policy.jitter));
}

/** Retry-After is either delay-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(date - now, 0);
}
