import type { BatchColumn } from './columns.js';

/**
 * Why a batch cannot be sent as it is. Stable snake_case codes, like the API's, so the portal can
 * place a problem next to what it concerns and a script can count them.
 */
export const batchProblemCodes = [
  'csv_unreadable',
  'csv_malformed',
  'csv_empty',
  'column_unknown',
  'column_missing',
  'column_repeated',
  'row_too_many_values',
  'row_too_few_values',
  'value_missing',
  'value_invalid',
  'file_missing',
  'file_extra',
  'file_empty',
  'file_too_large',
  'file_not_pdf',
  'file_unreadable',
  'row_duplicate',
] as const;
export type BatchProblemCode = (typeof batchProblemCodes)[number];

export interface BatchProblem {
  code: BatchProblemCode;
  /** The spreadsheet row: the header is row 1, the first document row 2. Absent for the file as a whole. */
  row?: number;
  /** The column it concerns, when there is one. */
  column?: BatchColumn | string;
  /** The `file` value of that row, or the extra file's name. */
  file?: string;
  /** One plain sentence saying what is wrong and what to do. */
  message: string;
}

/** "Row 4, date_of_birth: ..." for a terminal or a list on a page. */
export function describeProblem(problem: BatchProblem): string {
  const where = [problem.row === undefined ? undefined : `Row ${problem.row}`, problem.column]
    .filter((part) => part !== undefined)
    .join(', ');
  return where === '' ? problem.message : `${where}: ${problem.message}`;
}

/** Problems in reading order: the whole file first, then by row, then in the order found. */
export function sortProblems(problems: BatchProblem[]): BatchProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => (a.problem.row ?? 0) - (b.problem.row ?? 0) || a.index - b.index)
    .map(({ problem }) => problem);
}

/** A value shown inside a sentence: quoted, control characters made visible, cut short. */
export function quoted(value: string, max = 60): string {
  const shown = value.length > max ? `${value.slice(0, max)}...` : value;
  return JSON.stringify(shown);
}
