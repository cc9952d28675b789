/**
 * docs/signing.md, "The service's receipt": a receipt's log proof must include the document as the
 * receipt states it. The members compared, in one place for `emswp verify-receipt` and the portal's
 * /verify page. Pure: no Node, no I/O.
 */

/** What a receipt states of its document that its log entry must repeat. */
export interface ReceiptedDocument {
  id: string;
  sha256: string;
  status: string;
  key_id: string;
  school: { wdoms_id: string };
}

/**
 * The first member in which the logged entry differs from the receipt's document, as its name and
 * the receipt's value; undefined when the entry is that document.
 */
export function entryMismatch(
  entry: Record<string, unknown>,
  document: ReceiptedDocument,
): [member: string, stated: string] | undefined {
  const stated: Array<[string, string]> = [
    ['kind', 'document'],
    ['document_id', document.id],
    ['sha256', document.sha256],
    ['status', document.status],
    ['key_id', document.key_id],
    ['school', document.school.wdoms_id],
  ];
  return stated.find(([member, value]) => entry[member] !== value);
}
