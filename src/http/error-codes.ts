/**
 * Every `code` a problem+json response can carry, with its HTTP status and title. This list is the
 * single source: openapi.yaml documents it and clients may switch on it, so a code never changes
 * meaning once published. Features add their codes here.
 */
export const errorCodes = {
  // Request shape
  bad_request: { status: 400, title: 'Bad request' },
  validation_failed: { status: 400, title: 'The request did not match the schema' },
  malformed_json: { status: 400, title: 'The body is not valid JSON' },
  invalid_cursor: { status: 400, title: 'The cursor is not one this service issued' },
  payload_too_large: { status: 413, title: 'The body is larger than allowed' },
  unsupported_media_type: { status: 415, title: 'This content type is not accepted here' },
  request_timeout: { status: 408, title: 'The request did not arrive in time' },
  header_fields_too_large: { status: 431, title: 'The request headers are too large' },
  // Who is calling
  invalid_token: { status: 401, title: 'The access token is missing or not valid' },
  forbidden: { status: 403, title: 'This caller may not use this endpoint' },
  // What is asked for
  not_found: { status: 404, title: 'No such resource' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  rate_limited: { status: 429, title: 'Too many requests' },
  // A school's signed manifest (src/documents/manifest.ts, docs/signing.md)
  manifest_invalid: { status: 422, title: 'The manifest is not a well-formed EMSWP manifest' },
  unknown_key: { status: 422, title: 'The manifest is signed with a key not registered for this school' },
  key_revoked: { status: 422, title: 'The manifest is signed with a revoked key' },
  signature_invalid: { status: 422, title: 'The manifest signature does not verify' },
  issuer_mismatch: { status: 422, title: "The manifest's issuer is not the calling school" },
  // Document submission and status (src/documents)
  multipart_invalid: { status: 400, title: 'The multipart body is not a submission' },
  school_not_active: { status: 403, title: 'Only an active school can submit documents' },
  digest_mismatch: { status: 422, title: 'The bytes are not the ones the manifest describes' },
  media_type_invalid: { status: 422, title: 'Only PDF documents are accepted' },
  letter_invalid: {
    status: 422,
    title: 'The letter_id is not an open letter request of this applicant made to this school',
  },
  supersede_invalid: { status: 422, title: 'The document named in supersedes cannot be replaced by this submission' },
  submission_conflict: { status: 409, title: 'This submission id was already used with other bytes' },
  invalid_transition: { status: 409, title: 'The document cannot move to that status from its current one' },
  letter_waived: { status: 403, title: 'The right to view this letter was waived' },
  embargoed: { status: 403, title: 'The content is not available before its release date' },
  identity_unconfirmed: {
    status: 403,
    title: 'The document is not confirmed as yours: its content and receipt wait for an operator',
  },
  // The trust registry: schools and their keys, applicants, programs (src/schools, src/applicants, src/programs)
  school_exists: { status: 409, title: 'A school with this wdoms_id is already registered' },
  school_status_unchanged: { status: 409, title: 'The school already has this status' },
  key_invalid: { status: 422, title: 'The key is not a public signing key this service accepts' },
  key_exists: { status: 409, title: 'This key, or this kid, is already registered' },
  key_already_revoked: { status: 409, title: 'The key is already revoked' },
  applicant_exists: { status: 409, title: 'An applicant with this ECFMG ID is already registered' },
  program_exists: { status: 409, title: 'A program with this ACGME ID is already registered' },
  // Webhooks (src/webhooks)
  webhook_url_invalid: { status: 422, title: 'The webhook URL is not one this service will call' },
  webhook_limit_reached: { status: 422, title: 'The owner already has the most webhook endpoints allowed' },
  webhook_disabled: { status: 409, title: 'The webhook endpoint is disabled; enable it first' },
  // Releases to programs (src/releases)
  document_not_releasable: { status: 422, title: 'Only your own verified documents can be released' },
  program_unknown: { status: 422, title: 'No program has this id' },
  // Letter requests (src/letters)
  school_unknown: { status: 422, title: 'No active school has this id' },
  release_exists: { status: 409, title: 'This document is already released to this program' },
  // The transparency log (src/log)
  log_pending: { status: 503, title: 'The change is not in a signed log checkpoint yet; try again shortly' },
  // The service itself
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'The service cannot answer now' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCodes;
