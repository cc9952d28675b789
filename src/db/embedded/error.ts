/** The embedded PostgreSQL cannot start here; the message says why and what to do, in one line. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}
