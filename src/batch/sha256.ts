/**
 * SHA-256 through WebCrypto, which browsers and Node 20 (globalThis.crypto) both have, so the
 * portal and `emswp submit-batch` hash alike.
 */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  // The DOM's BufferSource refuses a view that could be over a SharedArrayBuffer; these never are.
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
