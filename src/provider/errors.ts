/**
 * The error taxonomy shared by every provider. Failover decisions are made from these
 * classes alone, so every adapter maps its cloud's errors onto them.
 *
 * `isInstance` checks a `Symbol.for` marker rather than `instanceof`, so an error thrown by
 * one copy of the package is recognized by another copy loaded elsewhere in the process.
 */
import { redactString } from './redact.js';

/** Stable machine-readable codes, one per error class. */
export type NovacronErrorCode =
  | 'NOVACRON_ERROR'
  | 'CAPACITY'
  | 'QUOTA'
  | 'THROTTLED'
  | 'AUTH'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_SPEC'
  | 'UNSUPPORTED'
  | 'PROVIDER_UNAVAILABLE'
  | 'TIMEOUT'
  | 'PLACEMENT_REFUSED'
  | 'ALL_CANDIDATES_FAILED'
  | 'GROUP_INCOMPLETE'
  | 'ABORTED'
  | 'OUTCOME_UNCERTAIN';

/** What a {@link NovacronError} keeps of the error it wraps: only fields that carry no secret. */
export class ErrorCause extends Error {
  /** The cloud's own error code (e.g. `InsufficientInstanceCapacity`). */
  readonly code: string | undefined;
  /** The cloud's request id, for support tickets. */
  readonly requestId: string | undefined;
  /** HTTP status of the failed call, when there was one. */
  readonly statusCode: number | undefined;

  /** Builds a cause from an error's safe fields; the message and stack are redacted. */
  constructor(source: { name?: string; message?: string; code?: string; requestId?: string; statusCode?: number; stack?: string }) {
    super(redactString(source.message ?? ''));
    this.name = source.name ?? 'Error';
    this.code = source.code;
    this.requestId = source.requestId;
    this.statusCode = source.statusCode;
    this.stack = source.stack === undefined ? undefined : redactString(source.stack);
  }

  /** Reduces any thrown value to an {@link ErrorCause}; a NovacronError is kept as it is. */
  static from(value: unknown): Error | undefined {
    if (value === undefined || value === null) return undefined;
    if (NovacronError.isInstance(value) || value instanceof ErrorCause) return value as Error;
    if (typeof value !== 'object') return new ErrorCause({ message: String(value) });
    const v = value as Record<string, unknown>;
    const metadata = (v.$metadata ?? {}) as Record<string, unknown>;
    const code = firstString(v.code, v.Code, v.errorCode, v.name !== 'Error' ? v.name : undefined);
    return new ErrorCause({
      name: typeof v.name === 'string' ? v.name : 'Error',
      message: typeof v.message === 'string' ? v.message : '',
      code,
      requestId: firstString(v.requestId, v.RequestId, metadata.requestId),
      statusCode: firstNumber(v.statusCode, v.status, metadata.httpStatusCode),
      stack: typeof v.stack === 'string' ? v.stack : undefined,
    });
  }
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v.length > 0) return v;
  return undefined;
}
function firstNumber(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

/** Options common to every {@link NovacronError}. */
export interface NovacronErrorOptions {
  /** The error's message, without the `[novacron]` prefix (added here). Secrets are redacted. */
  message: string;
  /** Name of the provider the error came from, when one did. */
  provider?: string | undefined;
  /** The underlying error; reduced to its safe fields by {@link ErrorCause.from}. */
  cause?: unknown;
  /** Overrides the class's default retryability. */
  retryable?: boolean | undefined;
  /**
   * `false` when the request provably never reached the cloud (connection refused, name not
   * resolved, refused by a client-side limit before sending), so nothing can have happened;
   * `undefined` when that is not known. The federation fails over past a throttled or
   * unavailable provider only when this is `false`; otherwise it first asks the cloud.
   */
  requestSent?: boolean | undefined;
  /** The durable operation this error ended, when one did. */
  operationId?: string | undefined;
}

const BASE_MARKER = Symbol.for('novacron.error');

function markerFor(code: NovacronErrorCode): symbol {
  return Symbol.for(`novacron.error.${code}`);
}

function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

/** Base of every error novacron throws on purpose. */
export class NovacronError extends Error {
  /** Stable code naming the error class. */
  readonly code: NovacronErrorCode;
  /** True when the same call may succeed if repeated later. */
  readonly retryable: boolean;
  /** The provider that raised it, if any. */
  readonly provider: string | undefined;
  /** `false` when the request provably never reached the cloud; `undefined` when unknown (see {@link NovacronErrorOptions.requestSent}). */
  readonly requestSent: boolean | undefined;
  /** The durable operation this error ended, when one did. */
  readonly operationId: string | undefined;
  /** The underlying error, reduced to fields that carry no secret (see {@link ErrorCause}). */
  declare readonly cause: Error | undefined;

  /** @internal */
  protected constructor(code: NovacronErrorCode, retryableByDefault: boolean, options: NovacronErrorOptions) {
    const where = options.provider ? `[novacron] [${options.provider}] ` : '[novacron] ';
    super(where + redactString(options.message));
    this.code = code;
    this.retryable = options.retryable ?? retryableByDefault;
    this.provider = options.provider;
    this.requestSent = options.requestSent;
    this.operationId = options.operationId;
    const cause = ErrorCause.from(options.cause);
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause, enumerable: false, writable: true });
    Object.defineProperty(this, BASE_MARKER, { value: true });
    Object.defineProperty(this, markerFor(code), { value: true });
  }

  /** True for any novacron error, from any copy of the package. */
  static isInstance(value: unknown): value is NovacronError {
    return hasMarker(value, BASE_MARKER);
  }

  /** A JSON form for logs and events (already free of secrets). */
  toJSON(): Record<string, unknown> {
    const { stack: _stack, ...fields } = Object.fromEntries(Object.entries(this));
    return { name: this.name, message: this.message, ...fields, cause: this.cause ? { ...this.cause, name: this.cause.name, message: this.cause.message } : undefined };
  }
}

function defineErrorClass<C extends NovacronErrorCode>(code: C) {
  const marker = markerFor(code);
  return {
    marker,
    isInstance(value: unknown): boolean {
      return hasMarker(value, marker);
    },
  };
}

const capacity = defineErrorClass('CAPACITY');
/**
 * The cloud has no room for this request where it was asked (instance type, zone or region).
 * Failover blocks the narrowest scope named here and tries elsewhere.
 */
export class CapacityError extends NovacronError {
  /** Region that was out of capacity. */
  readonly region: string | undefined;
  /** Zone that was out of capacity, when the cloud says. */
  readonly zone: string | undefined;
  /** Instance type that could not be placed. */
  readonly instanceType: string | undefined;
  /** Creates a capacity error. */
  constructor(options: NovacronErrorOptions & { region?: string | undefined; zone?: string | undefined; instanceType?: string | undefined }) {
    super('CAPACITY', true, options);
    this.name = 'CapacityError';
    this.region = options.region;
    this.zone = options.zone;
    this.instanceType = options.instanceType;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is CapacityError {
    return capacity.isInstance(value);
  }
}

const quota = defineErrorClass('QUOTA');
/** An account limit (vCPUs, instances, spot requests) would be exceeded in a region. */
export class QuotaError extends NovacronError {
  /** Region whose quota is exhausted. */
  readonly region: string | undefined;
  /** Name of the limit, in the cloud's words. */
  readonly quotaName: string | undefined;
  /** Creates a quota error. */
  constructor(options: NovacronErrorOptions & { region?: string | undefined; quotaName?: string | undefined }) {
    super('QUOTA', false, options);
    this.name = 'QuotaError';
    this.region = options.region;
    this.quotaName = options.quotaName;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is QuotaError {
    return quota.isInstance(value);
  }
}

const throttled = defineErrorClass('THROTTLED');
/** The cloud asked us to slow down. `retryAfterMs` says how long, when it says. */
export class ThrottledError extends NovacronError {
  /** Delay the cloud asked for before the next attempt, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** Creates a throttling error. */
  constructor(options: NovacronErrorOptions & { retryAfterMs?: number | undefined }) {
    super('THROTTLED', true, options);
    this.name = 'ThrottledError';
    this.retryAfterMs = options.retryAfterMs;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is ThrottledError {
    return throttled.isInstance(value);
  }
}

const auth = defineErrorClass('AUTH');
/** Credentials are missing, wrong, expired, or not allowed to do this. */
export class AuthError extends NovacronError {
  /** Creates an authentication or authorization error. */
  constructor(options: NovacronErrorOptions) {
    super('AUTH', false, options);
    this.name = 'AuthError';
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is AuthError {
    return auth.isInstance(value);
  }
}

const notFound = defineErrorClass('NOT_FOUND');
/** The VM, image or other resource does not exist (or no longer does). */
export class NotFoundError extends NovacronError {
  /** Kind of resource, e.g. `vm` or `image`. */
  readonly resourceType: string | undefined;
  /** Identifier that was looked up. */
  readonly resourceId: string | undefined;
  /** Creates a not-found error. */
  constructor(options: NovacronErrorOptions & { resourceType?: string | undefined; resourceId?: string | undefined }) {
    super('NOT_FOUND', false, options);
    this.name = 'NotFoundError';
    this.resourceType = options.resourceType;
    this.resourceId = options.resourceId;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is NotFoundError {
    return notFound.isInstance(value);
  }
}

const conflict = defineErrorClass('CONFLICT');
/**
 * The request contradicts current state: an idempotency key reused with another spec, a
 * compare-and-swap on a stale version, a VM in the wrong state for the operation.
 */
export class ConflictError extends NovacronError {
  /** Creates a conflict error. */
  constructor(options: NovacronErrorOptions) {
    super('CONFLICT', false, options);
    this.name = 'ConflictError';
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is ConflictError {
    return conflict.isInstance(value);
  }
}

/** One problem found in an input, with the path of the field it concerns. */
export interface SpecIssue {
  /** Dotted path of the field, e.g. `disk.type` or `labels.Team`. */
  readonly field: string;
  /** What is wrong and what was expected. */
  readonly message: string;
}

const invalidSpec = defineErrorClass('INVALID_SPEC');
/** The input is malformed. Raised before anything is sent to a cloud. */
export class InvalidSpecError extends NovacronError {
  /** Path of the first offending field. */
  readonly field: string;
  /** Every problem found, first one first. */
  readonly issues: readonly SpecIssue[];
  /** Creates a validation error from one or more issues. */
  constructor(options: Omit<NovacronErrorOptions, 'message'> & { message?: string; issues: readonly SpecIssue[] }) {
    const first = options.issues[0] ?? { field: '(root)', message: 'invalid input' };
    const message =
      options.message ??
      (options.issues.length <= 1
        ? `invalid spec: ${first.field}: ${first.message}`
        : `invalid spec: ${options.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    super('INVALID_SPEC', false, { ...options, message });
    this.name = 'InvalidSpecError';
    this.field = first.field;
    this.issues = options.issues.map((i) => ({ field: i.field, message: redactString(i.message) }));
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is InvalidSpecError {
    return invalidSpec.isInstance(value);
  }
}

const unsupported = defineErrorClass('UNSUPPORTED');
/** The provider does not offer this capability (see `ProviderV1.capabilities`). */
export class UnsupportedError extends NovacronError {
  /** The capability or operation that is missing. */
  readonly capability: string | undefined;
  /** Creates an unsupported-capability error. */
  constructor(options: NovacronErrorOptions & { capability?: string | undefined }) {
    super('UNSUPPORTED', false, options);
    this.name = 'UnsupportedError';
    this.capability = options.capability;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is UnsupportedError {
    return unsupported.isInstance(value);
  }
}

const unavailable = defineErrorClass('PROVIDER_UNAVAILABLE');
/** The cloud's API could not be reached or failed on its side (5xx, network errors). */
export class ProviderUnavailableError extends NovacronError {
  /**
   * A resource the failed call *did* create, when the failure came after the cloud accepted it
   * (e.g. an instance launched whose record could not be written): it exists and should be
   * adopted, not created again elsewhere. `undefined` says nothing either way.
   */
  readonly resourceId: string | undefined;
  /** Creates a provider-unavailable error. */
  constructor(options: NovacronErrorOptions & { resourceId?: string | undefined }) {
    super('PROVIDER_UNAVAILABLE', true, options);
    this.name = 'ProviderUnavailableError';
    this.resourceId = options.resourceId;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is ProviderUnavailableError {
    return unavailable.isInstance(value);
  }
}

const timeout = defineErrorClass('TIMEOUT');
/**
 * A wait ran out of time, or a call that changes state got no answer in time. The resource may
 * still come into being: `resourceId` names it when it is known, so that the caller never loses
 * track of it; either way this is never proof that nothing happened.
 */
export class TimeoutError extends NovacronError {
  /** Identifier of the resource being waited for, when known. */
  readonly resourceId: string | undefined;
  /** Creates a timeout error. */
  constructor(options: NovacronErrorOptions & { resourceId?: string | undefined }) {
    super('TIMEOUT', true, options);
    this.name = 'TimeoutError';
    this.resourceId = options.resourceId;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is TimeoutError {
    return timeout.isInstance(value);
  }
}

const aborted = defineErrorClass('ABORTED');
/**
 * The caller cancelled the operation through its `AbortSignal` (an abort, or the signal's own
 * timeout such as `AbortSignal.timeout`). Named `AbortError` like the platform's, so code that
 * checks `error.name === 'AbortError'` keeps working; `reason` keeps the signal's reason.
 */
export class AbortError extends NovacronError {
  /** The signal's reason, reduced to its safe fields. */
  readonly reason: Error | undefined;
  /** Creates an abort error. */
  constructor(options: NovacronErrorOptions & { reason?: unknown }) {
    super('ABORTED', false, options);
    this.name = 'AbortError';
    this.reason = ErrorCause.from(options.reason);
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is AbortError {
    return aborted.isInstance(value);
  }
}

/**
 * True for a cancellation by the caller: a novacron {@link AbortError}, or what an aborted
 * `AbortSignal` rejects with (a DOMException named `AbortError`, or `TimeoutError` for
 * `AbortSignal.timeout`). A novacron {@link TimeoutError} (a deadline of novacron's own) is not one.
 */
export function isAbortError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (AbortError.isInstance(error)) return true;
  if (NovacronError.isInstance(error)) return false;
  const name = (error as { name?: unknown }).name;
  return name === 'AbortError' || (name === 'TimeoutError' && typeof DOMException !== 'undefined' && error instanceof DOMException);
}

const FENCED_MARKER = Symbol.for('novacron.error.FENCED');
/**
 * A write guarded by a lease's fencing token was refused because that token is no longer the
 * lease's current one: another holder has taken the lease since (or the token was never issued).
 * A subclass of {@link ConflictError}, so code that handles conflicts handles this too.
 */
export class FencedError extends ConflictError {
  /** Name of the lease that guarded the write. */
  readonly lease: string;
  /** The token the write carried. */
  readonly token: number;
  /** The lease's current token, when the lease exists. */
  readonly currentToken: number | undefined;
  /** Creates a fenced-write error. */
  constructor(options: NovacronErrorOptions & { lease: string; token: number; currentToken?: number | undefined }) {
    super(options);
    this.name = 'FencedError';
    this.lease = options.lease;
    this.token = options.token;
    this.currentToken = options.currentToken;
    Object.defineProperty(this, FENCED_MARKER, { value: true });
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is FencedError {
    return hasMarker(value, FENCED_MARKER);
  }
}
