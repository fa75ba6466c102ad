/**
 * Blob Storage's failures on the novacron taxonomy. `@azure/storage-blob` rejects with a
 * `RestError` carrying `statusCode` and the service's `x-ms-error-code` as `code` (error codes
 * from the Blob service REST reference, "Blob service error codes", read 2026-12): `BlobNotFound`
 * and `ContainerNotFound` (404), `AuthenticationFailed` and `AuthorizationFailure` (403),
 * `ServerBusy` (503) and 429 are throttling, other 5xx are the service failing. A failure without
 * a status is the network's. Messages name the store and key only: the request URL, which holds a
 * SAS when the store was given one, never reaches the error (only the cause's code, status and
 * request id are kept, see `ErrorCause`).
 */
import { AuthError, ConflictError, InvalidSpecError, NotFoundError, ProviderUnavailableError, ThrottledError, TimeoutError, isAbortError } from '../../provider/errors.js';

/** What a failed Blob call was about. */
export interface BlobErrorContext {
  /** Store name. */
  readonly store: string;
  /** The store call (`head`, `write`, ...). */
  readonly operation: string;
  /** Key concerned. */
  readonly key?: string | undefined;
  /** Container concerned. */
  readonly container: string;
  /** The call changes state (a timeout then means "may have happened"). */
  readonly mutating?: boolean | undefined;
}

interface RestErrorLike {
  readonly name?: unknown;
  readonly statusCode?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly response?: { readonly headers?: { get?(name: string): string | undefined } } | undefined;
}

const NETWORK_NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);
const THROTTLE_CODES = new Set(['ServerBusy', 'OperationTimedOut', 'TooManyRequests']);
const AUTH_CODES = new Set(['AuthenticationFailed', 'AuthorizationFailure', 'AuthorizationPermissionMismatch', 'AuthorizationResourceTypeMismatch', 'InvalidAuthenticationInfo', 'NoAuthenticationInformation', 'AccountIsDisabled', 'InsufficientAccountPermissions']);

function retryAfterMs(error: RestErrorLike): number | undefined {
  const value = error.response?.headers?.get?.('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The novacron error for a failed Blob call (an abort is returned as it is). */
export function toBlobStoreError(error: unknown, context: BlobErrorContext): unknown {
  if (isAbortError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as RestErrorLike;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const provider = context.store;
  const what = `${context.operation}${context.key === undefined ? '' : ` of ${context.key}`} in container ${context.container}`;
  const said = code ? ` (${code})` : status ? ` (HTTP ${status})` : '';
  if (status === undefined) {
    if (code === 'REQUEST_SEND_ERROR' || code === undefined || NETWORK_NOT_SENT.has(code)) {
      const notSent = code !== undefined && NETWORK_NOT_SENT.has(code);
      return new ProviderUnavailableError({ provider, message: `${what} failed: Blob Storage could not be reached${said}`, retryable: true, requestSent: notSent ? false : undefined, cause: error });
    }
    return new ProviderUnavailableError({ provider, message: `${what} failed${said}`, retryable: true, cause: error });
  }
  if (status === 404) {
    const resourceType = code === 'ContainerNotFound' ? 'container' : 'blob';
    return new NotFoundError({ provider, message: `${what}: ${resourceType === 'container' ? `container ${context.container}` : `blob ${context.key ?? ''}`} not found${said}`, resourceType, resourceId: resourceType === 'container' ? context.container : context.key, cause: error });
  }
  if (status === 401 || status === 403 || (code !== undefined && AUTH_CODES.has(code))) {
    return new AuthError({ provider, message: `${what} refused: the credential is missing, wrong or not allowed${said}`, cause: error });
  }
  if (status === 429 || (status === 503 && (code === undefined || THROTTLE_CODES.has(code)))) {
    return new ThrottledError({ provider, message: `${what} throttled by Blob Storage${said}`, retryAfterMs: retryAfterMs(e), cause: error });
  }
  if (status === 409 || status === 412) return new ConflictError({ provider, message: `${what} conflicts with the blob's state${said}`, cause: error });
  if (status === 408 || status === 504 || code === 'OperationTimedOut') {
    return context.mutating
      ? new TimeoutError({ provider, message: `${what} timed out; it may have taken effect${said}`, resourceId: context.key, cause: error })
      : new ProviderUnavailableError({ provider, message: `${what} timed out${said}`, retryable: true, cause: error });
  }
  if (status >= 500) return new ProviderUnavailableError({ provider, message: `${what} failed on Blob Storage's side${said}`, retryable: true, cause: error });
  if (status === 416) return new InvalidSpecError({ provider, issues: [{ field: 'range', message: `${what}: the range is not satisfiable${said}` }], cause: error });
  return new InvalidSpecError({ provider, issues: [{ field: context.operation, message: `${what} refused by Blob Storage${said}` }], cause: error });
}
