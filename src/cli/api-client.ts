import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { basename } from 'node:path';

/** The service answered with an error: its problem+json `code` and `detail`, or what stood in for them. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ApiProblem';
  }
}

/** No answer at all: refused, unresolvable, reset, timed out, a bad certificate. */
export class ApiUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiUnreachable';
  }
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface UploadOptions {
  /** Called as file bytes are handed to the socket, with the running total. */
  onProgress?(sentBytes: number): void;
}

/** An answer is a small JSON document; anything longer is not one of ours. */
const maxResponseBytes = 4 * 1024 * 1024;
const idleTimeoutMs = 120_000;

/** Accepts `https://host`, `https://host/`, `https://host/prefix` and the same ending in `/v1`. */
export function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiUnreachable(`--url ${JSON.stringify(raw)} is not a URL (e.g. https://emswp.example.org)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ApiUnreachable(`--url must be an http or https URL, got ${url.protocol}`);
  url.pathname = `${url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}/`;
  url.search = '';
  url.hash = '';
  return url;
}

/** A file name safe inside a quoted header parameter; the service makes its own names anyway. */
const safeFileName = (path: string) =>
  basename(path)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 100) || 'document.pdf';

/**
 * The few calls the `emswp` command makes, over node:http(s) so an upload streams from disk with a
 * known Content-Length instead of being buffered.
 */
export class ApiClient {
  readonly #base: URL;
  readonly #token: string;
  readonly #agent: HttpAgent | HttpsAgent;

  constructor(baseUrl: string, token: string) {
    this.#base = parseBaseUrl(baseUrl);
    this.#token = token;
    this.#agent =
      this.#base.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  /** Lets the process exit without waiting for idle keep-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }

  async getJson<T>(path: string): Promise<T> {
    const request = this.#request('GET', path, { accept: 'application/json' });
    request.end();
    const { body } = await this.#answer<T>(request);
    return body;
  }

  /**
   * POST /v1/documents: multipart/form-data with the manifest field and the file part, the file read
   * from disk as the socket takes it. 201 for a new document, 200 for the same submission again.
   */
  async submitDocument<T>(manifest: string, file: string, options: UploadOptions = {}): Promise<ApiResponse<T>> {
    const size = (await stat(file)).size;
    const boundary = `----emswp-${randomBytes(12).toString('hex')}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="manifest"\r\n\r\n${manifest}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeFileName(file)}"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const request = this.#request('POST', 'v1/documents', {
      accept: 'application/json',
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + size + tail.length),
    });
    let answered = false;
    request.once('response', () => (answered = true));
    const answer = this.#answer<T>(request);
    // The answer is awaited below; until then a failed upload must not be an unhandled rejection.
    answer.catch(() => {});
    await this.#send(request, head, file, size, tail, () => answered, options);
    return answer;
  }

  #request(method: string, path: string, headers: Record<string, string>): ClientRequest {
    const url = new URL(path, this.#base);
    const options: RequestOptions = {
      method,
      agent: this.#agent,
      headers: { ...headers, authorization: `Bearer ${this.#token}`, 'user-agent': 'emswp-cli' },
    };
    const request = url.protocol === 'https:' ? httpsRequest(url, options) : httpRequest(url, options);
    request.setTimeout(idleTimeoutMs, () =>
      request.destroy(new ApiUnreachable(`no answer from ${this.#base.origin} for ${idleTimeoutMs / 1000} s`)),
    );
    return request;
  }

  /** Writes the body, waiting for the socket to drain so at most a buffer or two of the file is in memory. */
  async #send(
    request: ClientRequest,
    head: Buffer,
    file: string,
    size: number,
    tail: Buffer,
    answered: () => boolean,
    options: UploadOptions,
  ) {
    const drained = () =>
      new Promise<void>((resolve) => {
        // An error ends the wait too: the answer (or its failure) is reported by #answer.
        const done = () => {
          request.off('drain', done).off('close', done).off('error', done);
          resolve();
        };
        request.once('drain', done).once('close', done).once('error', done);
      });
    const write = async (chunk: Buffer) => {
      if (!request.write(chunk)) await drained();
    };
    let sent = 0;
    const source = createReadStream(file, { highWaterMark: 256 * 1024 });
    try {
      await write(head);
      for await (const chunk of source as AsyncIterable<Buffer>) {
        // The service answered before taking everything (a refusal): the rest is not wanted.
        if (answered() || request.destroyed) return;
        sent += chunk.length;
        if (sent > size) break;
        await write(chunk);
        options.onProgress?.(sent);
      }
    } catch (error) {
      request.destroy(new ApiUnreachable(`cannot read ${file}: ${(error as Error).message}`));
      return;
    } finally {
      source.destroy();
    }
    if (sent !== size) {
      request.destroy(
        new ApiUnreachable(
          `${file} changed size while it was being sent (${size} bytes expected); nothing was submitted`,
        ),
      );
      return;
    }
    request.end(tail);
  }

  /**
   * Reads the answer. Once the service has answered, a write error (it stopped reading the body of a
   * request it refused) is not a failure: the answer is what counts.
   */
  #answer<T>(request: ClientRequest): Promise<ApiResponse<T>> {
    return new Promise((resolve, reject) => {
      let responded = false;
      request.on('error', (error) => {
        if (responded) return;
        reject(
          error instanceof ApiUnreachable
            ? error
            : new ApiUnreachable(`cannot reach ${this.#base.origin}: ${describe(error)}`),
        );
      });
      request.once('response', (response: IncomingMessage) => {
        responded = true;
        readBody(response)
          .then((text) => {
            const status = response.statusCode ?? 0;
            const parsed = parseJson(text);
            if (status >= 200 && status < 300 && parsed !== undefined) {
              resolve({ status, body: parsed as T });
              return;
            }
            reject(problemFrom(status, response.statusMessage, parsed, text));
          })
          .catch((error: unknown) =>
            reject(new ApiUnreachable(`the answer from ${this.#base.origin} broke off: ${describe(error)}`)),
          )
          .finally(() => {
            // The service may have answered before the whole body was sent; that socket cannot be reused.
            if (!request.writableFinished) request.destroy();
          });
      });
    });
  }
}

function describe(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return code && message && !message.includes(code) ? `${code} (${message})` : (message ?? String(error));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function problemFrom(status: number, statusMessage: string | undefined, parsed: unknown, text: string): ApiProblem {
  const { code, detail, title } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
    string,
    unknown
  >;
  if (typeof code === 'string')
    return new ApiProblem(
      status,
      code,
      typeof detail === 'string' ? detail : typeof title === 'string' ? title : `HTTP ${status}`,
    );
  const said = text.trim().replace(/\s+/g, ' ').slice(0, 200);
  if (status >= 200 && status < 300)
    return new ApiProblem(status, 'unexpected_answer', `HTTP ${status} without a JSON body`);
  return new ApiProblem(status, `http_${status}`, said || statusMessage || 'no detail given');
}

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxResponseBytes) throw new Error(`the answer is larger than ${maxResponseBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
