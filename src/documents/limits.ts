/**
 * Document limits a client must know before it sends anything. Kept free of Node-only imports so
 * the portal's batch check (src/batch) can import it into the browser.
 */

/** The largest document accepted unless MAX_DOCUMENT_BYTES says otherwise: 20 MiB. */
export const defaultMaxDocumentBytes = 20 * 1024 * 1024;
