import { join } from 'node:path';

/**
 * Where the `before` script tells every test file which server to use. The `before` script, the
 * `after` script and the test files are all children of one tap process, so its pid names the run
 * and two runs on one machine never share a file.
 */
export const testRunFile = join(process.cwd(), '.data', 'test-runs', `${process.ppid}.json`);

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
