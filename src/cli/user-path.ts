import { resolve } from 'node:path';

/**
 * A path the user typed, made absolute against the directory they typed it in. `npm run emswp`
 * runs the command in the repository root and leaves that directory in INIT_CWD; without this,
 * `npm run emswp -- keygen --out key.json` in a subdirectory would write the private key to the root.
 * INIT_CWD counts only when npm runs this package's own script: in another project's script the
 * command runs where that script says, as any program does.
 */
export function userPath(path: string): string {
  const typedIn = process.env.npm_package_name === 'emswp' ? process.env.INIT_CWD : undefined;
  return typedIn === undefined ? path : resolve(typedIn, path);
}

/** A JWKS given as a file or an http(s) URL: only the file is a path. */
export function userPathOrUrl(value: string): string {
  return /^https?:\/\//i.test(value) ? value : userPath(value);
}
