/**
 * What a document is, as the API, a school's manifest and the service's receipt all state it
 * (signing.md). Defined once: the server, the CLI, the offline receipt verifier and the browser use these.
 */
export const documentTypes = ['mspe', 'transcript', 'lor'] as const;
export type DocumentType = (typeof documentTypes)[number];

export const documentStatuses = ['verified', 'unmatched', 'needs_review', 'rejected', 'superseded', 'revoked'] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

/** Longest manifest (compact JWS) accepted; a real one is well under 2 KiB. */
export const manifestMaxBytes = 64 * 1024;

/** The largest document accepted unless MAX_DOCUMENT_BYTES says otherwise: 20 MiB. */
export const defaultMaxDocumentBytes = 20 * 1024 * 1024;
