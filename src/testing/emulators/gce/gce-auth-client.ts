/**
 * An auth client for Google's Node client libraries that needs no Google account: it holds an
 * access token the Compute Engine emulator issued and puts it on every request, as
 * google-auth-library's clients do.
 *
 * google-gax's REST transport (google-gax 6.x, `build/src/fallback.js` and
 * `fallbackServiceStub.js`, read 2026-12) takes `authClient` from the client options, accepts it
 * when it has `getClient()` or `getRequestHeaders()`, compares its `universeDomain` with the
 * client's, writes `defaultServicePath` / `defaultScopes` on it, and then sends every call through
 * `authClient.fetch(url, init)`, where `init` carries `method`, `headers`, `body`, `signal` and a
 * `validateStatus` that refuses 401 and 403 — so that google-auth-library can refresh and retry.
 * A refused status must reject with an error carrying `status` and `response.data` (gaxios'
 * `GaxiosError` shape), from which gax decodes the Google error body. This class does that with
 * Node's own `fetch`; it imports neither google-auth-library nor gaxios.
 */

/** Hands out the current token and says whether a token is one the emulator issued. */
export class GceTokenIssuer {
  private readonly issued = new Set<string>();
  private counter = 0;

  /** Issues a new opaque access token (`ya29.` like Google's, followed by emulator words). */
  issue(): string {
    const token = `ya29.novacron-gce-emulator.${++this.counter}.${Math.random().toString(36).slice(2, 12)}`;
    this.issued.add(token);
    return token;
  }

  /** Accepts a token issued elsewhere (a linked Cloud Storage emulator's), until revoked. */
  adopt(token: string): void {
    this.issued.add(token);
  }

  /** True for a token this issuer handed out and has not revoked. */
  accepts(token: string): boolean {
    return this.issued.has(token);
  }

  /** Forgets every token: later calls with them are refused with 401. */
  revokeAll(): void {
    this.issued.clear();
  }
}

/** The request options google-gax passes to {@link GceEmulatorAuthClient.fetch} (a subset of gaxios' options). */
export interface GceFetchInit {
  /** HTTP method. */
  readonly method?: string | undefined;
  /** Request headers. */
  readonly headers?: Headers | Readonly<Record<string, string>> | undefined;
  /** Request body. */
  readonly body?: string | Uint8Array | undefined;
  /** Aborts the request. */
  readonly signal?: AbortSignal | undefined;
  /** Which statuses resolve; the others reject as gaxios rejects them (default: 2xx). */
  readonly validateStatus?: ((status: number) => boolean) | undefined;
}

/** The error a refused status rejects with: the parts of gaxios' `GaxiosError` google-gax reads. */
export interface GceFetchError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** The response, with its body as text in `data`. */
  readonly response: {
    /** HTTP status. */
    readonly status: number;
    /** Response body as text. */
    readonly data: string;
    /** Response headers. */
    readonly headers: Headers;
  };
}

/** Options of {@link GceEmulatorAuthClient}. */
export interface GceEmulatorAuthClientOptions {
  /** The access token to send. */
  readonly token: string;
  /** The project `getProjectId()` answers. */
  readonly projectId: string;
}

/**
 * An auth client Google's Node libraries accept (pass it as `authClient`), sending the emulator's
 * access token as `Authorization: Bearer`. Structurally it is the part of google-auth-library's
 * `AuthClient` that google-gax uses.
 */
export class GceEmulatorAuthClient {
  /** The universe domain (google-gax refuses a client whose domain differs from its own). */
  readonly universeDomain = 'googleapis.com';
  /** Written by the Google client that uses it (its default host). */
  defaultServicePath: string | undefined;
  /** Written by the Google client that uses it (its default OAuth scopes). */
  defaultScopes: readonly string[] | undefined;
  private token: string;
  private readonly projectId: string;

  /** Creates a client that sends `options.token`. */
  constructor(options: GceEmulatorAuthClientOptions) {
    this.token = options.token;
    this.projectId = options.projectId;
  }

  /** Sends `token` from now on (e.g. a fresh token after the emulator revoked the old ones). */
  setToken(token: string): void {
    this.token = token;
  }

  /** google-auth-library's `GoogleAuth.getClient()`: this client itself. */
  getClient(): Promise<this> {
    return Promise.resolve(this);
  }

  /** The access token, as google-auth-library's `getAccessToken()` answers. */
  getAccessToken(): Promise<{
    /** The bearer token. */
    readonly token: string;
  }> {
    return Promise.resolve({ token: this.token });
  }

  /** The headers to authenticate a request with. */
  getRequestHeaders(): Promise<Headers> {
    return Promise.resolve(new Headers({ authorization: `Bearer ${this.token}` }));
  }

  /** The emulator's project. */
  getProjectId(): Promise<string> {
    return Promise.resolve(this.projectId);
  }

  /**
   * Sends a request with the bearer token. Resolves with the `Response` when `validateStatus`
   * accepts its status; otherwise rejects with a {@link GceFetchError} holding the body text.
   */
  async fetch(input: string | URL, init: GceFetchInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${this.token}`);
    const method = (init.method ?? 'GET').toUpperCase();
    const response = await fetch(input, { method, headers, body: method === 'GET' || method === 'DELETE' ? undefined : init.body, signal: init.signal });
    const accept = init.validateStatus ?? ((status: number) => status >= 200 && status < 300);
    if (accept(response.status)) return response;
    const data = await response.text();
    const error = new Error(errorMessage(data) ?? `Request failed with status code ${response.status}`) as Error & { status: number; response: GceFetchError['response'] };
    error.status = response.status;
    error.response = { status: response.status, data, headers: response.headers };
    throw error;
  }
}

function errorMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === 'string' ? parsed.error.message : undefined;
  } catch {
    return undefined;
  }
}
