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

/**
 * Query parameters whose values are logged as sent: paging and filters that name no person. Any
 * other value (an ECFMG ID, a name, whatever a future filter takes) is logged as [redacted].
 */
const plainQueryParameters = new Set([
  'limit',
  'cursor',
  'type',
  'status',
  'updated_since',
  'applicant_id',
  'school_id',
  'program_id',
  'document_id',
  'endpoint_id',
]);

/** The URL with the value of every query parameter that may be personal data replaced. */
export function redactQuery(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) return pair;
      let name = pair.slice(0, equals);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // a malformed name is not one of ours: its value is redacted
      }
      return plainQueryParameters.has(name) ? pair : `${pair.slice(0, equals)}=[redacted]`;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      base: { service: 'emswp' },
      serializers: {
        // Fastify's request summary, with the query's personal data taken out.
        req: (request: LoggedRequest) => ({
          method: request.method,
          url: request.url === undefined ? undefined : redactQuery(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
    },
    destination,
  );
}
