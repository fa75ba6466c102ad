/**
 * Cloud Storage's resumable upload protocol (JSON API, "Perform resumable uploads", read
 * 2026-12), driven through the library's authenticated request (`storage.authClient.request`,
 * gaxios options: the real HTTP path with the library's credentials):
 * - start: `POST {endpoint}/upload/storage/v1/b/{bucket}/o?uploadType=resumable&name=…` with the
 *   object resource (content type, user metadata: Cloud Storage takes metadata only here, at
 *   session start) → 200 and the session URI in `Location`;
 * - a chunk: `PUT {session}` with `Content-Range: bytes a-b/*` → 308 with `Range: bytes=0-n`
 *   (what Cloud Storage persisted, which may be less than was sent; no `Range` means nothing);
 * - the last chunk: `Content-Range: bytes a-b/total` → 200 with the object resource;
 * - where it stands: `PUT {session}` with `Content-Range: bytes *\/total` (or `*\/*`) and no body
 *   → 308 with `Range`, or 200 with the object when it is finished;
 * - cancel: `DELETE {session}` → 499; a gone session answers 404 or 410.
 * The session URI is the upload's own credential: `uploadId` holds it relative to the endpoint
 * and sealed (session-seal.ts), and it is never put in an error or a log line.
 */
import { NotFoundError } from '../../provider/errors.js';
import type { SessionSeal } from './session-seal.js';

/** The part of google-auth-library's `GoogleAuth` (and gaxios) the protocol calls. */
export interface ResumableTransport {
  /** A gaxios request. */
  request(options: {
    url: string;
    method: string;
    headers?: Record<string, string>;
    data?: unknown;
    body?: unknown;
    signal?: AbortSignal;
    validateStatus?: (status: number) => boolean;
    responseType?: 'text' | 'json';
    retry?: boolean;
  }): Promise<{ readonly status: number; readonly headers: unknown; readonly data: unknown }>;
}

/** The object resource Cloud Storage answers a finished upload with (the fields the store reads). */
export interface GcsObjectResource {
  /** Name. */
  readonly name?: string;
  /** Size, as a string. */
  readonly size?: string;
  /** Generation, as a string. */
  readonly generation?: string;
  /** Metageneration, as a string. */
  readonly metageneration?: string;
  /** MD5, base64. */
  readonly md5Hash?: string;
  /** Media type. */
  readonly contentType?: string;
  /** User metadata. */
  readonly metadata?: Record<string, string>;
}

/** Where an upload stands. */
export type UploadState = { readonly persisted: number; readonly object?: undefined } | { readonly object: GcsObjectResource; readonly persisted?: undefined };

/** An HTTP answer the protocol did not expect: carries `status` for the error mapping. */
export class UnexpectedAnswer extends Error {
  /** Creates it. */
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** The call. */
    readonly what: string,
    /** Response headers (Retry-After). */
    readonly response: { readonly status: number; readonly headers: unknown },
  ) {
    super(`${what} answered HTTP ${status}`);
    this.name = 'UnexpectedAnswer';
  }
}

function header(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (typeof headers === 'object' && headers !== null) {
    const v = (headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>)[name.toLowerCase()];
    return typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : undefined;
  }
  return undefined;
}

function parse(data: unknown): GcsObjectResource {
  if (typeof data === 'string') return (data === '' ? {} : JSON.parse(data)) as GcsObjectResource;
  return (data ?? {}) as GcsObjectResource;
}

/** The resumable protocol against one bucket. */
export class ResumableProtocol {
  /** Works through `transport` against `endpoint` (no trailing slash); `store` names errors. */
  constructor(
    private readonly store: string,
    private readonly transport: ResumableTransport,
    private readonly endpoint: string,
    private readonly bucket: string,
    private readonly seal: SessionSeal,
  ) {}

  /** Starts a session for `name`; resolves with its URI relative to the endpoint, sealed. */
  async start(input: { name: string; contentType: string; metadata: Record<string, string>; sizeBytes?: number | undefined }, signal: AbortSignal): Promise<string> {
    const url = `${this.endpoint}/upload/storage/v1/b/${encodeURIComponent(this.bucket)}/o?uploadType=resumable&name=${encodeURIComponent(input.name)}`;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-type': input.contentType };
    if (input.sizeBytes !== undefined) headers['x-upload-content-length'] = String(input.sizeBytes);
    const body = JSON.stringify({ name: input.name, contentType: input.contentType, metadata: input.metadata });
    const res = await this.transport.request({ url, method: 'POST', headers, data: body, signal, validateStatus: () => true, responseType: 'text', retry: false });
    const location = header(res.headers, 'location');
    if ((res.status !== 200 && res.status !== 201) || !location) throw new UnexpectedAnswer(res.status, 'starting the upload session', res);
    const at = new URL(location);
    return this.seal.seal(`${at.pathname}${at.search}`);
  }

  /** Sends bytes from `offset`; `total` on the last chunk. */
  async put(uploadId: string, offset: number, bytes: Uint8Array, total: number | undefined, signal: AbortSignal): Promise<UploadState> {
    const range = bytes.byteLength === 0 ? `bytes */${total ?? '*'}` : `bytes ${offset}-${offset + bytes.byteLength - 1}/${total ?? '*'}`;
    return this.send(uploadId, range, bytes, signal, 'sending a chunk');
  }

  /** Asks where the upload stands (`total` finalizes it when every byte is there). */
  async query(uploadId: string, total: number | undefined, signal: AbortSignal): Promise<UploadState> {
    return this.send(uploadId, `bytes */${total ?? '*'}`, new Uint8Array(0), signal, 'querying the upload');
  }

  /** Cancels the session; a session already gone is fine. */
  async cancel(uploadId: string, signal: AbortSignal): Promise<void> {
    let session: string;
    try {
      session = this.seal.open(uploadId);
    } catch {
      return; // not a session this store can reach: there is nothing of it to remove
    }
    const res = await this.transport.request({ url: this.endpoint + session, method: 'DELETE', signal, validateStatus: () => true, responseType: 'text', retry: false });
    if (res.status === 499 || res.status === 204 || res.status === 200 || res.status === 404 || res.status === 410) return;
    // A finished upload cannot be cancelled: there is no unfinished upload left to remove.
    if (res.status === 400) return;
    throw new UnexpectedAnswer(res.status, 'cancelling the upload', res);
  }

  private async send(uploadId: string, range: string, bytes: Uint8Array, signal: AbortSignal, what: string): Promise<UploadState> {
    const res = await this.transport.request({
      url: this.endpoint + this.seal.open(uploadId),
      method: 'PUT',
      headers: { 'content-range': range, 'content-type': 'application/octet-stream' },
      body: bytes,
      signal,
      validateStatus: () => true,
      responseType: 'text',
      retry: false,
    });
    if (res.status === 308) {
      const m = /^bytes=0-(\d+)$/.exec(header(res.headers, 'range') ?? '');
      return { persisted: m ? Number(m[1]) + 1 : 0 };
    }
    if (res.status === 200 || res.status === 201) return { object: parse(res.data) };
    if (res.status === 404 || res.status === 410) throw new NotFoundError({ provider: this.store, message: `${what}: the upload session is gone (HTTP ${res.status}); start the write afresh`, resourceType: 'upload' });
    throw new UnexpectedAnswer(res.status, what, res);
  }
}
