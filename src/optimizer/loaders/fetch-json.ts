/**
 * One GET of a JSON price API through global (or injected) `fetch`, with the error taxonomy and
 * retries every loader shares: 429 → ThrottledError honouring Retry-After, 5xx and network
 * failures → ProviderUnavailableError (both retried), 401/403 → AuthError, other 4xx → a
 * non-retryable ProviderUnavailableError naming the status.
 */
import { AuthError, isAbortError, NotFoundError, ProviderUnavailableError, ThrottledError } from '../../provider/errors.js';
import { withRetry, type RetryPolicy } from '../../provider/retry.js';

/** The `fetch` a loader uses: the global one by default, injectable for tests and proxies. */
export type FetchLike = (input: string, init?: { signal?: AbortSignal | undefined; headers?: Record<string, string> }) => Promise<Response>;

/** Options of {@link fetchJson}. */
export interface FetchJsonOptions {
  /** The `fetch` to use (default `globalThis.fetch`). */
  readonly fetch?: FetchLike | undefined;
  /** Cancels the request and any retry wait. */
  readonly signal?: AbortSignal | undefined;
  /** Who is being called, for error messages (`azure-retail-prices`). */
  readonly source: string;
  /** Retry policy (default: 4 attempts, 200 ms base). */
  readonly retry?: RetryPolicy | undefined;
  /** Extra request headers. */
  readonly headers?: Record<string, string> | undefined;
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** GETs `url` and parses the JSON body, retrying throttling and server errors. */
export async function fetchJson<T>(url: string, options: FetchJsonOptions): Promise<T> {
  const doFetch = options.fetch ?? (globalThis.fetch as FetchLike);
  return withRetry(
    async () => {
      let response: Response;
      try {
        response = await doFetch(url, { signal: options.signal, headers: { accept: 'application/json', ...options.headers } });
      } catch (error) {
        if (isAbortError(error) || options.signal?.aborted) throw error;
        throw new ProviderUnavailableError({ provider: options.source, message: `request failed: ${(error as Error).message}`, cause: error });
      }
      if (response.ok) return (await response.json()) as T;
      const text = await response.text().catch(() => '');
      const message = `HTTP ${response.status} from ${new URL(url).pathname}${text ? `: ${text.slice(0, 200)}` : ''}`;
      const cause = { statusCode: response.status, message: text.slice(0, 200) };
      if (response.status === 429) throw new ThrottledError({ provider: options.source, message, retryAfterMs: retryAfterMs(response.headers.get('retry-after')), cause });
      if (response.status >= 500) throw new ProviderUnavailableError({ provider: options.source, message, cause });
      if (response.status === 401 || response.status === 403) throw new AuthError({ provider: options.source, message, cause });
      if (response.status === 404) throw new NotFoundError({ provider: options.source, message, cause });
      throw new ProviderUnavailableError({ provider: options.source, message, cause, retryable: false });
    },
    { operation: 'fetchPrices', provider: options.source, signal: options.signal, maxAttempts: 4, baseDelayMs: 200, ...options.retry },
  );
}
