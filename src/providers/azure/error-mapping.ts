/**
 * Maps what the Azure SDKs throw onto novacron's taxonomy. Failover decisions read only the
 * taxonomy, so this table decides what a federation does when Azure says no.
 *
 * Shapes (read from @typespec/ts-http-runtime, @azure-rest/core-client 2.7 and @azure/core-lro 3,
 * 2026-12): a failed call throws a `RestError` with the ARM error `code`, the HTTP `statusCode`
 * and the response (its headers carry `x-ms-request-id` and `Retry-After`); a long-running
 * operation that ends `Failed` rejects with a plain `Error` whose message is
 * `The long-running operation has failed. <code>. <message>`; a request that timed out or was
 * cancelled is an `AbortError`; a credential that cannot give a token throws
 * `CredentialUnavailableError` / `AuthenticationError` (@azure/identity).
 *
 * Codes: Azure Resource Manager "Troubleshoot common Azure deployment errors"
 * (learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors) and
 * "Troubleshoot allocation failures" (learn.microsoft.com/troubleshoot/azure/virtual-machines/
 * allocation-failure), read 2026-12. Every mapped error keeps the ARM code, the HTTP status and
 * the `x-ms-request-id` in `cause` (an `ErrorCause`, free of secrets).
 */
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
import type { CloudCallContext } from '../../provider/call-context.js';

/** What the failing call was about, so the mapped error can name it. */
export type AzureErrorContext = CloudCallContext;

/** What the pipeline saw of the call's HTTP attempts (see `call-tracking.ts`). */
export interface AzureWireFacts {
  /** `x-ms-request-id` of the last answer. */
  readonly requestId?: string | undefined;
  /** Retry-After of the last answer, in ms. */
  readonly retryAfterMs?: number | undefined;
  /** `false` when no attempt can have reached Azure; `undefined` when some may have. */
  readonly requestSent?: false | undefined;
}

const CAPACITY = new Set([
  'SkuNotAvailable',
  'AllocationFailed',
  'ZonalAllocationFailed',
  'OverconstrainedAllocationRequest',
  'OverconstrainedZonalAllocationRequest',
  'AllocationFailedNoCapacity',
]);
const QUOTA = new Set(['QuotaExceeded', 'OperationNotAllowed', 'ResourceQuotaExceeded', 'SpotQuotaExceeded', 'LowPriorityQuotaExceeded']);
const THROTTLED = new Set(['TooManyRequests', 'RetryableError', 'SubscriptionRequestsThrottled', 'ResourceRequestsThrottled', 'TenantRequestsThrottled', 'Throttled']);
const AUTH = new Set([
  'AuthorizationFailed',
  'AuthenticationFailed',
  'AuthenticationFailedMissingToken',
  'InvalidAuthenticationToken',
  'InvalidAuthenticationTokenTenant',
  'InvalidAuthenticationTokenAudience',
  'ExpiredAuthenticationToken',
  'LinkedAuthorizationFailed',
  'SubscriptionNotFound',
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
]);
const NOT_FOUND = new Set(['ResourceNotFound', 'NotFound', 'ResourceGroupNotFound', 'ParentResourceNotFound']);
const CONFLICT = new Set(['Conflict', 'AnotherOperationInProgress', 'OperationPreempted', 'PropertyChangeNotAllowed', 'ConflictingUserInput', 'PreconditionFailed']);
const INVALID = new Set([
  'InvalidParameter',
  'InvalidTemplate',
  'InvalidTemplateDeployment',
  'InvalidRequestContent',
  'InvalidRequestFormat',
  'InvalidResourceReference',
  'InvalidResourceName',
  'InvalidResourceLocation',
  'LocationNotAvailableForResourceType',
  'NoRegisteredProviderFound',
  'ImageNotFound',
  'PlatformImageNotFound',
  'VMMarketplaceInvalidInput',
  'BadRequest',
  'MissingRequiredParameter',
]);
const UNAVAILABLE = new Set(['InternalServerError', 'InternalExecutionError', 'ServiceUnavailable', 'GatewayTimeout', 'InternalOperationError', 'ServerTimeout']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'REQUEST_SEND_ERROR', 'PARSE_ERROR']);
/** Codes that wrap others: the first detail names the real failure. */
const WRAPPERS = new Set(['OperationFailed', 'DeploymentFailed', 'MultipleErrorsOccurred', 'ResourceDeploymentFailure']);

const LRO_FAILURE = /^The long-running operation has failed\. ([A-Za-z][A-Za-z0-9.]*)\. ([\s\S]*)$/;

interface ErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
  readonly details?: unknown;
  readonly response?: { readonly status?: unknown; readonly headers?: { get?(name: string): string | undefined } | undefined } | undefined;
}

interface ArmErrorBody {
  readonly code?: string;
  readonly message?: string;
  readonly target?: string;
  readonly details?: readonly ArmErrorBody[];
}

function shapeOf(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

/** The ARM error body a RestError carries in `details` (the SDK's `cloudErrorDeserializer` output), if any. */
function armBodyOf(error: unknown): ArmErrorBody | undefined {
  const details = shapeOf(error).details as { error?: ArmErrorBody } | undefined;
  return details && typeof details === 'object' && details.error && typeof details.error === 'object' ? details.error : undefined;
}

/** The ARM error code of a thrown value (a wrapper's first detail when the top code only wraps). */
export function azureErrorCode(error: unknown): string | undefined {
  const e = shapeOf(error);
  const body = armBodyOf(error);
  if (typeof e.message === 'string') {
    const lro = LRO_FAILURE.exec(e.message);
    if (lro) return lro[1];
  }
  const top = typeof e.code === 'string' && e.code ? e.code : body?.code;
  if (top !== undefined && WRAPPERS.has(top) && body?.details?.[0]?.code) return body.details[0].code;
  if (top !== undefined) return top;
  if (typeof e.name === 'string' && e.name !== 'Error' && e.name !== 'RestError') return e.name;
  return undefined;
}

/** HTTP status of a thrown value. */
function httpStatus(error: unknown): number | undefined {
  const e = shapeOf(error);
  if (typeof e.statusCode === 'number') return e.statusCode;
  return typeof e.response?.status === 'number' ? e.response.status : undefined;
}

/** A header of the failed response. */
function header(error: unknown, name: string): string | undefined {
  const headers = shapeOf(error).response?.headers;
  return typeof headers?.get === 'function' ? headers.get(name) : undefined;
}

/** Retry-After in ms from `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (seconds or an HTTP date). */
export function retryAfterFromHeaders(get: (name: string) => string | undefined): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(get(name));
    if (get(name) !== undefined && Number.isFinite(ms)) return Math.max(0, ms);
  }
  const value = get('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** The message Azure gave (the LRO failure's own part, without the SDK's preamble). */
function azureMessage(error: unknown): string {
  const e = shapeOf(error);
  const text = typeof e.message === 'string' ? e.message : String(error);
  return LRO_FAILURE.exec(text)?.[2] ?? text;
}

/**
 * The spec field an invalid-input error is about, from ARM's `target` (a property path of the
 * request body) or, failing that, the message.
 */
export function specFieldOf(code: string, target: string | undefined, message: string): string {
  const t = (target ?? '').toLowerCase();
  const m = message.toLowerCase();
  const either = (re: RegExp): boolean => re.test(t) || (t === '' && re.test(m));
  if (code === 'ImageNotFound' || code === 'PlatformImageNotFound' || code === 'VMMarketplaceInvalidInput' || either(/imagereference|\bimage\b/)) return 'image';
  if (code === 'LocationNotAvailableForResourceType' || code === 'NoRegisteredProviderFound' || code === 'InvalidResourceLocation' || either(/^location$|\blocation\b/)) return 'region';
  if (either(/vmsize|hardwareprofile|\bsize\b/)) return 'instanceType';
  if (either(/storageaccounttype|managed ?disk type|disk type/)) return 'disk.type';
  if (either(/disksizegb|disk ?size|osdisk/)) return 'disk';
  if (either(/customdata|userdata/)) return 'userData';
  if (either(/adminpassword|password/)) return 'defaults.adminPassword';
  if (either(/publickeys|ssh/)) return 'defaults.sshPublicKey';
  if (either(/adminusername|admin user/)) return 'defaults.adminUsername';
  if (either(/maxprice|billingprofile/)) return 'spotMaxPrice';
  if (either(/priority|evictionpolicy|spot/)) return 'spot';
  if (either(/\bzones?\b/)) return 'zone';
  if (either(/\btags?\b|tagname/)) return 'labels';
  if (either(/identity/)) return 'iamRole';
  if (either(/networksecuritygroups?|\bnsg\b/)) return 'network.securityGroups';
  if (either(/subnets?\b/)) return 'network.subnet';
  if (either(/virtualnetworks?|\bvnet\b/)) return 'network.network';
  if (either(/computername|\bname\b/)) return 'name';
  return '(azure)';
}

/** The zone an allocation failure names (`... in zone '2' ...`), when it does. */
function zoneFrom(message: string): string | undefined {
  return /\bzones?\s*'?([1-9])'?/i.exec(message)?.[1];
}

/** The quota a quota error names (`... exceeding approved standardDSv3Family Cores quota`), when it does. */
function quotaNameFrom(code: string, message: string): string {
  return /exceeding (?:approved )?(.+?) quota/i.exec(message)?.[1] ?? code;
}

/** `OperationNotAllowed` means a quota in most answers; when it speaks of the VM's state it is a conflict. */
function isStateConflict(message: string): boolean {
  return /not allowed (since|because|while|on)|in progress|is (being )?(de)?allocat|current state/i.test(message) && !/quota/i.test(message);
}

/** Converts anything the Azure SDK throws into the novacron error that says what happened. */
export function toNovacronError(error: unknown, ctx: AzureErrorContext, facts: AzureWireFacts = {}): Error {
  if (NovacronError.isInstance(error)) return error as Error;
  const code = azureErrorCode(error) ?? 'Unknown';
  const status = httpStatus(error);
  const rawMessage = azureMessage(error);
  const requestId = header(error, 'x-ms-request-id') ?? facts.requestId;
  const cause = new ErrorCause({
    name: typeof shapeOf(error).name === 'string' ? (shapeOf(error).name as string) : 'Error',
    message: rawMessage,
    code,
    requestId,
    statusCode: status,
    stack: error instanceof Error ? error.stack : undefined,
  });
  const message = `${ctx.operation}: ${code}: ${rawMessage}${requestId ? ` (x-ms-request-id ${requestId})` : ''}`;
  const base = { provider: ctx.provider, cause, message, requestSent: facts.requestSent };

  // A request timeout of the pipeline (the caller's own abort is handled before mapping).
  if (isAbortError(error)) {
    if (ctx.mutating === true && facts.requestSent !== false) {
      return new TimeoutError({ ...base, message: `${ctx.operation}: no answer in time; the request may have taken effect`, resourceId: ctx.resourceId });
    }
    return new ProviderUnavailableError({ ...base, message: `${ctx.operation}: no answer in time` });
  }
  if (CAPACITY.has(code)) {
    return new CapacityError({ ...base, region: ctx.region, zone: zoneFrom(rawMessage) ?? ctx.zone, instanceType: ctx.instanceType });
  }
  // 429 first: the compute RP says throttling as `OperationNotAllowed` ("The server rejected the
  // request because too many requests have been received for this subscription."), HTTP 429.
  if (THROTTLED.has(code) || status === 429) {
    return new ThrottledError({ ...base, retryAfterMs: retryAfterFromHeaders((n) => header(error, n)) ?? facts.retryAfterMs });
  }
  if (code === 'OperationNotAllowed' && isStateConflict(rawMessage)) return new ConflictError(base);
  if (QUOTA.has(code)) return new QuotaError({ ...base, region: ctx.region, quotaName: quotaNameFrom(code, rawMessage) });
  if (AUTH.has(code) || status === 401 || status === 403) return new AuthError(base);
  if (CONFLICT.has(code) || status === 409 || status === 412) return new ConflictError(base);
  if (NOT_FOUND.has(code)) return new NotFoundError({ ...base, resourceType: ctx.resourceType, resourceId: ctx.resourceId });
  const invalid = (): InvalidSpecError => {
    const body = armBodyOf(error);
    const target = body?.target ?? body?.details?.[0]?.target;
    return new InvalidSpecError({ provider: ctx.provider, cause, message, issues: [{ field: specFieldOf(code, target, rawMessage), message: `${code}: ${rawMessage}` }] });
  };
  // An image or a subnet the request names that does not exist is bad input, whatever its status.
  if (INVALID.has(code)) return invalid();
  if (status === 404) return new NotFoundError({ ...base, resourceType: ctx.resourceType, resourceId: ctx.resourceId });
  if (UNAVAILABLE.has(code) || NETWORK.has(code) || (status !== undefined && status >= 500)) return new ProviderUnavailableError(base);
  if (code.startsWith('Invalid') || (status !== undefined && status >= 400 && status < 500)) return invalid();
  return new ProviderUnavailableError({ ...base, retryable: false });
}
