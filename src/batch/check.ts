import { isPdf } from '../crypto/pdf-magic.js';
import { defaultMaxDocumentBytes, documentTypes, type DocumentType } from '../facts/documents.js';
import { manifestPayloadErrors, pdfManifestPayload, type ManifestPayload } from '../documents/manifest-schema.js';
import type { BatchColumn } from './columns.js';
import { parseBatchCsv, type BatchRow, type ParsedBatchCsv } from './csv.js';
import { derivedJti } from './jti.js';
import { mapLimit } from './pool.js';
import { quoted, sortProblems, type BatchProblem } from './problems.js';
import { sha256Hex } from './sha256.js';

/** A PDF the batch may name: a browser File, or a file on disk for `emswp submit-batch`. */
export interface BatchFile {
  /** What the CSV's `file` column calls it. */
  name: string;
  size: number;
  bytes(): Promise<Uint8Array>;
}

/** What the portal has for a chosen file: a browser File, or any Blob with a name. */
export interface NamedBlob {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A chosen file as the check wants it; `blob` is the file itself, to upload once the batch is checked. */
export function batchFileOf<B extends NamedBlob>(blob: B): BatchFile & { blob: B } {
  return { name: blob.name, size: blob.size, bytes: async () => new Uint8Array(await blob.arrayBuffer()), blob };
}

/** The manifest of a checked row, all but the signing time, which is set when it is signed. */
export type UnsignedManifest = Omit<ManifestPayload, 'iat'>;

/** A row that passed every check: what to sign and which file to send with it. */
export interface PlannedRow<F extends BatchFile = BatchFile> {
  row: number;
  file: F;
  manifest: UnsignedManifest;
}

export interface BatchCheck<F extends BatchFile = BatchFile> {
  /** Every row, checked; to be sent only when `problems` is empty. */
  rows: PlannedRow<F>[];
  problems: BatchProblem[];
}

export interface CheckOptions {
  /** The calling school's World Directory id: the manifests' iss, and part of every derived jti. */
  issuer: string;
  /** The service's MAX_DOCUMENT_BYTES; default its default. */
  maxDocumentBytes?: number;
  /** Where the files were looked for, for the "missing file" sentence (default "the files chosen"). */
  filesLabel?: string;
  /** Files read and hashed at once. */
  concurrency?: number;
  onProgress?(checked: number, total: number): void;
}

/** The CSV column behind each manifest field the CSV fills. */
const columnOf: Record<string, BatchColumn> = {
  '/jti': 'jti',
  '/document/type': 'type',
  '/applicant/ecfmg_id': 'ecfmg_id',
  '/applicant/given_name': 'given_name',
  '/applicant/family_name': 'family_name',
  '/applicant/date_of_birth': 'date_of_birth',
  '/letter_id': 'letter_id',
  '/supersedes': 'supersedes',
};

/** Stands in for the file's facts while the fields are checked, before the file is read. */
const placeholderDigest = { sha256: '0'.repeat(64), size: 1 };

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

function manifestOf(
  values: BatchRow['values'],
  issuer: string,
  digest: { sha256: string; size: number },
  jti: string,
): UnsignedManifest & { iat: number } {
  return pdfManifestPayload(issuer, jti, 0, { ...values, type: values.type.toLowerCase() as DocumentType }, digest);
}

/**
 * The row's values checked by the very rules the service applies to a manifest
 * (`manifestPayloadErrors`), each refusal put back on the column it came from.
 */
function fieldProblems({ row, values }: BatchRow, issuer: string): BatchProblem[] {
  const problems: BatchProblem[] = [];
  const empty = new Set<BatchColumn>();
  for (const column of ['file', 'type', 'ecfmg_id', 'given_name', 'family_name', 'date_of_birth'] as const) {
    if (values[column] !== '') continue;
    empty.add(column);
    problems.push({
      code: 'value_missing',
      row,
      column,
      file: values.file,
      message: `The ${column} is empty; every row needs one.`,
    });
  }
  const typeKnown = (documentTypes as readonly string[]).includes(values.type.toLowerCase());
  const manifest = manifestOf(values, issuer, placeholderDigest, values.jti === '' ? 'derived' : values.jti);
  for (const error of manifestPayloadErrors(manifest)) {
    const column = columnOf[error.path];
    if (column === undefined) throw new Error(`batch check: the manifest field ${error.path} ${error.message}`);
    if (empty.has(column)) continue;
    // "must be absent for a cv" says nothing useful when the type itself is wrong.
    if (column === 'letter_id' && !typeKnown && values.letter_id !== '' && error.message.startsWith('must be absent'))
      continue;
    const value = values[column];
    const subject = value === '' ? `The ${column}` : `The ${column} ${quoted(value)}`;
    problems.push({ code: 'value_invalid', row, column, file: values.file, message: `${subject} ${error.message}.` });
  }
  return problems;
}

interface FileFacts {
  sha256: string;
  size: number;
}

async function fileProblems<F extends BatchFile>(
  { row, values }: BatchRow,
  file: F | undefined,
  options: CheckOptions,
): Promise<BatchProblem[] | FileFacts> {
  const name = values.file;
  const at = { row, column: 'file', file: name } as const;
  if (file === undefined) {
    return [
      {
        code: 'file_missing',
        ...at,
        message: `There is no file ${quoted(name)} among ${options.filesLabel ?? 'the files chosen'}; check the name, including capitals and the .pdf ending.`,
      },
    ];
  }
  const max = options.maxDocumentBytes ?? defaultMaxDocumentBytes;
  if (file.size === 0) return [{ code: 'file_empty', ...at, message: `The file ${quoted(name)} is empty (0 bytes).` }];
  if (file.size > max) {
    return [
      {
        code: 'file_too_large',
        ...at,
        message: `The file ${quoted(name)} is ${mib(file.size)}; the service accepts documents of at most ${mib(max)} (${max} bytes).`,
      },
    ];
  }
  let bytes: Uint8Array;
  try {
    bytes = await file.bytes();
  } catch (error) {
    return [
      {
        code: 'file_unreadable',
        ...at,
        message: `The file ${quoted(name)} cannot be read: ${(error as Error).message}.`,
      },
    ];
  }
  if (!isPdf(bytes)) {
    return [
      {
        code: 'file_not_pdf',
        ...at,
        message: `The file ${quoted(name)} is not a PDF: it does not start with %PDF- (renaming a file to .pdf does not make it one); export or print it as PDF.`,
      },
    ];
  }
  // The size read now, not the one listed earlier: the manifest must describe these bytes.
  if (bytes.byteLength > max) {
    return [
      {
        code: 'file_too_large',
        ...at,
        message: `The file ${quoted(name)} is ${mib(bytes.byteLength)}; the service accepts documents of at most ${mib(max)} (${max} bytes).`,
      },
    ];
  }
  return { sha256: await sha256Hex(bytes), size: bytes.byteLength };
}

/** Two rows that would send the same document twice, or the same PDF as two documents. */
function duplicateProblems<F extends BatchFile>(rows: BatchRow[], planned: Map<number, PlannedRow<F>>): BatchProblem[] {
  const problems: BatchProblem[] = [];
  const firstRow = new Map<string, number>();
  const firstFile = new Map<string, number>();
  const firstContent = new Map<string, { row: number; name: string }>();
  const firstJti = new Map<string, number>();
  for (const { row, values } of rows) {
    const same = (what: Map<string, number>, key: string) => {
      const earlier = what.get(key);
      if (earlier === undefined) what.set(key, row);
      return earlier;
    };
    const rowKey = JSON.stringify(values);
    const sameRow = same(firstRow, rowKey);
    const sameFile = values.file === '' ? undefined : same(firstFile, values.file);
    const plan = planned.get(row);
    const sha256 = plan?.manifest.document.sha256;
    let sameContent: { row: number; name: string } | undefined;
    if (sha256 !== undefined) {
      sameContent = firstContent.get(sha256);
      if (sameContent === undefined) firstContent.set(sha256, { row, name: values.file });
    }
    const sameJti = plan === undefined ? undefined : same(firstJti, plan.manifest.jti);
    const at = { code: 'row_duplicate', row, file: values.file } as const;
    if (sameRow !== undefined) {
      problems.push({ ...at, message: `The row repeats row ${sameRow}; remove one of them.` });
    } else if (sameFile !== undefined) {
      problems.push({
        ...at,
        column: 'file',
        message: `The file ${quoted(values.file)} is also named in row ${sameFile}; a PDF is one document, listed once (send a correction with supersedes).`,
      });
    } else if (sameContent !== undefined) {
      problems.push({
        ...at,
        column: 'file',
        message: `The file ${quoted(values.file)} has the same content as ${quoted(sameContent.name)} in row ${sameContent.row}; list each PDF once.`,
      });
    } else if (sameJti !== undefined) {
      problems.push({
        ...at,
        column: 'jti',
        message: `The jti ${quoted(values.jti)} is also row ${sameJti}'s; each document needs its own jti (or leave the column empty).`,
      });
    }
  }
  return problems;
}

/**
 * Checks every row of a parsed batch against the files given, before anything is sent: values by
 * the manifest's rules, each file present, non-empty, within the size limit and a PDF, no file
 * given that no row names, no row twice. Returns every problem at once, a row's file problems beside
 * its value problems; each file is read once, to sniff and hash it.
 */
export async function checkBatch<F extends BatchFile>(
  parsed: ParsedBatchCsv,
  files: ReadonlyMap<string, F>,
  options: CheckOptions,
): Promise<BatchCheck<F>> {
  const problems = [...parsed.problems];
  const planned = new Map<number, PlannedRow<F>>();
  let checked = 0;
  await mapLimit(parsed.rows, options.concurrency ?? 4, async (row) => {
    const fields = fieldProblems(row, options.issuer);
    const file = row.values.file === '' ? undefined : files.get(row.values.file);
    const facts = row.values.file === '' ? [] : await fileProblems(row, file, options);
    options.onProgress?.(++checked, parsed.rows.length);
    if (Array.isArray(facts) || fields.length > 0 || file === undefined) {
      problems.push(...fields, ...(Array.isArray(facts) ? facts : []));
      return;
    }
    const { values } = row;
    const jti =
      values.jti !== ''
        ? values.jti
        : await derivedJti({
            issuer: options.issuer,
            sha256: facts.sha256,
            type: values.type.toLowerCase() as DocumentType,
            ecfmgId: values.ecfmg_id,
            ...(values.supersedes === '' ? {} : { supersedes: values.supersedes }),
          });
    const { iat: _iat, ...manifest } = manifestOf(values, options.issuer, facts, jti);
    planned.set(row.row, { row: row.row, file, manifest });
  });
  problems.push(...duplicateProblems(parsed.rows, planned));
  const named = new Set(parsed.rows.map(({ values }) => values.file));
  for (const name of files.keys()) {
    if (!named.has(name)) {
      problems.push({
        code: 'file_extra',
        file: name,
        message: `The file ${quoted(name)} was chosen but no row names it; add a row for it or leave it out.`,
      });
    }
  }
  return {
    rows: [...planned.values()].sort((a, b) => a.row - b.row),
    problems: sortProblems(problems),
  };
}

/** Reads and checks a batch CSV in one step: see {@link parseBatchCsv} and {@link checkBatch}. */
export function checkBatchCsv<F extends BatchFile>(
  csv: string | Uint8Array,
  files: ReadonlyMap<string, F>,
  options: CheckOptions,
): Promise<BatchCheck<F>> {
  return checkBatch(parseBatchCsv(csv), files, options);
}
