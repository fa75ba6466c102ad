/**
 * Maps what `@google-cloud/compute` (over google-gax's REST transport) throws, and the errors a
 * DONE zone operation carries, onto novacron's taxonomy. Failover decisions read only the
 * taxonomy, so this table decides what a federation does when Compute Engine says no.
 *
 * Shapes (read from google-gax 6 `fallbackRest.js` / `googleError.js`, 2026-12): a failed call
 * rejects with a `GoogleError` whose `code` is the gRPC status the HTTP status maps to (400 → 3,
 * 401 → 16, 403 → 7, 404 → 5, 409 → 10, 429 → 8, 5xx → 13/14), `httpStatusCode` the status
 * received, `message` GCE's message, `reason`/`domain` from an `ErrorInfo` detail when there is
 * one, `statusDetails` the decoded details (`RetryInfo`, `QuotaFailure`, ...), and the raw body
 * under `Symbol.for('google-gax.rawHttpResponsePayload')`, whose legacy `error.errors[]` list
 * carries the reason GCE has always sent (`rateLimitExceeded`, `quotaExceeded`, `notFound`,
 * `alreadyExists`, `invalid`, ...). A call past its timeout is code 4 (DEADLINE_EXCEEDED); a
 * connection failure keeps node's `code` (`ECONNREFUSED`, ...).
 *
 * A DONE operation's `error.errors[]` uses GCE's upper-case codes: `ZONE_RESOURCE_POOL_EXHAUSTED`,
 * `ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS` (no capacity in the zone), `QUOTA_EXCEEDED` ("Quota
 * 'CPUS' exceeded. Limit: 24.0 in region us-central1."; also `NVIDIA_T4_GPUS`, `PREEMPTIBLE_CPUS`),
 * `RESOURCE_NOT_FOUND`, `INVALID_FIELD_VALUE`, `UNSUPPORTED_OPERATION` ("Troubleshooting resource
 * availability errors" and "Resource quotas", cloud.google.com/compute/docs, read 2026-12), and
 * for an image import `INVALID_IMAGE_TAR` ("The tar archive is not a valid image.") beside the
 * call's 400 `gcsBucketNotFound` (users' reports, read 2026-12): both name the artifact. Both
 * paths go through {@link toNovacronError}, so an error is classified the same way wherever it
 * shows. Every mapped error keeps GCE's code, the HTTP status and the operation name in `cause`.
 */
import type { CloudCallContext } from '../../provider/call-context.js';
import {
  AuthError,
  CapacityError,
  ConflictError,
  ErrorCause,
  InvalidSpecError,
  isAbortError,
  NotFoundError,
  NovacronError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
  TimeoutError,
} from '../../provider/errors.js';

/** What the failing call was about, so the mapped error can name it. */
export type GcpErrorContext = CloudCallContext;

/** One entry of a DONE operation's `error.errors`. */
export interface GceOperationErrorEntry {
  /** GCE's code (`ZONE_RESOURCE_POOL_EXHAUSTED`). */
  readonly code?: string | null | undefined;
  /** Its message. */
  readonly message?: string | null | undefined;
  /** Where in the request (`resource.machineType`), when GCE says. */
  readonly location?: string | null | undefined;
}

/** The error a DONE operation ended with, as a value {@link toNovacronError} reads. */
export class GceOperationError extends Error {
  /** The operation's first error code. */
  readonly code: string;
  /** The operation's `httpErrorStatusCode`. */
  readonly httpStatusCode: number | undefined;
  /** Every error entry. */
  readonly errors: readonly GceOperationErrorEntry[];
  /** The operation's name. */
  readonly operationName: string | undefined;

  /** Wraps an operation's errors. */
  constructor(errors: readonly GceOperationErrorEntry[], options: { httpStatusCode?: number | null | undefined; operationName?: string | null | undefined }) {
    const first = errors[0];
    super(errors.map((e) => `${e.code ?? 'UNKNOWN'}: ${e.message ?? ''}`).join('; ') || 'the operation failed');
    this.name = 'GceOperationError';
    this.code = first?.code ?? 'UNKNOWN';
    this.httpStatusCode = options.httpStatusCode ?? undefined;
    this.errors = errors;
    this.operationName = options.operationName ?? undefined;
  }
}

const RAW_PAYLOAD = Symbol.for('google-gax.rawHttpResponsePayload');

const CAPACITY = new Set(['ZONE_RESOURCE_POOL_EXHAUSTED', 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS', 'RESOURCE_POOL_EXHAUSTED', 'REGION_RESOURCE_POOL_EXHAUSTED', 'resourcePoolExhausted', 'STOCKOUT']);
const QUOTA = new Set(['QUOTA_EXCEEDED', 'quotaExceeded', 'QUOTA_LIMIT_EXCEEDED', 'limitExceeded']);
const THROTTLED = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED', 'RATE_LIMITED']);
const AUTH = new Set(['forbidden', 'insufficientPermissions', 'authError', 'unauthorized', 'ACCESS_TOKEN_EXPIRED', 'CREDENTIALS_MISSING', 'ACCESS_TOKEN_TYPE_UNSUPPORTED', 'SERVICE_DISABLED', 'accessNotConfigured', 'invalid_grant', 'invalid_client', 'PERMISSION_DENIED', 'UNAUTHENTICATED']);
const CONFLICT = new Set(['alreadyExists', 'ALREADY_EXISTS', 'RESOURCE_ALREADY_EXISTS', 'resourceNotReady', 'RESOURCE_NOT_READY', 'conditionNotMet', 'resourceInUseByAnotherResource', 'RESOURCE_IN_USE_BY_ANOTHER_RESOURCE']);
const NOT_FOUND = new Set(['notFound', 'RESOURCE_NOT_FOUND', 'NOT_FOUND']);
const INVALID = new Set(['invalid', 'badRequest', 'required', 'invalidParameter', 'INVALID_FIELD_VALUE', 'INVALID_ARGUMENT', 'REQUIRED_FIELD_MISSING', 'UNSUPPORTED_OPERATION', 'invalidUsage', 'FIELD_VALUE_OUT_OF_RANGE', 'INVALID_IMAGE_TAR', 'gcsBucketNotFound']);
/** An image import's archive is at fault (its content, or the bucket it should be in). */
const ARCHIVE = new Set(['INVALID_IMAGE_TAR', 'gcsBucketNotFound']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']);
const BEFORE_SENDING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** gRPC status codes the transport sets. */
const GRPC = { DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, ABORTED: 10, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16, INVALID_ARGUMENT: 3, CANCELLED: 1 } as const;
const HTTP_OF_GRPC: Readonly<Record<number, number>> = { 3: 400, 5: 404, 6: 409, 7: 403, 8: 429, 10: 409, 13: 500, 14: 503, 16: 401, 4: 504 };

interface ErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly httpStatusCode?: unknown;
  readonly status?: unknown;
  readonly message?: unknown;
  readonly reason?: unknown;
  readonly statusDetails?: unknown;
  readonly errors?: unknown;
  readonly response?: { readonly status?: unknown } | undefined;
  readonly cause?: unknown;
}

function shapeOf(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

/** The legacy `error.errors[]` of the raw answer, when it has one. */
function legacyErrors(error: unknown): GceOperationErrorEntry[] {
  if (error instanceof GceOperationError) return [...error.errors];
  const raw = typeof error === 'object' && error !== null ? (error as Record<symbol, unknown>)[RAW_PAYLOAD] : undefined;
  if (typeof raw !== 'string' || raw.length > 200_000) return [];
  try {
    const body = JSON.parse(raw) as { error?: { errors?: { reason?: string; message?: string; location?: string }[] } };
    return (body.error?.errors ?? []).map((e) => ({ code: e.reason, message: e.message, location: e.location }));
  } catch {
    return [];
  }
}

/** GCE's own word for the failure: the operation code, the ErrorInfo reason, the legacy reason, or node's code. */
export function gceErrorCode(error: unknown): string | undefined {
  if (error instanceof GceOperationError) return error.code;
  const e = shapeOf(error);
  const legacy = legacyErrors(error)[0]?.code;
  if (typeof legacy === 'string' && legacy !== '') return legacy;
  if (typeof e.reason === 'string' && e.reason !== '') return e.reason;
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  const inner = shapeOf(e.cause).code;
  if (typeof inner === 'string' && inner !== '') return inner;
  if (typeof e.name === 'string' && e.name !== 'Error' && e.name !== 'GoogleError') return e.name;
  return undefined;
}

/** HTTP status of a failure (the received one, or the one its gRPC code stands for). */
function httpStatus(error: unknown): number | undefined {
  const e = shapeOf(error);
  if (typeof e.httpStatusCode === 'number') return e.httpStatusCode;
  if (typeof e.response?.status === 'number') return e.response.status;
  if (typeof e.status === 'number' && e.status >= 100) return e.status;
  return typeof e.code === 'number' ? HTTP_OF_GRPC[e.code] : undefined;
}

/** Retry delay of a `google.rpc.RetryInfo` detail, ms. */
function retryDelayMs(error: unknown): number | undefined {
  const details = shapeOf(error).statusDetails;
  if (!Array.isArray(details)) return undefined;
  for (const d of details as { retryDelay?: { seconds?: unknown; nanos?: unknown } }[]) {
    const delay = d?.retryDelay;
    if (delay) return Math.max(0, Number(delay.seconds ?? 0) * 1000 + Math.round(Number(delay.nanos ?? 0) / 1e6));
  }
  return undefined;
}

/** The quota a quota error names: `Quota 'CPUS' exceeded` → `CPUS`; the ErrorInfo's `quota_metric` otherwise. */
export function quotaNameFrom(message: string, code: string): string {
  return /Quota '([^']+)' exceeded/i.exec(message)?.[1] ?? /quota metric '([^']+)'/i.exec(message)?.[1] ?? code;
}

/** The region a quota message names (`... in region us-central1.`). */
function regionFrom(message: string): string | undefined {
  return /in region ([a-z]+-[a-z]+\d+)/i.exec(message)?.[1];
}

/** The zone an exhaustion message names (`The zone 'projects/p/zones/us-central1-a' does not have enough resources`). */
function zoneFrom(message: string): string | undefined {
  return /zones\/([a-z]+-[a-z]+\d+-[a-z])/.exec(message)?.[1] ?? /\bzone '?([a-z]+-[a-z]+\d+-[a-z])'?/.exec(message)?.[1];
}

/**
 * The spec field an invalid-input error is about: from the request field GCE names
 * (`Invalid value for field 'resource.machineType'`, an operation error's `location`) or the
 * resource it could not find (`The resource 'projects/p/zones/z/acceleratorTypes/x' was not found`).
 */
export function specFieldOf(message: string, location?: string | null): string {
  const text = `${location ?? ''} ${message}`;
  const field = /field '([^']+)'/.exec(text)?.[1] ?? location ?? '';
  const resource = /resource '([^']+)'/.exec(text)?.[1] ?? '';
  const probe = `${field} ${resource}`.toLowerCase();
  // An image import's archive (`rawDisk.source`, a Cloud Storage URL) is the artifact's location.
  if (/rawdisk|storage\.googleapis\.com\/|storage\.cloud\.google\.com\/|googleapis\.com\/storage\/v1\/b\//.test(probe)) return 'artifact.location';
  if (/guestaccelerators|acceleratortypes|acceleratortype/.test(probe)) return 'gpu';
  if (/sourceimage|\/images\/|initializeparams\.source/.test(probe)) return 'image';
  if (/disksizegb/.test(probe)) return 'disk';
  if (/disktype|\/disktypes\//.test(probe)) return 'disk.type';
  if (/machinetype|\/machinetypes\//.test(probe)) return 'instanceType';
  if (/subnetwork/.test(probe)) return 'network.subnet';
  if (/network/.test(probe)) return 'network.network';
  if (/scheduling|provisioningmodel|terminationaction/.test(probe)) return 'spot';
  if (/serviceaccount/.test(probe)) return 'iamRole';
  if (/metadata/.test(probe)) return 'userData';
  if (/labels/.test(probe)) return 'labels';
  if (/\/zones\/[^/]+$|^ ?zone\b|resource\.zone/.test(probe)) return 'zone';
  if (/\bname\b|resource\.name/.test(probe)) return 'name';
  return '(gcp)';
}

/** True when an error proves the request never left this machine. */
export function failedBeforeSending(error: unknown): boolean {
  const code = gceErrorCode(error);
  return code !== undefined && BEFORE_SENDING.has(code);
}

/** Converts anything the GCE client throws (or a DONE operation's error) into the novacron error that says what happened. */
export function toNovacronError(error: unknown, ctx: GcpErrorContext): Error {
  if (NovacronError.isInstance(error)) return error as Error;
  const code = gceErrorCode(error) ?? 'Unknown';
  const status = httpStatus(error);
  const grpc = typeof shapeOf(error).code === 'number' ? (shapeOf(error).code as number) : undefined;
  const entries = legacyErrors(error);
  const rawMessage = typeof shapeOf(error).message === 'string' ? (shapeOf(error).message as string) : String(error);
  const operationName = error instanceof GceOperationError ? error.operationName : undefined;
  const cause = new ErrorCause({
    name: typeof shapeOf(error).name === 'string' ? (shapeOf(error).name as string) : 'Error',
    message: rawMessage,
    code,
    requestId: operationName,
    statusCode: status,
    stack: error instanceof Error ? error.stack : undefined,
  });
  // An operation's error already starts with its code (`RESOURCE_NOT_FOUND: ...`): it is not said twice.
  const said = rawMessage.startsWith(`${code}:`) ? rawMessage : `${code}: ${rawMessage}`;
  const message = `${ctx.operation}: ${said}${operationName ? ` (operation ${operationName})` : ''}`;
  const requestSent = failedBeforeSending(error) ? false : undefined;
  const base = { provider: ctx.provider, cause, message, requestSent };
  const all = [code, ...entries.map((e) => e.code ?? '')];
  const any = (set: ReadonlySet<string>): boolean => all.some((c) => set.has(c));

  if (isAbortError(error) || grpc === GRPC.DEADLINE_EXCEEDED || code === 'ETIMEDOUT') {
    if (ctx.mutating === true && requestSent !== false) return new TimeoutError({ ...base, message: `${ctx.operation}: no answer in time; the request may have taken effect`, resourceId: ctx.resourceId });
    return new ProviderUnavailableError({ ...base, message: `${ctx.operation}: no answer in time` });
  }
  if (any(CAPACITY) || /does not have enough resources available/i.test(rawMessage)) {
    return new CapacityError({ ...base, region: ctx.region, zone: zoneFrom(rawMessage) ?? ctx.zone, instanceType: ctx.instanceType });
  }
  if (any(THROTTLED) || status === 429 || (grpc === GRPC.RESOURCE_EXHAUSTED && !any(QUOTA))) {
    return new ThrottledError({ ...base, retryAfterMs: retryDelayMs(error) });
  }
  if (any(QUOTA)) return new QuotaError({ ...base, region: regionFrom(rawMessage) ?? ctx.region, quotaName: quotaNameFrom(rawMessage, code) });
  if (any(AUTH) || status === 401 || status === 403 || grpc === GRPC.UNAUTHENTICATED || grpc === GRPC.PERMISSION_DENIED) return new AuthError(base);
  if (any(CONFLICT) || status === 409 || grpc === GRPC.ALREADY_EXISTS || grpc === GRPC.ABORTED) return new ConflictError(base);
  const invalid = (): InvalidSpecError => {
    const location = entries[0]?.location;
    return new InvalidSpecError({ provider: ctx.provider, cause, message, issues: [{ field: any(ARCHIVE) ? 'artifact.location' : specFieldOf(rawMessage, location), message: said }] });
  };
  if (any(NOT_FOUND) || status === 404 || grpc === GRPC.NOT_FOUND) {
    // A create that names something missing (an image family, a machine type, a subnetwork) is bad input.
    if (ctx.operation === 'createVM' || ctx.operation === 'importVM') {
      const named = /resource '([^']+)'/.exec(rawMessage)?.[1];
      if (named === undefined || !/\/instances\//.test(named)) return invalid();
    }
    return new NotFoundError({ ...base, resourceType: ctx.resourceType, resourceId: ctx.resourceId });
  }
  if (any(INVALID) || status === 400 || grpc === GRPC.INVALID_ARGUMENT) return invalid();
  if (NETWORK.has(code) || (status !== undefined && status >= 500) || grpc === GRPC.UNAVAILABLE || grpc === GRPC.INTERNAL) return new ProviderUnavailableError(base);
  if (status !== undefined && status >= 400 && status < 500) return invalid();
  return new ProviderUnavailableError({ ...base, retryable: false });
}
