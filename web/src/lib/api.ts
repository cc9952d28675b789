import { currentAccessToken, markExpired } from './auth';

/** A field the API (or the portal's own check) found wrong: a JSON Pointer and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem from the API, or one the portal raises in the same shape. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }
}

interface ProblemBody {
  code?: string;
  detail?: string;
  title?: string;
  errors?: FieldError[];
}

export function problemFrom(status: number, text: string): ApiProblem {
  let body: ProblemBody = {};
  try {
    body = JSON.parse(text) as ProblemBody;
  } catch {
    // not JSON: a proxy's page, say
  }
  if (status === 401) markExpired();
  const detail =
    status === 401
      ? 'Your sign-in has expired. Sign in again: what you typed on this page is kept.'
      : (body.detail ?? body.title ?? `The service answered ${status}.`);
  return new ApiProblem(status, body.code ?? `http_${status}`, detail, body.errors ?? []);
}

export function authorization(): Record<string, string> {
  const token = currentAccessToken();
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** Calls the API with the signed-in person's token; a refusal becomes an ApiProblem. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { ...authorization(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiProblem(0, 'network', 'The service could not be reached. Check your connection and try again.');
  }
  if (!response.ok) throw problemFrom(response.status, await response.text());
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Fetches a file (a document, a receipt) and hands it to the browser as a download. */
export async function download(path: string, fileName: string, pick?: (response: Response) => Promise<Blob>) {
  const response = await fetch(path, { headers: authorization() });
  if (!response.ok) throw problemFrom(response.status, await response.text());
  const blob = pick === undefined ? await response.blob() : await pick(response);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Me {
  sub: string;
  role: 'admin' | 'school' | 'applicant' | 'program';
  school_id?: string;
  applicant_id?: string;
  program_id?: string;
}
