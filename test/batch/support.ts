import type { BatchFile } from '../../src/batch/index.js';

export const header = 'file,type,ecfmg_id,given_name,family_name,date_of_birth,letter_id,supersedes,jti';
export const issuer = 'F1234567';
export const letterId = '0c1f6f4e-9a4c-4c53-8a77-5d2b1f0e8c11';

/** A file as the portal holds a chosen one: its name, its size and its bytes on demand. */
export function memoryFile(name: string, content: string | Uint8Array): BatchFile & { reads: number } {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const file = {
    name,
    size: bytes.byteLength,
    reads: 0,
    bytes: async () => {
      file.reads++;
      return bytes;
    },
  };
  return file;
}

export const pdfText = (text: string) => `%PDF-1.7\n% ${text}\n%%EOF\n`;

export const filesOf = (...files: BatchFile[]) => new Map(files.map((file) => [file.name, file]));

/** A CSV body from rows of values, header first, joined with `newline`. */
export const csvOf = (rows: string[], newline = '\n') => [header, ...rows].join(newline) + newline;
