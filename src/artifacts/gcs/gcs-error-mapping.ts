/**
 * Cloud Storage's failures on the novacron taxonomy. The library rejects with an `ApiError`
 * (`code` = HTTP status, `errors[].reason`) or, on its gaxios paths, a `GaxiosError` (`status`,
 * `response.status`); a failure without a status is the network's. Statuses from the JSON API
 * reference ("HTTP status and error codes", read 2026-12): 404 not found, 401/403 auth, 412 and
 * 409 conflicts, 429 throttling (with Retry-After), 5xx the service failing, 400 and 416 bad
 * input. Messages name the store, bucket and key only: no URL (a session URI or a signed URL is a
 * credential) reaches an error; the cause keeps only code, status and request id.
 */
import { AuthError, ConflictError, InvalidSpecError, isAbortError, NotFoundError, ProviderUnavailableError, ThrottledError, TimeoutError } from '../../provider/errors.js';

/** What a failed Cloud Storage call was about. */
export interface GcsErrorContext {
  /** Store name. */
  readonly store: string;
  /** The store call. */
  readonly operation: string;
  /** Bucket. */
  readonly bucket: string;
  /** Key concerned. */
  readonly key?: string | undefined;
  /** The call changes state. */
  readonly mutating?: boolean | undefined;
  /** What a 404 is about (default `object`). */
  readonly resourceType?: 'object' | 'upload' | undefined;
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

interface LibraryError {
  readonly code?: unknown;
  readonly status?: unknown;
  readonly response?: { readonly status?: unknown; readonly headers?: unknown } | undefined;
  readonly errors?: readonly { readonly reason?: unknown }[] | undefined;
  readonly cause?: unknown;
}

/** The HTTP status of a library error, when it has one. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as LibraryError;
  for (const v of [e.response?.status, e.status, e.code]) if (typeof v === 'number' && v >= 100 && v < 600) return v;
  return undefined;
}

function retryAfterMs(error: LibraryError): number | undefined {
  const headers = error.response?.headers;
  const raw = headers instanceof Headers ? headers.get('retry-after') : typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>)['retry-after'] : undefined;
  const seconds = typeof raw === 'string' ? Number(raw) : undefined;
  return seconds !== undefined && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; e = (e as LibraryError).cause, depth++) {
    const code = (e as LibraryError).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The novacron error for a failed Cloud Storage call (an abort, or a novacron error, is returned as it is). */
export function toGcsStoreError(error: unknown, context: GcsErrorContext): unknown {
  if (isAbortError(error) || NotFoundError.isInstance(error) || InvalidSpecError.isInstance(error) || ConflictError.isInstance(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as LibraryError;
  const status = statusOf(error);
  const reason = e.errors?.find((x) => typeof x.reason === 'string')?.reason as string | undefined;
  const provider = context.store;
  const what = `${context.operation}${context.key === undefined ? '' : ` of ${context.key}`} in bucket ${context.bucket}`;
  const said = reason ? ` (${reason})` : status ? ` (HTTP ${status})` : '';
  if (status === undefined) {
    const code = networkCode(error);
    return new ProviderUnavailableError({ provider, message: `${what} failed: Cloud Storage could not be reached${code ? ` (${code})` : ''}`, retryable: true, requestSent: code !== undefined && NOT_SENT.has(code) ? false : undefined, cause: error });
  }
  if (status === 404 || status === 410) {
    const resourceType = context.resourceType ?? 'object';
    return new NotFoundError({ provider, message: `${what}: ${resourceType === 'upload' ? 'the upload session is gone' : 'not found'}${said}`, resourceType, resourceId: context.key, cause: error });
  }
  if (status === 401 || status === 403) return new AuthError({ provider, message: `${what} refused: the credential is missing, wrong or not allowed${said}`, cause: error });
  if (status === 429) return new ThrottledError({ provider, message: `${what} throttled by Cloud Storage${said}`, retryAfterMs: retryAfterMs(e), cause: error });
  if (status === 409 || status === 412) return new ConflictError({ provider, message: `${what} conflicts with the object's state${said}`, cause: error });
  if (status === 408 || status === 504) {
    return context.mutating
      ? new TimeoutError({ provider, message: `${what} timed out; it may have taken effect${said}`, resourceId: context.key, cause: error })
      : new ProviderUnavailableError({ provider, message: `${what} timed out${said}`, retryable: true, cause: error });
  }
  if (status >= 500) return new ProviderUnavailableError({ provider, message: `${what} failed on Cloud Storage's side${said}`, retryable: true, cause: error });
  return new InvalidSpecError({ provider, issues: [{ field: status === 416 ? 'range' : context.operation, message: `${what} refused by Cloud Storage${said}` }], cause: error });
}
