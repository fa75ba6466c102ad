/**
 * One request as an emulator handler sees it, and the answer it gives. The body is read once,
 * whole, before the handler runs (emulated APIs send small bodies); the form-encoded and JSON
 * readings of it are made on demand, since a query-style API (EC2) and a JSON one (the AWS
 * Price List, ARM, GCE) share one server.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

/** A request received by an emulator. */
export class EmulatorRequest {
  /** The URL, resolved against the server's origin. */
  readonly url: URL;
  /**
   * The body as a stream, on routes that asked for it (`streamBody`): then {@link body} is `''`
   * and the handler reads the bytes itself (binary uploads, e.g. Glance image data).
   */
  bodyStream: Readable | undefined;
  private formCache: URLSearchParams | undefined;

  /** Wraps a received request; `params` are the route's path parameters. */
  constructor(
    /** Request id the emulator answers with (a UUID). */
    readonly id: string,
    /** HTTP method, upper case. */
    readonly method: string,
    /** Path and query as sent. */
    readonly target: string,
    /** Headers, lower-case names. */
    readonly headers: IncomingHttpHeaders,
    /** The body as text (`''` when none). */
    readonly body: string,
    /** Aborts when the client disconnects or the emulator closes. */
    readonly signal: AbortSignal,
    origin: string,
    /** Path parameters of the matched route (`/skus/:id` → `{ id }`). */
    public params: Readonly<Record<string, string>> = {},
  ) {
    this.url = new URL(target, origin);
  }

  /** The path, without the query. */
  get path(): string {
    return this.url.pathname;
  }

  /** The query parameters. */
  get query(): URLSearchParams {
    return this.url.searchParams;
  }

  /** One header as text (several values joined with `,`), `undefined` when absent. */
  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(',') : value;
  }

  /** The body read as `application/x-www-form-urlencoded` (EC2 Query, OAuth token requests). */
  get form(): URLSearchParams {
    this.formCache ??= new URLSearchParams(this.body);
    return this.formCache;
  }

  /** The body read as JSON; `fallback` for an empty body. Throws `SyntaxError` on bad JSON. */
  json<T = unknown>(fallback?: T): T {
    if (this.body.trim() === '' && fallback !== undefined) return fallback;
    return JSON.parse(this.body) as T;
  }
}

/** What a handler answers with. */
export interface EmulatorResponse {
  /** HTTP status. */
  readonly status: number;
  /** Response headers. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Body; none when absent. A stream is piped to the client (large downloads). */
  readonly body?: string | Buffer | Readable | undefined;
  /** The cloud's error code, when this is an error answer (kept in the request log). */
  readonly errorCode?: string | undefined;
}

/** A JSON answer (`content-type: application/json; charset=utf-8` unless `headers` says otherwise). */
export function jsonResponse(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}, errorCode?: string): EmulatorResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body), errorCode };
}

/** Reads a request's whole body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
