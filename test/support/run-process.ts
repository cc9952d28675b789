import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A compiled entry point, run with plain `node` exactly as in production. `npm test` builds first;
 * running through tap's TypeScript loader instead would recompile the sources in every child
 * (tens of seconds each on a 2-core machine).
 */
export function builtEntry(path: 'server.js' | 'cli/main.js'): string {
  const entry = fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` (npm test does it first)`);
  return entry;
}

/** Settings that would make a child depend on this machine: children get only what a test gives them. */
const serviceVariables =
  /^(PORT|HOST|DATABASE_|DATA_DIR|LOG_|AUTH_|PUBLIC_BASE_URL|SERVICE_|MAX_DOCUMENT_BYTES|MSPE_|WEBHOOK_|METRICS_|TRUST_PROXY|SHUTDOWN_|VERIFY_|EMSWP_|HTTP_)/;

export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    // npm's own variables too: INIT_CWD would move the paths a test gives the CLI (`npm test` sets it).
    Object.entries(process.env).filter(
      ([name]) => !serviceVariables.test(name) && !name.startsWith('TAP') && !/^(npm_|INIT_CWD$)/i.test(name),
    ),
  );
  return { ...inherited, ...env };
}

export interface StartOptions {
  cwd?: string;
  /** Written to the child's standard input, which is then closed. */
  input?: string;
}

export function startProcess(
  entry: string,
  args: string[],
  env: Record<string, string>,
  options: StartOptions = {},
): ChildProcess {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: options.cwd,
    env: childEnv(env),
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  return child;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `emswp <args>` as a user runs the installed command. */
export const runEmswp = (
  args: string[],
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<Finished> => finished(startProcess(builtEntry('cli/main.js'), args, env, options));
