/**
 * How the ARM emulator answers: JSON with ARM's headers on every response (`x-ms-request-id`,
 * `x-ms-correlation-request-id` echoing the client's, `x-ms-routing-request-id`, the
 * `x-ms-ratelimit-remaining-*` counts, no-cache headers), errors in ARM's body shape, and the
 * fault plan's refusals in ARM's words:
 * - throttling: 429 with `Retry-After`. A compute RP operation answers as the compute RP does,
 *   `OperationNotAllowed` "The server rejected the request because too many requests have been
 *   received for this subscription." with a `TooManyRequests` detail naming the policy
 *   (learn.microsoft.com "Troubleshooting API throttling errors", read 2026-12) — so a client must
 *   look at the status, not only the code; other operations answer as ARM's front door,
 *   `SubscriptionRequestsThrottled` (learn.microsoft.com "Throttling Resource Manager requests"
 *   and the AKS `TooManyRequestsReceived`/`SubscriptionRequestsThrottled` troubleshooting page, read 2026-12);
 * - expired credentials: 401 `ExpiredAuthenticationToken` with a `WWW-Authenticate` challenge;
 * - capacity: 409 `SkuNotAvailable`; quota: 409 `OperationNotAllowed` (compute RP words, see
 *   `vm-allocation.ts`); unavailability: 503 `ServiceUnavailable` with `Retry-After`; internal:
 *   500 `InternalExecutionError` (compute) or `InternalServerError`.
 */
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import type { FaultKind } from '../kit/fault-plan.js';
import { defineFaultWireForm, retryAfterHeader, type FaultWireForm, type SpokenFault } from '../kit/fault-wire-form.js';
import { ArmError } from './arm-error.js';
import { expiredTokenError } from './arm-authentication.js';
import type { RateLimitCounters } from './rate-limit-headers.js';

/** What the responder needs to know. */
export interface ArmWireContext {
  /** The subscription. */
  readonly subscriptionId: string;
  /** The tenant (for `WWW-Authenticate`). */
  readonly tenantId: string;
  /** The region written into `x-ms-routing-request-id`. */
  readonly routingRegion: string;
  /** Clock, epoch ms. */
  readonly now: () => number;
  /** Request counts for the rate-limit headers. */
  readonly counters: RateLimitCounters;
}

/** Operation name prefixes answered by the compute RP. */
const COMPUTE_PREFIXES = ['virtualMachines.', 'disks.', 'snapshots.', 'resourceSkus.', 'computeOperations.', 'diskOperations.'];

/** True when the compute RP answers `operation`. */
export function isComputeOperation(operation: string): boolean {
  return COMPUTE_PREFIXES.some((p) => operation.startsWith(p));
}

const DEFAULT_CODES: Readonly<Record<FaultKind, string>> = {
  capacity: 'SkuNotAvailable',
  quota: 'OperationNotAllowed',
  throttled: 'TooManyRequests',
  unavailable: 'ServiceUnavailable',
  auth: 'ExpiredAuthenticationToken',
  invalid: 'InvalidParameter',
  'not-found': 'ResourceNotFound',
  conflict: 'Conflict',
  internal: 'InternalServerError',
};

const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  SkuNotAvailable: 409,
  AllocationFailed: 409,
  ZonalAllocationFailed: 409,
  OverconstrainedAllocationRequest: 409,
  OperationNotAllowed: 409,
  QuotaExceeded: 409,
  TooManyRequests: 429,
  SubscriptionRequestsThrottled: 429,
  RetryableError: 429,
  ServiceUnavailable: 503,
  ExpiredAuthenticationToken: 401,
  InvalidAuthenticationToken: 401,
  AuthenticationFailed: 401,
  AuthorizationFailed: 403,
  ResourceNotFound: 404,
  NotFound: 404,
  ResourceGroupNotFound: 404,
  Conflict: 409,
  InternalServerError: 500,
  InternalExecutionError: 500,
};

/** The HTTP status ARM answers an error code with (409 for allocation and quota codes, 500 when unknown). */
export function statusOfArmCode(code: string): number {
  return STATUS_OF_CODE[code] ?? 500;
}

function isoNoMs(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Writes the emulator's answers. */
export class ArmResponder {
  /** The fault plan's refusals in ARM's words. */
  readonly faultWireForm: FaultWireForm;

  /** A responder for one emulated subscription. */
  constructor(private readonly ctx: ArmWireContext) {
    this.faultWireForm = defineFaultWireForm({
      codes: (kind, operation) => (kind === 'internal' && isComputeOperation(operation) ? 'InternalExecutionError' : DEFAULT_CODES[kind]),
      statusOfCode: (code) => STATUS_OF_CODE[code],
      render: (fault, { request, operation }) => this.error(request, operation, this.faultError(fault, request, operation)),
    });
  }

  /** A JSON answer (`body` undefined: no body). */
  json(request: EmulatorRequest, operation: string, status: number, body?: unknown, headers: Readonly<Record<string, string>> = {}): EmulatorResponse {
    return {
      status,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...this.headers(request, operation, false), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    };
  }

  /** An error answer. */
  error(request: EmulatorRequest, operation: string, error: ArmError): EmulatorResponse {
    return {
      status: error.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...this.headers(request, operation, error.status === 429), ...error.extras.headers },
      body: JSON.stringify(error.body()),
      errorCode: error.code,
    };
  }

  /** The headers every ARM answer carries. */
  private headers(request: EmulatorRequest, operation: string, throttled: boolean): Record<string, string> {
    const now = this.ctx.now();
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    return {
      'cache-control': 'no-cache',
      pragma: 'no-cache',
      expires: '-1',
      'x-ms-request-id': request.id,
      'x-ms-correlation-request-id': request.header('x-ms-correlation-request-id') ?? request.id,
      ...(request.header('x-ms-client-request-id') !== undefined ? { 'x-ms-client-request-id': request.header('x-ms-client-request-id')! } : {}),
      'x-ms-routing-request-id': `${this.ctx.routingRegion.toUpperCase()}:${stamp}:${request.id}`,
      ...this.ctx.counters.count(request.method, operation === 'virtualMachines.createOrUpdate', throttled),
    };
  }

  private faultError(fault: SpokenFault, request: EmulatorRequest, operation: string): ArmError {
    const retry = retryAfterHeader(fault.retryAfterMs ?? 0);
    const retrySeconds = retry['retry-after'] ?? '0';
    if (fault.kind === 'auth' && fault.code === 'ExpiredAuthenticationToken') {
      return expiredTokenError(this.ctx.tenantId, Math.floor(this.ctx.now() / 1000) - 60, this.ctx.now());
    }
    if (fault.kind === 'throttled' && fault.code === 'TooManyRequests' && fault.status === 429) {
      if (isComputeOperation(operation)) return this.computeThrottle(request, operation, retry);
      const kind = request.method === 'GET' ? 'read' : request.method === 'DELETE' ? 'delete' : 'write';
      const limit = kind === 'read' ? 12_000 : kind === 'delete' ? 15_000 : 1_200;
      return new ArmError(
        429,
        'SubscriptionRequestsThrottled',
        `Number of '${kind}' requests for subscription '${this.ctx.subscriptionId}' actually exceeded the limit of '${limit}' for time interval '01:00:00'. Please try again after '${retrySeconds}' seconds.`,
        { headers: retry },
      );
    }
    const headers = fault.status === 429 || fault.status === 503 ? retry : {};
    return new ArmError(fault.status, fault.code, fault.message, { headers });
  }

  private computeThrottle(request: EmulatorRequest, operation: string, retry: Record<string, string>): ArmError {
    const now = this.ctx.now();
    const vmWrite = operation === 'virtualMachines.createOrUpdate';
    const policy = vmWrite ? this.ctx.counters.putVmPolicy() : { name: request.method === 'GET' ? 'LowCostGet3Min' : 'HighCostVMWrite3Min', limit: 0, used: 0, windowMs: 3 * 60_000 };
    const detail = JSON.stringify({ operationGroup: policy.name, startTime: isoNoMs(now - policy.windowMs), endTime: isoNoMs(now), allowedRequestCount: policy.limit, measuredRequestCount: policy.used + 1 });
    return new ArmError(429, 'OperationNotAllowed', 'The server rejected the request because too many requests have been received for this subscription.', {
      details: [{ code: 'TooManyRequests', target: policy.name, message: detail }],
      headers: retry,
    });
  }
}
