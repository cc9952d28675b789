import Papa from 'papaparse';
import { batchColumns, isBatchColumn, optionalBatchColumns, type BatchColumn } from './columns.js';
import { quoted, type BatchProblem } from './problems.js';

/** One document row of the CSV, values trimmed, '' for a column the file leaves out. */
export interface BatchRow {
  /** The spreadsheet row: the header is row 1. */
  row: number;
  values: Record<BatchColumn, string>;
}

export interface ParsedBatchCsv {
  rows: BatchRow[];
  problems: BatchProblem[];
}

const notUtf8: BatchProblem = {
  code: 'csv_unreadable',
  message: 'The CSV is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8 (comma delimited)".',
};

/** Text of the file, without the byte order mark spreadsheets put in front of UTF-8. */
function decode(input: string | Uint8Array): string | BatchProblem {
  if (typeof input === 'string') return input.replace(/^\uFEFF/, '');
  try {
    // fatal: a file in Latin-1 or UTF-16 is refused, not read as mojibake; the decoder drops a BOM.
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    return notUtf8;
  }
}

const isBlank = (fields: string[]) => fields.every((field) => field.trim() === '');

function headerProblems(header: string[]): BatchProblem[] {
  const problems: BatchProblem[] = [];
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name === '') {
      problems.push({
        code: 'column_unknown',
        row: 1,
        message: `Column ${index + 1} of the header has no name; remove it or name it one of ${batchColumns.join(', ')}.`,
      });
    } else if (!isBatchColumn(name)) {
      problems.push({
        code: 'column_unknown',
        row: 1,
        column: name,
        message: `The column ${quoted(name)} is not one of ${batchColumns.join(', ')}; remove it or correct its name.`,
      });
    } else if (seen.has(name)) {
      problems.push({
        code: 'column_repeated',
        row: 1,
        column: name,
        message: `The column ${name} appears more than once in the header; keep one.`,
      });
    }
    seen.add(name);
  });
  for (const column of batchColumns) {
    if (!seen.has(column) && !optionalBatchColumns.includes(column)) {
      problems.push({
        code: 'column_missing',
        row: 1,
        column,
        message: `The header has no ${column} column; the header must be ${batchColumns.join(',')}.`,
      });
    }
  }
  return problems;
}

/**
 * Reads the batch CSV (RFC 4180: quoted fields may hold commas, quotes and line breaks; CRLF or LF;
 * an optional UTF-8 byte order mark). Every problem with the file's shape is returned, none thrown.
 * Rows whose number of values does not match the header are reported and left out, since their
 * values cannot be told apart; blank rows are skipped but still counted, so row numbers stay
 * those of the spreadsheet.
 */
export function parseBatchCsv(input: string | Uint8Array): ParsedBatchCsv {
  const text = decode(input);
  if (typeof text !== 'string') return { rows: [], problems: [text] };
  const parsed = Papa.parse<string[]>(text, { delimiter: ',', header: false, skipEmptyLines: false });
  const problems: BatchProblem[] = [];
  const broken = new Set<number>();
  for (const error of parsed.errors) {
    if (error.type !== 'Quotes') continue;
    const row = (error.row ?? 0) + 1;
    broken.add(row);
    problems.push({
      code: 'csv_malformed',
      row,
      message:
        'A double quote is not closed or is misplaced; a value with a comma or a quote must be wrapped in double quotes, with quotes inside written twice ("").',
    });
  }

  const [rawHeader, ...records] = parsed.data;
  if (rawHeader === undefined || isBlank(rawHeader)) {
    return {
      rows: [],
      problems: [
        {
          code: 'csv_empty',
          message: `The CSV is empty; its first line must be the header ${batchColumns.join(',')}.`,
        },
      ],
    };
  }
  const header = rawHeader.map((name) => name.trim().toLowerCase());
  if (header.length === 1 && (header[0] ?? '').includes(';')) {
    return {
      rows: [],
      problems: [
        {
          code: 'csv_malformed',
          row: 1,
          message:
            'The values are separated by semicolons; save the file as CSV with commas ("CSV UTF-8 (comma delimited)").',
        },
      ],
    };
  }
  problems.push(...headerProblems(header));

  const rows: BatchRow[] = [];
  records.forEach((fields, index) => {
    const row = index + 2;
    if (isBlank(fields) || broken.has(row)) return;
    // Spreadsheets pad rows with empty cells; only values past the header are extra.
    const extra = fields.slice(header.length).filter((field) => field.trim() !== '').length;
    if (extra > 0) {
      problems.push({
        code: 'row_too_many_values',
        row,
        message: `The row has ${header.length + extra} values but the header has ${header.length} columns; wrap a value that holds a comma in double quotes.`,
      });
      return;
    }
    if (fields.length < header.length) {
      problems.push({
        code: 'row_too_few_values',
        row,
        message: `The row has ${fields.length} values but the header has ${header.length} columns; leave an empty value between commas for a column with nothing in it.`,
      });
      return;
    }
    const values = Object.fromEntries(batchColumns.map((column) => [column, ''])) as Record<BatchColumn, string>;
    header.forEach((name, column) => {
      if (isBatchColumn(name)) values[name] = (fields[column] ?? '').trim();
    });
    rows.push({ row, values });
  });
  if (rows.length === 0 && problems.length === 0) {
    problems.push({ code: 'csv_empty', message: 'The CSV has a header but no rows: add one row per document.' });
  }
  return { rows, problems };
}
