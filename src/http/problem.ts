import { errorCodes, type ErrorCode } from './error-codes.js';

export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 body. `type` is a stable URN per code, so it resolves to nothing but never changes. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
}

export const problemType = (code: ErrorCode): string => `urn:emswp:problem:${code}`;

/** Thrown by rules and routes; the error handler turns it into application/problem+json. */
export class ProblemError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.status = errorCodes[code].status;
  }

  body(): ProblemBody {
    return {
      type: problemType(this.code),
      title: errorCodes[this.code].title,
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
    };
  }
}

export const problem = (code: ErrorCode, detail: string, extra?: ProblemError['extra']): ProblemError =>
  new ProblemError(code, detail, extra);

/** What a caller who may not see a resource gets: the same answer as for one that does not exist. */
export const notFound = (what = 'resource'): ProblemError => problem('not_found', `No such ${what}.`);
