import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/**
 * Paths never written to the log: credentials, the school's signed manifest, and the personal data
 * of applicants (names, dates of birth, e-mail addresses) wherever they appear in a logged object.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'manifest',
  '*.manifest',
  'given_name',
  'family_name',
  'date_of_birth',
  'email',
  '*.given_name',
  '*.family_name',
  '*.date_of_birth',
  '*.email',
  '*.contact_email',
  '*.secret',
  // One level further down: an applicant inside a manifest payload, a document inside an error.
  '*.*.given_name',
  '*.*.family_name',
  '*.*.date_of_birth',
  '*.*.email',
  '*.*.secret',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { service: 'emswp' } },
    destination,
  );
}
