import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Why the Go interop tests cannot run here, or undefined when they can. */
export async function goMissing(): Promise<string | undefined> {
  try {
    await run('go', ['version']);
    return undefined;
  } catch {
    return 'the go command is missing: apt-get install golang-go golang-golang-x-mod-dev to run the Go interop tests';
  }
}

const source = fileURLToPath(new URL('./interop/verify.go', import.meta.url));

/**
 * Builds test/log/interop/verify.go against Debian's golang.org/x/mod (GOPATH mode, no network) and
 * returns a function that runs it; its output and exit status are the verdict.
 */
export async function buildGoVerifier(): Promise<(args: string[]) => Promise<{ ok: boolean; output: string }>> {
  const directory = mkdtempSync(join(tmpdir(), 'emswp-go-'));
  const binary = join(directory, 'verify');
  const env = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: '/usr/share/gocode',
    GOCACHE: join(directory, 'cache'),
    GOFLAGS: '',
  };
  await run('go', ['build', '-o', binary, source], { env });
  return async (args) => {
    try {
      const { stdout, stderr } = await run(binary, args);
      return { ok: true, output: stdout + stderr };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  };
}
