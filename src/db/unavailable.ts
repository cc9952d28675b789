/** Socket errors of a connection to a database that is down, restarting or out of reach. */
const connectionErrors = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** pg raises these without a code; their wording is all there is to go on. */
const connectionMessages =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * True when an error means the database cannot be reached now (it is down, restarting or
 * shutting down), rather than that a statement is wrong: such a request may be tried again later.
 * SQLSTATE class 08 is a connection exception; 57P01-57P03 are the server shutting down or starting.
 */
export function databaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (connectionErrors.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code)) return true;
  }
  if (connectionMessages.test(error.message)) return true;
  return error.cause !== undefined && error.cause !== error && databaseUnavailable(error.cause);
}
