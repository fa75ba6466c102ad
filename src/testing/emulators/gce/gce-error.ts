/**
 * Compute Engine's error answers. GCE answers a refused call with
 * `{ error: { code, message, errors: [{ message, domain, reason }] } }` (the v1 REST error
 * document, with `status` on the errors that come from the front end: 401, 429), and says the
 * failure of accepted work inside the DONE operation instead (see `gce-operations-store.ts`).
 * Shapes from the Compute Engine REST reference and the errors seen by GCE's users
 * (cloud.google.com/compute/docs/troubleshooting/troubleshooting-vm-creation,
 * cloud.google.com/compute/api-docs/errors; read 2026-12 with the project's search tool).
 */
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import { defineFaultWireForm, retryAfterHeader, type FaultWireForm } from '../kit/fault-wire-form.js';
import type { FaultKind } from '../kit/fault-plan.js';

/** What an error answer carries besides status, reason and message. */
export interface GceErrorExtra {
  /** The error's domain (`global` unless told). */
  readonly domain?: string | undefined;
  /** google.rpc status name (`UNAUTHENTICATED`, `RESOURCE_EXHAUSTED`), when GCE sends one. */
  readonly statusName?: string | undefined;
  /** `location` of the error item (`Authorization`). */
  readonly location?: string | undefined;
  /** `locationType` of the error item (`header`). */
  readonly locationType?: string | undefined;
  /** google.rpc details. */
  readonly details?: readonly unknown[] | undefined;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** A refusal in Compute Engine's words, thrown by handlers and written by {@link gceErrorResponse}. */
export class GceError extends Error {
  /** Creates the error. */
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** GCE's reason (`notFound`, `alreadyExists`, `invalid`, `badRequest`, ...). */
    readonly reason: string,
    message: string,
    /** The other parts of the answer. */
    readonly extra: GceErrorExtra = {},
  ) {
    super(message);
    this.name = 'GceError';
  }
}

/** The JSON error answer of a {@link GceError}. */
export function gceErrorResponse(error: GceError): EmulatorResponse {
  const item: Record<string, string> = { message: error.message, domain: error.extra.domain ?? 'global', reason: error.reason };
  if (error.extra.location !== undefined) item.location = error.extra.location;
  if (error.extra.locationType !== undefined) item.locationType = error.extra.locationType;
  const body: Record<string, unknown> = { code: error.status, message: error.message, errors: [item] };
  if (error.extra.statusName !== undefined) body.status = error.extra.statusName;
  if (error.extra.details !== undefined) body.details = error.extra.details;
  return jsonResponse(error.status, { error: body }, error.extra.headers ?? {}, error.reason);
}

/** `Invalid value for field '<field>': '<value>'. <why>` — GCE's 400 for a bad field. */
export function invalidField(field: string, value: unknown, why: string): GceError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return new GceError(400, 'invalid', `Invalid value for field '${field}': '${shown}'. ${why}`);
}

/** `The resource '<path>' was not found` — GCE's 404. */
export function notFound(path: string): GceError {
  return new GceError(404, 'notFound', `The resource '${path}' was not found`);
}

/** `The resource '<path>' already exists` — GCE's 409. */
export function alreadyExists(path: string): GceError {
  return new GceError(409, 'alreadyExists', `The resource '${path}' already exists`);
}

/** `The resource '<path>' is not ready` — GCE's 400 for an action on a resource in transition. */
export function notReady(path: string): GceError {
  return new GceError(400, 'resourceNotReady', `The resource '${path}' is not ready`);
}

/** GCE's 401 for a missing, unknown or expired token (the front end's words). */
export function unauthenticated(): GceError {
  return new GceError(
    401,
    'authError',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    { statusName: 'UNAUTHENTICATED', location: 'Authorization', locationType: 'header', headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' } },
  );
}

/** The API rate limit the call counts against: GCE keeps read and write (operation) request limits apart. */
function rateLimitMetric(operation: string): string {
  if (/\.(get|list|aggregatedList|getFromFamily)$/.test(operation)) return 'Read requests';
  if (/Operations\.(wait)$/.test(operation)) return 'Operation read requests';
  return 'Heavy-weight mutation requests';
}

/** Reasons per kind, as GCE words the refusal of a fault. */
const REASONS: Readonly<Record<FaultKind, string>> = {
  capacity: 'ZONE_RESOURCE_POOL_EXHAUSTED',
  quota: 'quotaExceeded',
  throttled: 'rateLimitExceeded',
  unavailable: 'backendError',
  auth: 'authError',
  invalid: 'invalid',
  'not-found': 'notFound',
  conflict: 'alreadyExists',
  internal: 'backendError',
};

const STATUS_OF_REASON: Readonly<Record<string, number>> = {
  ZONE_RESOURCE_POOL_EXHAUSTED: 503,
  ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS: 503,
  quotaExceeded: 403,
  QUOTA_EXCEEDED: 403,
  rateLimitExceeded: 429,
  backendError: 503,
  authError: 401,
  invalid: 400,
  badRequest: 400,
  notFound: 404,
  alreadyExists: 409,
  resourceNotReady: 400,
  conditionNotMet: 412,
};

/** The kit's faults said as Compute Engine says them. */
export const GCE_FAULT_WIRE_FORM: FaultWireForm = defineFaultWireForm({
  codes: REASONS,
  statusOfCode: (code) => STATUS_OF_REASON[code],
  render: (fault, { operation }) => {
    switch (fault.kind) {
      case 'auth':
        return gceErrorResponse(unauthenticated());
      case 'throttled': {
        const metric = rateLimitMetric(operation);
        const message = `Quota exceeded for quota metric '${metric}' and limit '${metric} per minute' of service 'compute.googleapis.com' for consumer 'project_number:000000000000'.`;
        const errorInfo = {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'RATE_LIMIT_EXCEEDED',
          domain: 'googleapis.com',
          metadata: { service: 'compute.googleapis.com', quota_metric: `compute.googleapis.com/${metric.toLowerCase().replace(/ /g, '_')}`, quota_limit_value: '1200' },
        };
        return gceErrorResponse(
          new GceError(fault.status, fault.code, fault.message === genericThrottleMessage ? message : fault.message, {
            domain: 'usageLimits',
            statusName: 'RESOURCE_EXHAUSTED',
            details: [errorInfo],
            headers: retryAfterHeader(fault.retryAfterMs ?? 1000),
          }),
        );
      }
      case 'capacity':
        return gceErrorResponse(
          new GceError(fault.status, fault.code, fault.message === genericCapacityMessage ? 'The zone does not have enough resources available to fulfill the request.  Try a different zone, or try again later.' : fault.message),
        );
      case 'unavailable':
      case 'internal':
        return gceErrorResponse(new GceError(fault.status, fault.code, fault.message, { headers: retryAfterHeader(fault.retryAfterMs) }));
      default:
        return gceErrorResponse(new GceError(fault.status, fault.code, fault.message));
    }
  },
});

// The kit's generic wording, replaced by GCE's own where a test gave no message.
const genericThrottleMessage = 'Too many requests; retry later.';
const genericCapacityMessage = 'There is not enough capacity to serve the request.';
