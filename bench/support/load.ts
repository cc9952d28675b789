import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

export interface PhaseResult {
  name: string;
  operations: number;
  bytes: number;
  seconds: number;
  bytesPerSecond: number;
}

/**
 * Runs `operation` from `concurrency` workers for `seconds`; each call returns the bytes it moved.
 * Only operations that finished count, and the clock stops when the last one does.
 */
export async function runPhase(
  name: string,
  seconds: number,
  concurrency: number,
  operation: (worker: number) => Promise<number>,
): Promise<PhaseResult> {
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  let operations = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (Date.now() < deadline) {
        // Awaited first: `bytes += await ...` would read `bytes` before the await and lose other workers' updates.
        const moved = await operation(worker);
        bytes += moved;
        operations += 1;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { name, operations, bytes, seconds: elapsed, bytesPerSecond: bytes / elapsed };
}

export interface Answer {
  status: number;
  body: string;
}

/** POST /v1/documents from memory, as a school's portal sends it: one multipart body with a Content-Length. */
export function postSubmission(
  agent: Agent,
  baseUrl: string,
  token: string,
  manifest: string,
  file: Buffer,
): Promise<Answer> {
  const boundary = `----emswp-bench-${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="manifest"\r\n\r\n${manifest}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="document.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/v1/documents`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + file.length + tail.length,
        },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.write(head);
    req.write(file);
    req.end(tail);
  });
}
