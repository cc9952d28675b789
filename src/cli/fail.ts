/** Ends the command with one line on stderr and a non-zero exit code. */
export function fail(message: string, exitCode = 1): never {
  console.error(`emswp: ${message}`);
  process.exit(exitCode);
}
