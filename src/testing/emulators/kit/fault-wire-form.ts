/**
 * How a cloud says a {@link FaultError}: each emulator supplies its error code per fault kind
 * (EC2: `RequestLimitExceeded` for throttling; GCE: `UNAVAILABLE`; Nova: `overLimit`), the status
 * it answers each code with, and a renderer for its error document; {@link defineFaultWireForm}
 * does the rest. A test's explicit `code`, `message`, `status` and `retryAfterMs` win over the
 * defaults, a code without a status gets the status the cloud uses for that code, and what a
 * cloud leaves out falls back to plain HTTP words (429 for throttling, 503 for unavailability).
 */
import type { EmulatorRequest, EmulatorResponse } from './emulator-request.js';
import type { FaultError, FaultKind } from './fault-plan.js';

/** Words for one fault kind: code, status, message. */
export interface FaultWording {
  /** Error code. */
  readonly code: string;
  /** HTTP status. */
  readonly status: number;
  /** Message. */
  readonly message: string;
}

/**
 * The words of a plain HTTP API, where a cloud has none of its own: the usual status per kind
 * (429 for throttling and quota, 503 for capacity and unavailability, ...) with ARM-style codes.
 */
const GENERIC_WORDINGS: Readonly<Record<FaultKind, FaultWording>> = {
  capacity: { code: 'ServiceUnavailable', status: 503, message: 'There is not enough capacity to serve the request.' },
  quota: { code: 'QuotaExceeded', status: 429, message: 'The request exceeds a quota.' },
  throttled: { code: 'TooManyRequests', status: 429, message: 'Too many requests; retry later.' },
  unavailable: { code: 'ServiceUnavailable', status: 503, message: 'The service is temporarily unavailable.' },
  auth: { code: 'Unauthorized', status: 401, message: 'The credentials have expired or are not valid.' },
  invalid: { code: 'BadRequest', status: 400, message: 'The request is not valid.' },
  'not-found': { code: 'NotFound', status: 404, message: 'The resource was not found.' },
  conflict: { code: 'Conflict', status: 409, message: 'The request conflicts with the state of the resource.' },
  internal: { code: 'InternalServerError', status: 500, message: 'An internal error occurred.' },
};

/** The plain-HTTP words for a fault kind (what {@link defineFaultWireForm} uses where a cloud gives none). */
export function genericFaultWording(kind: FaultKind): FaultWording {
  return GENERIC_WORDINGS[kind];
}

/** A fault with every field settled: what the renderer writes. */
export interface SpokenFault {
  /** What it is. */
  readonly kind: FaultKind;
  /** Error code. */
  readonly code: string;
  /** HTTP status. */
  readonly status: number;
  /** Message. */
  readonly message: string;
  /** Retry-After hint, when there is one. */
  readonly retryAfterMs: number | undefined;
}

/** The call being refused. */
export interface FaultContext {
  /** Operation refused. */
  readonly operation: string;
  /** The request. */
  readonly request: EmulatorRequest;
}

/** Turns a fault into the cloud's error answer. */
export type FaultWireForm = (fault: FaultError, context: FaultContext) => EmulatorResponse;

/** What {@link defineFaultWireForm} needs from a cloud. */
export interface FaultWireFormDefinition {
  /** The cloud's code per kind (a function when it depends on the operation); the generic code where it gives none. */
  readonly codes?: Readonly<Partial<Record<FaultKind, string>>> | ((kind: FaultKind, operation: string) => string | undefined) | undefined;
  /** The status the cloud answers a code with; the kind's generic status where it gives none. */
  readonly statusOfCode?: ((code: string) => number | undefined) | undefined;
  /** Writes the cloud's error document. */
  readonly render: (fault: SpokenFault, context: FaultContext) => EmulatorResponse;
}

/** Builds a cloud's {@link FaultWireForm} from its codes and its error document. */
export function defineFaultWireForm(definition: FaultWireFormDefinition): FaultWireForm {
  return (fault, context) => definition.render(speak(definition, fault, context.operation), context);
}

function speak(definition: FaultWireFormDefinition, fault: FaultError, operation: string): SpokenFault {
  const generic = GENERIC_WORDINGS[fault.kind];
  const codes = definition.codes;
  const code = fault.code ?? (typeof codes === 'function' ? codes(fault.kind, operation) : codes?.[fault.kind]) ?? generic.code;
  const status = fault.status ?? definition.statusOfCode?.(code) ?? generic.status;
  return { kind: fault.kind, code, status, message: fault.message ?? generic.message, retryAfterMs: fault.retryAfterMs };
}

/** A `Retry-After` header in whole seconds (rounded up), or none. */
export function retryAfterHeader(ms: number | undefined): Record<string, string> {
  return ms === undefined ? {} : { 'retry-after': String(Math.ceil(Math.max(0, ms) / 1000)) };
}
