import Papa from 'papaparse';
import { describeProblem, type BatchProblem } from './problems.js';
import type { BatchRowResult } from './send.js';

export const resultsColumns = [
  'row',
  'file',
  'status',
  'document_id',
  'document_status',
  'error_code',
  'detail',
] as const;

/** A check problem as a results line (status `invalid`); problems of the file as a whole have no row. */
export function resultsFromProblems(problems: readonly BatchProblem[]): BatchRowResult[] {
  return problems.map((problem) => ({
    row: problem.row ?? 0,
    file: problem.file ?? '',
    status: 'invalid',
    errorCode: problem.code,
    detail: describeProblem(problem),
  }));
}

/**
 * The results as CSV (RFC 4180, CRLF), one line per row (per problem for a batch that failed its
 * check). Cells that a spreadsheet would run as a formula are escaped: file names and details come
 * from the CSV and the service, not from whoever opens the results.
 */
export function resultsCsv(results: readonly BatchRowResult[]): string {
  const data = results.map((result) => [
    result.row === 0 ? '' : String(result.row),
    result.file,
    result.status,
    result.documentId ?? '',
    result.documentStatus ?? '',
    result.errorCode ?? '',
    result.detail ?? '',
  ]);
  return `${Papa.unparse({ fields: [...resultsColumns], data }, { newline: '\r\n', escapeFormulae: true })}\r\n`;
}
