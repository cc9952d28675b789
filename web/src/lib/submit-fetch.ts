import { authorization, problemFrom, ApiProblem } from './api';

/** Posts one signed submission without progress events: what a batch sends, a few at a time. */
export async function postSubmission<T>(
  manifest: string,
  file: Blob,
  fileName: string,
): Promise<{ status: number; body: T }> {
  const form = new FormData();
  form.append('manifest', manifest);
  form.append('file', file, fileName);
  let response: Response;
  try {
    response = await fetch('/v1/documents', { method: 'POST', headers: authorization(), body: form });
  } catch {
    throw new ApiProblem(0, 'unreachable', 'The upload was interrupted before the service answered: retry this row.');
  }
  if (!response.ok) throw problemFrom(response.status, await response.text());
  return { status: response.status, body: (await response.json()) as T };
}
