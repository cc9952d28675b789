import type { AttemptResult } from './delivery.js';
import type { AttemptOutcome, ClaimedDelivery } from './queue.js';
import { nextAttemptDelay, type RetryPolicy } from './retry-schedule.js';

/**
 * What an attempt means for its delivery: a 2xx ends it; a 410 ends it and disables the endpoint;
 * anything else is tried again on the schedule (or after the receiver's Retry-After) until the
 * schedule runs out.
 */
export function attemptOutcome(
  delivery: ClaimedDelivery,
  result: AttemptResult,
  startedAt: Date,
  policy: RetryPolicy,
  random: () => number = Math.random,
): AttemptOutcome {
  const record = {
    attempt: delivery.attempt_count,
    at: startedAt.toISOString(),
    status_code: result.statusCode,
    duration_ms: result.durationMs,
    error: result.error,
  };
  const base = { delivery_id: delivery.id, endpoint_id: delivery.endpoint_id, attempt: delivery.attempt_count, record };
  if (result.succeeded) return { ...base, status: 'succeeded', next_attempt_at: null, gone: false };
  if (result.statusCode === 410) {
    return {
      ...base,
      record: { ...record, error: '410 Gone: the endpoint is now disabled' },
      status: 'failed',
      next_attempt_at: null,
      gone: true,
    };
  }
  const delay = nextAttemptDelay(policy, delivery.attempt_count, result.retryAfterMs, random);
  if (delay === null) return { ...base, status: 'failed', next_attempt_at: null, gone: false };
  return { ...base, status: 'pending', next_attempt_at: new Date(Date.now() + delay), gone: false };
}
