import { join } from 'node:path';

/** Where the `before` script tells every test file which server to use. */
export const testRunFile = join(process.cwd(), '.data', 'test-run.json');

export interface TestRun {
  /** Superuser URL of the server the run uses (DATABASE_URL, or the embedded one). */
  url: string;
  /** Every test database of this run is copied from this migrated template. */
  template: string;
  /** Prefix of this run's database names. */
  prefix: string;
  /** The detached process holding the embedded server, when this run started one. */
  embeddedPid?: number;
  embeddedDirectory?: string;
}
