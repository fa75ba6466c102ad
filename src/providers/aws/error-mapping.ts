/**
 * Maps AWS errors onto novacron's taxonomy. Failover decisions read only the taxonomy, so this
 * table decides what a federation does when EC2 says no. Codes from the Amazon EC2 API
 * Reference "Error codes" page and the Price List / STS references (read 2026-11). Every
 * mapped error keeps the AWS code, request id and HTTP status in `cause` (via `ErrorCause`).
 *
 * Timeouts of the HTTP handler (see `aws-api.ts`) are told apart by what they prove:
 * - no connection within the connection timeout: the request was never sent, nothing happened
 *   → `ProviderUnavailableError`, for every call;
 * - no answer within the request timeout (or a socket left idle) after the request went out:
 *   on a *mutating* call (RunInstances, TerminateInstances, ...) the cloud may have acted
 *   → `TimeoutError`, the error that never reads as proof that nothing was created; on a read
 *   there is nothing to be unsure about, the provider simply did not answer
 *   → `ProviderUnavailableError`.
 * A connection reset (ECONNRESET, EPIPE: a lost response) stays `ProviderUnavailableError`,
 * which is equally no proof of absence on a mutating call. An error carries `requestSent:
 * false` only when no attempt of the call (the SDK's retries included) can have arrived: a
 * refused connection or an unresolved name on every attempt, so failover may move on at once.
 */
import {
  AuthError,
  CapacityError,
  ConflictError,
  InvalidSpecError,
  isAbortError,
  NotFoundError,
  NovacronError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
  TimeoutError,
  UnsupportedError,
} from '../../provider/errors.js';
import type { CloudCallContext } from '../../provider/call-context.js';
import { requestSentOf } from './attempt-tracking.js';

/** What the failing call was about, so the mapped error can name it. */
export type AwsErrorContext = CloudCallContext;

const CAPACITY = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientHostCapacity',
  'InsufficientCapacity',
  'InsufficientAddressCapacity',
  'InsufficientReservedInstanceCapacity',
  'InsufficientCapacityOnHost',
  'Unsupported',
  'SpotMaxPriceTooLow',
]);
const QUOTA = new Set([
  'InstanceLimitExceeded',
  'VcpuLimitExceeded',
  'MaxSpotInstanceCountExceeded',
  'MaxSpotFleetRequestCountExceeded',
  'ResourceLimitExceeded',
  'VolumeLimitExceeded',
  'AddressLimitExceeded',
  'MaxIOPSLimitExceeded',
  'InstanceCreditLimitExceeded',
  'ServiceQuotaExceededException',
]);
const THROTTLED = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
  'SlowDown',
]);
const AUTH = new Set([
  'AuthFailure',
  'UnauthorizedOperation',
  'Blocked',
  'OptInRequired',
  'PendingVerification',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'AccessDenied',
  'AccessDeniedException',
  'CredentialsProviderError',
  'InvalidAccessKeyId',
]);
const NOT_FOUND = new Set(['InvalidInstanceID.NotFound', 'InvalidVolume.NotFound', 'InvalidExportImageTaskId.NotFound', 'InvalidSnapshot.NotFound', 'NotFoundException']);
const CONFLICT = new Set(['IdempotentParameterMismatch', 'IncorrectInstanceState', 'IncorrectState', 'InvalidAMIName.Duplicate', 'ConcurrentTagAccess', 'IdempotentInstanceTerminated']);
const UNSUPPORTED = new Set(['UnsupportedOperation', 'InvalidAction', 'UnknownOperationException', 'OperationNotPermitted']);
const UNAVAILABLE = new Set(['InternalError', 'InternalFailure', 'InternalErrorException', 'ServerInternal', 'ServiceUnavailable', 'Unavailable']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'TimeoutError', 'RequestTimeout']);

/**
 * What a timeout of the HTTP handler says: `connect` (no connection was made: nothing was sent)
 * or `answer` (the request may have arrived, no answer came); `undefined` for anything else.
 * The handler names its timeouts, and the resets it sees, `TimeoutError`; resets keep their
 * `code` (ECONNRESET, EPIPE) and are not timeouts.
 */
function transportTimeoutOf(error: unknown): 'connect' | 'answer' | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; code?: unknown; syscall?: unknown; message?: unknown };
  if (e.name !== 'TimeoutError' || e.code === 'ECONNRESET' || e.code === 'EPIPE') return undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  if (e.syscall === 'connect' || /did not establish a connection|^connect ETIMEDOUT/.test(message)) return 'connect';
  return 'answer';
}

/** The AWS error code of a thrown value (`error.name` for SDK service exceptions). */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  if (typeof e.Code === 'string' && e.Code) return e.Code;
  if (typeof e.name === 'string' && e.name && e.name !== 'Error') return e.name;
  if (typeof e.code === 'string' && e.code) return e.code;
  return undefined;
}

function httpStatus(error: unknown): number | undefined {
  const meta = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { $response?: { headers?: Record<string, string> } } | null)?.$response?.headers;
  const value = headers?.['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** The spec field an invalid-parameter error is about, guessed from its code and message. */
export function specFieldOf(code: string, message: string): string {
  if (code.startsWith('InvalidAMIID')) return 'image';
  if (code.startsWith('InvalidSubnetID')) return 'network.subnet';
  if (code.startsWith('InvalidGroup')) return 'network.securityGroups';
  if (code.startsWith('InvalidBlockDeviceMapping')) return 'disk';
  if (code === 'InvalidInstanceType') return 'instanceType';
  if (code.startsWith('InvalidUserData')) return 'userData';
  if (code === 'TagLimitExceeded' || /\btag/i.test(message)) return 'labels';
  if (/iamInstanceProfile|instance profile/i.test(message)) return 'iamRole';
  if (/user data|BASE64/i.test(message)) return 'userData';
  if (/volume ?type|volume ?size|snapshot|iops/i.test(message)) return 'disk';
  if (/instance ?type|architecture/i.test(message)) return 'instanceType';
  if (/availability ?zone/i.test(message)) return 'zone';
  if (/subnet/i.test(message)) return 'network.subnet';
  return '(aws)';
}

function zoneFrom(message: string): string | undefined {
  return /Availability Zone(?: you requested)? \(([a-z0-9-]+)\)/.exec(message)?.[1];
}

/** Converts anything the AWS SDK throws into the novacron error that says what happened. */
export function toNovacronError(error: unknown, ctx: AwsErrorContext): Error {
  if (NovacronError.isInstance(error) || isAbortError(error)) return error as Error;
  const code = awsErrorCode(error) ?? 'Unknown';
  const rawMessage = error instanceof Error ? error.message : String(error);
  const message = `${ctx.operation}: ${code}: ${rawMessage}`;
  // `false` only when every SDK attempt failed before sending (see attempt-tracking.ts).
  const base = { provider: ctx.provider, cause: error, message, requestSent: requestSentOf(error) };
  const status = httpStatus(error);

  const timeout = transportTimeoutOf(error);
  if (timeout === 'answer' && ctx.mutating === true) {
    return new TimeoutError({ ...base, message: `${ctx.operation}: no answer in time; the request may have taken effect: ${rawMessage}`, resourceId: ctx.resourceId });
  }
  if (timeout !== undefined) return new ProviderUnavailableError(base);
  if (CAPACITY.has(code)) {
    return new CapacityError({ ...base, region: ctx.region, zone: zoneFrom(rawMessage) ?? ctx.zone, instanceType: ctx.instanceType, retryable: code !== 'SpotMaxPriceTooLow' });
  }
  if (QUOTA.has(code)) return new QuotaError({ ...base, region: ctx.region, quotaName: code });
  if (THROTTLED.has(code) || status === 429) return new ThrottledError({ ...base, retryAfterMs: retryAfterMs(error) });
  if (AUTH.has(code) || status === 401 || status === 403) return new AuthError(base);
  if (NOT_FOUND.has(code)) return new NotFoundError({ ...base, resourceType: ctx.resourceType, resourceId: ctx.resourceId });
  if (CONFLICT.has(code)) return new ConflictError(base);
  if (UNSUPPORTED.has(code)) return new UnsupportedError({ ...base, capability: ctx.operation });
  if (UNAVAILABLE.has(code) || NETWORK.has(code) || (status !== undefined && status >= 500)) return new ProviderUnavailableError(base);
  if (code.startsWith('Invalid') || code.startsWith('Missing') || code === 'TagLimitExceeded' || code === 'ValidationException' || status === 400) {
    return new InvalidSpecError({ provider: ctx.provider, cause: error, message, issues: [{ field: specFieldOf(code, rawMessage), message: `${code}: ${rawMessage}` }] });
  }
  // A code this table does not know is read by its HTTP status: a 4xx refuses this request, it
  // is not an outage of the whole provider (which would block it for every request).
  if (status === 404) return new NotFoundError({ ...base, resourceType: ctx.resourceType, resourceId: ctx.resourceId });
  if (status === 409 || status === 412) return new ConflictError(base);
  if (status !== undefined && status >= 400 && status < 500) {
    return new InvalidSpecError({ provider: ctx.provider, cause: error, message, issues: [{ field: specFieldOf(code, rawMessage), message: `${code} (HTTP ${status}): ${rawMessage}` }] });
  }
  return new ProviderUnavailableError({ ...base, retryable: false });
}
