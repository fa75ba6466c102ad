/**
 * The error taxonomy shared by every provider. Failover decisions are made from these
 * classes alone, so every adapter maps its cloud's errors onto them.
 *
 * `isInstance` checks a `Symbol.for` marker rather than `instanceof`, so an error thrown by
 * one copy of the package is recognized by another copy loaded elsewhere in the process.
 */
import { INSPECT } from './display.js';
import { redactString } from './redact.js';

/**
 * The codes novacron itself raises, one per error class:
 * - `NOVACRON_ERROR`: a novacron error of no more specific class.
 * - `CAPACITY`: the cloud has no room for the request where it was asked ({@link CapacityError}).
 * - `QUOTA`: an account limit would be exceeded ({@link QuotaError}).
 * - `THROTTLED`: the cloud asked us to slow down ({@link ThrottledError}).
 * - `AUTH`: credentials are missing, wrong, expired or not allowed ({@link AuthError}).
 * - `NOT_FOUND`: the resource does not exist, or no longer does ({@link NotFoundError}).
 * - `CONFLICT`: the request contradicts current state: a reused idempotency key, a stale
 *   version, a stale fencing token ({@link ConflictError}, and `FencedError` in the state layer).
 * - `INVALID_SPEC`: the input is malformed; raised before anything is sent ({@link InvalidSpecError}).
 * - `UNSUPPORTED`: the provider lacks the capability ({@link UnsupportedError}).
 * - `PROVIDER_UNAVAILABLE`: the cloud's API could not be reached or failed on its side ({@link ProviderUnavailableError}).
 * - `TIMEOUT`: a wait or a state-changing call ran out of time ({@link TimeoutError}).
 * - `ABORTED`: the caller cancelled through its `AbortSignal` ({@link AbortError}).
 * - `PLACEMENT_REFUSED`: no candidate satisfies the constraints and policies (federation layer).
 * - `ALL_CANDIDATES_FAILED`: every candidate was tried and refused (federation layer).
 * - `GROUP_INCOMPLETE`: a group was only partly created (federation layer).
 * - `OUTCOME_UNCERTAIN`: a cloud call may have acted and the provider could not say (federation layer).
 */
export type KnownErrorCode =
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

/**
 * A stable machine-readable error code: one of the {@link KnownErrorCode}s, or a code another
 * module defines for its own error classes (upper snake case by convention, e.g. `FENCED`). The
 * set is open: compare against the codes you handle and treat any other as a plain
 * {@link NovacronError}.
 */
export type NovacronErrorCode = KnownErrorCode | (string & {});

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

/** The process-wide marker of an error code: the same symbol in every copy of the package. */
function markerFor(code: NovacronErrorCode): symbol {
  return Symbol.for(`novacron.error.${code}`);
}

/** Longest error message kept, in characters: messages quote input, and input can be huge. */
const MAX_MESSAGE_CHARS = 4_000;
/** Longest field path or message of one spec issue. */
const MAX_ISSUE_CHARS = 400;

/** `text` cut to `max` characters, saying how much was left out. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * Base of every error novacron throws on purpose.
 *
 * Each error carries a `Symbol.for` marker of its code (besides the marker every novacron error
 * has), so `isInstance` recognizes errors made by another copy of the package, where
 * `instanceof` would not. A module defines an error class of its own like this:
 *
 * @example
 * ```ts
 * class LeaseLostError extends NovacronError {
 *   constructor(options: NovacronErrorOptions) {
 *     super('LEASE_LOST', false, options);
 *     this.name = 'LeaseLostError';
 *   }
 *   static override isInstance(value: unknown): value is LeaseLostError {
 *     return NovacronError.hasMarker(value, 'LEASE_LOST');
 *   }
 * }
 * ```
 */
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

  /**
   * For subclasses: `code` names the class (and marks the error with it), `retryableByDefault`
   * is its retryability unless `options.retryable` says otherwise.
   */
  protected constructor(code: NovacronErrorCode, retryableByDefault: boolean, options: NovacronErrorOptions) {
    const where = options.provider ? `[novacron] [${options.provider}] ` : '[novacron] ';
    super(where + redactString(clip(options.message, MAX_MESSAGE_CHARS)));
    this.code = code;
    this.retryable = options.retryable ?? retryableByDefault;
    this.provider = options.provider;
    this.requestSent = options.requestSent;
    this.operationId = options.operationId;
    const cause = ErrorCause.from(options.cause);
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause, enumerable: false, writable: true });
    Object.defineProperty(this, BASE_MARKER, { value: true });
    this.addMarker(code);
  }

  /**
   * For subclasses whose message costs work to write: `message` is worked out from `compute` when
   * first read (by `String`, `stack`, a logger or `util.inspect`), with the same prefix, redaction
   * and length limit as one given to the constructor. An error that is caught and dropped costs
   * no message.
   */
  protected deferMessage(compute: () => string): void {
    const prefix = this.provider ? `[novacron] [${this.provider}] ` : '[novacron] ';
    let text: string | undefined;
    Object.defineProperty(this, 'message', {
      get: () => (text ??= prefix + redactString(clip(compute(), MAX_MESSAGE_CHARS))),
      set: (value: string) => {
        text = value;
      },
      enumerable: false,
      configurable: true,
    });
  }

  /** True for any novacron error, from any copy of the package. */
  static isInstance(value: unknown): value is NovacronError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BASE_MARKER] === true;
  }

  /**
   * True when `value` carries the marker of `code`: it was made by a class built on
   * `NovacronError` with that code (or marked with it by {@link NovacronError.addMarker}), in
   * any copy of the package. What subclasses' `isInstance` guards are made of.
   */
  protected static hasMarker(value: unknown, code: NovacronErrorCode): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[markerFor(code)] === true;
  }

  /**
   * Marks this error with a further code, for a subclass that refines a class without changing
   * its `code` (a `FencedError` is a `CONFLICT` and is also marked `FENCED`).
   */
  protected addMarker(code: NovacronErrorCode): void {
    Object.defineProperty(this, markerFor(code), { value: true });
  }

  /** `CapacityError [CAPACITY]: [novacron] [aws-east] …`: the class, its code and the message. */
  override toString(): string {
    return `${this.name} [${this.code}]: ${this.message}`;
  }

  /**
   * What `util.inspect` (and `console.log`) shows: the class, code and retryability, the
   * message, the stack frames, and the cause and operation in a line each — not the error's
   * fields one by one.
   */
  [INSPECT](): string {
    const head = `${this.name} [${this.code}${this.retryable ? ', retryable' : ''}]: ${this.message}`;
    // The stack's own first lines say `Error: …` (the name is set after capture): keep its frames only.
    const stack = this.stack ?? '';
    const at = stack.indexOf('\n    at ');
    const lines = [head + (at === -1 ? '' : stack.slice(at))];
    if (this.cause !== undefined) lines.push(`  cause: ${describeCause(this.cause)}`);
    if (this.operationId !== undefined) lines.push(`  operation: ${this.operationId}`);
    return lines.join('\n');
  }

  /** A JSON form for logs and events (already free of secrets). */
  toJSON(): Record<string, unknown> {
    const { stack: _stack, ...fields } = Object.fromEntries(Object.entries(this));
    return { name: this.name, message: this.message, ...fields, cause: this.cause ? { ...this.cause, name: this.cause.name, message: this.cause.message } : undefined };
  }
}

/** A cause in one line: `InsufficientInstanceCapacity: … (HTTP 500, request r-1)`, or a novacron error's `toString()`. */
function describeCause(cause: Error): string {
  if (NovacronError.isInstance(cause)) return cause.toString();
  const facts: string[] = [];
  if (cause instanceof ErrorCause) {
    if (cause.code !== undefined && cause.code !== cause.name) facts.push(`code ${cause.code}`);
    if (cause.statusCode !== undefined) facts.push(`HTTP ${cause.statusCode}`);
    if (cause.requestId !== undefined) facts.push(`request ${cause.requestId}`);
  }
  return `${cause.name}${cause.message ? `: ${cause.message}` : ''}${facts.length ? ` (${facts.join(', ')})` : ''}`;
}

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
    return NovacronError.hasMarker(value, 'CAPACITY');
  }
}

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
    return NovacronError.hasMarker(value, 'QUOTA');
  }
}

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
    return NovacronError.hasMarker(value, 'THROTTLED');
  }
}

/** Credentials are missing, wrong, expired, or not allowed to do this. */
export class AuthError extends NovacronError {
  /** Creates an authentication or authorization error. */
  constructor(options: NovacronErrorOptions) {
    super('AUTH', false, options);
    this.name = 'AuthError';
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is AuthError {
    return NovacronError.hasMarker(value, 'AUTH');
  }
}

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
    return NovacronError.hasMarker(value, 'NOT_FOUND');
  }
}

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
    return NovacronError.hasMarker(value, 'CONFLICT');
  }
}

/** One problem found in an input, with the path of the field it concerns. */
export interface SpecIssue {
  /** Dotted path of the field, e.g. `disk.type` or `labels.Team`. */
  readonly field: string;
  /** What is wrong and what was expected. */
  readonly message: string;
}

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
        ? `invalid spec: ${clip(first.field, MAX_ISSUE_CHARS)}: ${clip(first.message, MAX_ISSUE_CHARS)}`
        : `invalid spec: ${options.issues.map((i) => `${clip(i.field, MAX_ISSUE_CHARS)}: ${clip(i.message, MAX_ISSUE_CHARS)}`).join('; ')}`);
    super('INVALID_SPEC', false, { ...options, message });
    this.name = 'InvalidSpecError';
    this.field = first.field;
    this.issues = options.issues.map((i) => ({ field: clip(i.field, MAX_ISSUE_CHARS), message: redactString(clip(i.message, MAX_ISSUE_CHARS)) }));
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is InvalidSpecError {
    return NovacronError.hasMarker(value, 'INVALID_SPEC');
  }
}

/**
 * Runs `fn` and re-throws an InvalidSpecError it raised without a provider name with `provider`'s
 * on it (a shared mapping table knows the field, the adapter knows who refused).
 */
export function withProviderName<T>(provider: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (InvalidSpecError.isInstance(error) && error.provider === undefined) throw new InvalidSpecError({ provider, issues: error.issues });
    throw error;
  }
}

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
    return NovacronError.hasMarker(value, 'UNSUPPORTED');
  }
}

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
    return NovacronError.hasMarker(value, 'PROVIDER_UNAVAILABLE');
  }
}

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
    return NovacronError.hasMarker(value, 'TIMEOUT');
  }
}

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
    return NovacronError.hasMarker(value, 'ABORTED');
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
