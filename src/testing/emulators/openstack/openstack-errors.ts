/**
 * The error answers of the four services, each in its own document, as their API references and
 * code define them (read 2026-12 with the project's search tool):
 * - Keystone, and keystonemiddleware's 401 in front of every service:
 *   `{"error": {"code", "message", "title"}}` (keystone api-ref, "Authentication and token
 *   management"); the 401 carries `WWW-Authenticate: Keystone uri="<identity>"`.
 * - Nova: `{"<faultName>": {"code", "message"}}`, the name by status as `nova/api/openstack/wsgi.py`
 *   `Fault._fault_names` maps it (400 badRequest, 403 forbidden, 404 itemNotFound, 409
 *   conflictingRequest, 413/429 overLimit with `retryAfter`, other statuses computeFault).
 * - Glance: webob's JSON error page, `{"message", "code": "404 Not Found", "title": "Not Found"}`.
 * - Neutron: `{"NeutronError": {"type", "message", "detail"}}` (neutron-lib api-ref, "Faults").
 * Handlers throw {@link OpenStackApiError}; the endpoint writes it in the service's words.
 */
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import { defineFaultWireForm, genericFaultWording, retryAfterHeader, type FaultWireForm } from '../kit/fault-wire-form.js';
import type { FaultKind } from '../kit/fault-plan.js';
import type { OpenStackService } from './openstack-operations.js';

/** What an error answer carries besides status and message. */
export interface OpenStackErrorExtra {
  /** Neutron's exception name (`PortNotFound`, `OverQuota`), for the network service. */
  readonly type?: string | undefined;
  /** Retry-After hint, ms (413/429). */
  readonly retryAfterMs?: number | undefined;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** A refusal, thrown by handlers and written in the service's document by {@link errorResponse}. */
export class OpenStackApiError extends Error {
  /** Creates the error. */
  constructor(
    /** HTTP status. */
    readonly status: number,
    message: string,
    /** The other parts of the answer. */
    readonly extra: OpenStackErrorExtra = {},
  ) {
    super(message);
    this.name = 'OpenStackApiError';
  }
}

const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const NOVA_FAULT_NAMES: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

const NEUTRON_TYPES: Readonly<Record<number, string>> = {
  400: 'HTTPBadRequest',
  401: 'HTTPUnauthorized',
  403: 'HTTPForbidden',
  404: 'HTTPNotFound',
  409: 'HTTPConflict',
  429: 'HTTPTooManyRequests',
  500: 'HTTPInternalServerError',
  503: 'ServiceUnavailable',
};

/** The reason phrase of a status (`Not Found`). */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? 'Error';
}

/** Nova's fault name for a status (`itemNotFound`; `computeFault` for the others). */
export function novaFaultName(status: number): string {
  return NOVA_FAULT_NAMES[status] ?? 'computeFault';
}

/** The error document of `service` for `error`, with the status's error code kept for the request log. */
export function errorResponse(service: OpenStackService, error: OpenStackApiError): EmulatorResponse {
  const { status, message } = error;
  const headers = { ...retryAfterHeader(error.extra.retryAfterMs), ...error.extra.headers };
  switch (service) {
    case 'identity':
      return jsonResponse(status, { error: { code: status, message, title: reasonPhrase(status) } }, headers, reasonPhrase(status));
    case 'compute': {
      const name = novaFaultName(status);
      const body: Record<string, unknown> = { code: status, message };
      if ((status === 413 || status === 429) && error.extra.retryAfterMs !== undefined) body.retryAfter = String(Math.ceil(error.extra.retryAfterMs / 1000));
      return jsonResponse(status, { [name]: body }, headers, name);
    }
    case 'image':
      return jsonResponse(status, { message, code: `${status} ${reasonPhrase(status)}`, title: reasonPhrase(status) }, headers, reasonPhrase(status));
    case 'network': {
      const type = error.extra.type ?? NEUTRON_TYPES[status] ?? 'HTTPError';
      return jsonResponse(status, { NeutronError: { type, message, detail: '' } }, headers, type);
    }
  }
}

/** The 401 keystonemiddleware answers on every service for a missing, unknown, expired or revoked token. */
export function unauthenticated(identityUrl: string): EmulatorResponse {
  return errorResponse('identity', new OpenStackApiError(401, 'The request you have made requires authentication.', { headers: { 'www-authenticate': `Keystone uri="${identityUrl}"` } }));
}

/** Nova's 400. */
export const badRequest = (message: string): OpenStackApiError => new OpenStackApiError(400, message);
/** Nova's and Glance's 404. */
export const notFound = (message: string): OpenStackApiError => new OpenStackApiError(404, message);
/** A 409. */
export const conflict = (message: string): OpenStackApiError => new OpenStackApiError(409, message);
/** A 403. */
export const forbidden = (message: string): OpenStackApiError => new OpenStackApiError(403, message);

/** A Neutron error of a named type (`PortNotFound`). */
export function neutronError(status: number, type: string, message: string): OpenStackApiError {
  return new OpenStackApiError(status, message, { type });
}

/** The messages each service answers a fault kind with, when a test gave none. */
const FAULT_MESSAGES: Readonly<Record<OpenStackService, Readonly<Partial<Record<FaultKind, { readonly status: number; readonly message: string; readonly type?: string }>>>>> = {
  identity: {
    throttled: { status: 429, message: 'Too many requests; retry later.' },
    unavailable: { status: 503, message: 'The service is unavailable.' },
    internal: { status: 500, message: 'An unexpected error prevented the server from fulfilling your request.' },
  },
  compute: {
    throttled: { status: 429, message: 'This request was rate-limited.' },
    capacity: { status: 500, message: 'No valid host was found. There are not enough hosts available.' },
    quota: { status: 403, message: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances' },
    unavailable: { status: 503, message: 'The server is currently unavailable. Please try again at a later time.' },
    internal: { status: 500, message: 'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.' },
    conflict: { status: 409, message: 'Cannot perform the action while the instance is in this state.' },
  },
  image: {
    throttled: { status: 429, message: 'Too many requests; retry later.' },
    quota: { status: 413, message: 'Denying attempt to upload image because it exceeds the quota.' },
    unavailable: { status: 503, message: 'The server is currently unavailable. Please try again at a later time.' },
  },
  network: {
    throttled: { status: 429, message: 'Too many requests; retry later.', type: 'HTTPTooManyRequests' },
    quota: { status: 409, message: "Quota exceeded for resources: ['floatingip'].", type: 'OverQuota' },
    capacity: { status: 409, message: 'No more IP addresses available on network.', type: 'IpAddressGenerationFailure' },
    unavailable: { status: 503, message: 'The server is currently unavailable. Please try again at a later time.', type: 'ServiceUnavailable' },
  },
};

/** A failure a test planned with an exact answer (`emu.faults.failNext(op, 500, body)`). */
export interface RawFailure {
  /** HTTP status. */
  readonly status: number;
  /** The body: JSON-encoded unless text. */
  readonly body: unknown;
}

/**
 * The kit's faults said in the words of `service`; `rawFailure` finds the exact answer a test
 * planned for a failure code (see `OpenStackFaultPlan.failNext`).
 */
export function openStackFaultWireForm(service: OpenStackService, identityUrl: () => string, rawFailure: (code: string) => RawFailure | undefined): FaultWireForm {
  return defineFaultWireForm({
    render: (fault) => {
      const raw = rawFailure(fault.code);
      if (raw) {
        const text = typeof raw.body === 'string';
        return { status: raw.status, headers: { 'content-type': text ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...retryAfterHeader(fault.retryAfterMs) }, body: text ? (raw.body as string) : JSON.stringify(raw.body), errorCode: fault.code };
      }
      if (fault.kind === 'auth') return unauthenticated(identityUrl());
      const words = FAULT_MESSAGES[service][fault.kind];
      const explicit = fault.message !== undefined && fault.message !== genericMessages.get(fault.kind);
      const status = fault.status !== genericStatus(fault.kind) ? fault.status : (words?.status ?? fault.status);
      const message = explicit ? fault.message : (words?.message ?? fault.message);
      const retryAfterMs = fault.kind === 'throttled' ? (fault.retryAfterMs ?? 1000) : fault.retryAfterMs;
      return errorResponse(service, new OpenStackApiError(status, message, { type: words?.type, retryAfterMs }));
    },
  });
}

// The kit's generic words, replaced by each service's own where a test gave none.
const KINDS: readonly FaultKind[] = ['capacity', 'quota', 'throttled', 'unavailable', 'auth', 'invalid', 'not-found', 'conflict', 'internal'];
const genericMessages = new Map(KINDS.map((k) => [k, genericFaultWording(k).message]));
function genericStatus(kind: FaultKind): number {
  return genericFaultWording(kind).status;
}
