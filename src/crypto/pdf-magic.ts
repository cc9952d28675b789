/**
 * What a PDF starts with: the only media type documents may have. Plain bytes, no Node imports, so
 * the browser's batch check refuses exactly what the service refuses (`media_type_invalid`).
 */
export const pdfMagic: Uint8Array = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]); // "%PDF-"

/** Whether content starts with `%PDF-`: the check behind `media_type_invalid`. */
export function isPdf(head: Uint8Array): boolean {
  return head.byteLength >= pdfMagic.byteLength && pdfMagic.every((byte, index) => head[index] === byte);
}
