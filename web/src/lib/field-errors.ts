import { ApiProblem } from './api';

/**
 * A refusal's messages per field of a form: `body.<field>` paths of a validation problem, and the
 * conflict codes that are about one field (the id already registered). Anything else is `form`.
 */
export function fieldErrors(failure: unknown, conflicts: Record<string, string> = {}): Record<string, string> {
  if (!(failure instanceof ApiProblem)) return { form: failure instanceof Error ? failure.message : String(failure) };
  const conflictField = conflicts[failure.code];
  if (conflictField !== undefined) return { [conflictField]: failure.detail };
  const errors: Record<string, string> = {};
  for (const error of failure.errors) {
    const field = error.path.replace(/^body[./]/, '');
    errors[field] ??= error.message;
  }
  return Object.keys(errors).length > 0 ? errors : { form: failure.detail };
}
