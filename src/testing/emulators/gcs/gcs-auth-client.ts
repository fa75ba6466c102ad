/**
 * The auth client `@google-cloud/storage` is given for the emulator. Storage wraps it in a
 * `GoogleAuth` and uses two of its doors (read from @google-cloud/storage 8.4
 * `nodejs-common/util.js` and google-auth-library 11 `googleauth.js`, 2026-12): JSON API calls
 * are authorized with `getRequestHeaders()` (the Compute Engine emulator's client has it), and
 * resumable-upload requests — and the store's own resumable protocol — go through
 * `GoogleAuth.request(opts)`, which calls the client's `request(opts)` with gaxios' options
 * (`url`, `method`, `headers`, `data`/`body`, `signal`, `validateStatus`, `responseType`) and
 * expects gaxios' response (`status`, `headers`, `data`). This client adds that `request`, over
 * Node's `fetch`, with the emulator's bearer token.
 */
import { GceEmulatorAuthClient, type GceFetchError } from '../gce/gce-auth-client.js';

/** The request options of {@link GcsEmulatorAuthClient.request} (gaxios' subset). */
export interface GcsRequestOptions {
  /** URL. */
  readonly url?: string | URL | undefined;
  /** HTTP method. */
  readonly method?: string | undefined;
  /** Headers. */
  readonly headers?: Headers | Readonly<Record<string, string>> | undefined;
  /** Body (gaxios' `data`). */
  readonly data?: string | Uint8Array | object | undefined;
  /** Body. */
  readonly body?: string | Uint8Array | undefined;
  /** Aborts the request. */
  readonly signal?: AbortSignal | undefined;
  /** Which statuses resolve (default 2xx). */
  readonly validateStatus?: ((status: number) => boolean) | undefined;
  /** `json` (default, when the body parses), `text` or `arraybuffer`. */
  readonly responseType?: string | undefined;
}

/** gaxios' response, as far as its callers read it. */
export interface GcsResponse<T = unknown> {
  /** HTTP status. */
  readonly status: number;
  /** Status text. */
  readonly statusText: string;
  /** Response headers. */
  readonly headers: Headers;
  /** The body: parsed JSON, text, or bytes. */
  readonly data: T;
}

/** An auth client for `@google-cloud/storage` against the Cloud Storage emulator. */
export class GcsEmulatorAuthClient extends GceEmulatorAuthClient {
  /** A gaxios-style request with the bearer token: resolves with the response when `validateStatus` accepts it. */
  async request<T = unknown>(options: GcsRequestOptions): Promise<GcsResponse<T>> {
    const headers = new Headers(options.headers);
    headers.set('authorization', (await this.getRequestHeaders()).get('authorization')!);
    const method = (options.method ?? 'GET').toUpperCase();
    let body: string | Uint8Array | undefined = options.body;
    if (body === undefined && options.data !== undefined) {
      if (typeof options.data === 'string' || options.data instanceof Uint8Array) body = options.data;
      else {
        body = JSON.stringify(options.data);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      }
    }
    const response = await fetch(String(options.url), { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body, signal: options.signal, redirect: 'manual' });
    const bytes = Buffer.from(await response.arrayBuffer());
    let data: unknown;
    if (options.responseType === 'arraybuffer') data = bytes;
    else if (options.responseType === 'text') data = bytes.toString('utf8');
    else {
      const text = bytes.toString('utf8');
      try {
        data = text === '' ? '' : JSON.parse(text);
      } catch {
        data = text;
      }
    }
    const result: GcsResponse<T> = { status: response.status, statusText: response.statusText, headers: response.headers, data: data as T };
    const accept = options.validateStatus ?? ((s: number) => s >= 200 && s < 300);
    if (accept(response.status)) return result;
    const error = new Error(`Request failed with status code ${response.status}`) as Error & { status: number; code: string; response: GceFetchError['response'] };
    error.status = response.status;
    error.code = String(response.status);
    error.response = { status: response.status, data: bytes.toString('utf8'), headers: response.headers };
    throw error;
  }
}
