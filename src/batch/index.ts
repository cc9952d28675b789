/**
 * The batch CSV (portal.md, "Batch CSV"), shared by the portal and `emswp submit-batch`: read it,
 * check every row before anything is sent, send the rows a few at a time, write the results.
 * Browser-safe: no Node-only imports here or in anything imported from here (a test walks the
 * imports to keep it so); hashing is WebCrypto's.
 *
 * In the portal: `checkBatchCsv(new Uint8Array(await csv.arrayBuffer()), new Map(pdfs.map((f) =>
 * [f.name, batchFileOf(f)])), { issuer })` (bytes rather than text, so a CSV that is not UTF-8 is
 * named as such); when `problems` is empty, `sendBatch(rows, { submit })` with a `submit` that signs
 * the manifest and posts it with `row.file.blob`; `resultsCsv(results)` for the download.
 */
export { batchColumns, optionalBatchColumns, type BatchColumn } from './columns.js';
export { parseBatchCsv, type BatchRow, type ParsedBatchCsv } from './csv.js';
export {
  batchFileOf,
  checkBatch,
  checkBatchCsv,
  type BatchCheck,
  type BatchFile,
  type CheckOptions,
  type NamedBlob,
  type PlannedRow,
  type UnsignedManifest,
} from './check.js';
export { derivedJti, type JtiFacts } from './jti.js';
export { batchProblemCodes, describeProblem, type BatchProblem, type BatchProblemCode } from './problems.js';
export { resultsColumns, resultsCsv, resultsFromProblems } from './results-csv.js';
export {
  batchRowStatuses,
  batchStoppingCodes,
  batchSucceeded,
  sendBatch,
  type BatchOutcome,
  type BatchRowResult,
  type BatchRowStatus,
  type SendOptions,
  type SubmitAnswer,
} from './send.js';
export { sha256Hex } from './sha256.js';
