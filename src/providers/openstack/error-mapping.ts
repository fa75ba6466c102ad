/**
 * OpenStack's error answers → novacron's taxonomy. Failover reads only the taxonomy, so this table
 * decides what a federation does when the private cloud says no.
 *
 * Wire shapes (Compute API reference, "Faults", docs.openstack.org/api-ref/compute; Networking API
 * v2.0 reference, "Faults", docs.openstack.org/api-ref/network/v2; Identity API v3 reference;
 * read 2026-12): Nova wraps an error in one key naming its kind, `{"badRequest": {"code": 400,
 * "message": …}}`, `itemNotFound` (404), `forbidden` (403, also "Quota exceeded for cores: …"),
 * `overLimit` (413 for an absolute limit or, with `Retry-After`, a rate limit; 429 in newer
 * releases), `conflictingRequest` (409), `computeFault` (500); Neutron sends
 * `{"NeutronError": {"type": "OverQuota", "message", "detail"}}`; Keystone
 * `{"error": {"code", "title", "message"}}`; Glance a short text or HTML page.
 *
 * Rules, first match wins:
 * - "No valid host was found" (a build fault, or an answer) → `CapacityError` (the scheduler found
 *   no hypervisor with room: try another zone or cloud); so is Neutron's `IpAddressGenerationFailure`
 *   (the network has no address left);
 * - a quota message (`Quota exceeded`, `QuotaError`, Neutron `OverQuota`) with 403 or 413 →
 *   `QuotaError` naming the limit (`cores`, `ram`, `instances`, `port`, `floatingip`);
 * - 429, or a 413 that is not a quota → `ThrottledError` with `Retry-After` (seconds or a date);
 * - 401 → `AuthError` (the API layer has already re-authenticated once); 403 → `AuthError`;
 * - 404 → `NotFoundError`; 409 → `ConflictError`;
 * - 400 → `InvalidSpecError` naming the spec field the message is about ({@link specFieldOf});
 * - 5xx → `ProviderUnavailableError` (retryable).
 * Every mapped error keeps the status, the kind and the request id (`x-openstack-request-id`)
 * in `cause`; no header or body of the request is ever part of a message.
 */
import type { CloudCallContext } from '../../provider/call-context.js';
import {
  AuthError,
  CapacityError,
  ConflictError,
  ErrorCause,
  InvalidSpecError,
  NotFoundError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
} from '../../provider/errors.js';

/** What the failing call was about. */
export type OpenStackErrorContext = CloudCallContext;

/** An error answer, reduced to what classification reads. */
export interface OpenStackFault {
  /** HTTP status. */
  readonly status: number;
  /** The kind the body names (`badRequest`, `itemNotFound`, Neutron's `type` such as `OverQuota`), when it names one. */
  readonly kind: string | undefined;
  /** The cloud's message (Neutron's `message`, Nova's `message`, Glance's text). */
  readonly message: string;
  /** `Retry-After`, ms, when sent. */
  readonly retryAfterMs: number | undefined;
  /** `x-openstack-request-id` (or `x-compute-request-id`). */
  readonly requestId: string | undefined;
}

const NO_VALID_HOST = /No valid host was found/i;
const QUOTA = /quota exceeded|quotaerror|overquota|exceeds? (the )?quota|quota (is )?exceeded/i;

/** `Retry-After` as milliseconds (delta-seconds or an HTTP date). */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The kind and message of an error body in any of the services' shapes (see the file comment). */
export function parseFaultBody(text: string): { kind: string | undefined; message: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const body = JSON.parse(trimmed) as Record<string, unknown>;
      const neutron = body.NeutronError as { type?: unknown; message?: unknown; detail?: unknown } | undefined;
      if (neutron && typeof neutron === 'object') return { kind: typeof neutron.type === 'string' ? neutron.type : 'NeutronError', message: String(neutron.message ?? neutron.detail ?? '') };
      const keys = Object.keys(body);
      if (keys.length === 1 && typeof body[keys[0]!] === 'object' && body[keys[0]!] !== null) {
        const inner = body[keys[0]!] as { message?: unknown; title?: unknown };
        return { kind: keys[0] === 'error' ? (typeof inner.title === 'string' ? inner.title : 'error') : keys[0], message: String(inner.message ?? inner.title ?? '') };
      }
      if (typeof body.message === 'string') return { kind: typeof body.title === 'string' ? body.title : undefined, message: body.message };
    } catch {
      // not JSON after all: taken as text below
    }
  }
  // Glance and proxies answer with text or a small HTML page: keep its words, not its tags.
  return { kind: undefined, message: trimmed.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500) };
}

/** The quota a message names: `Quota exceeded for cores: …` → `cores`, Neutron's `['port']` → `port`. */
export function quotaNameOf(message: string): string | undefined {
  return /quota exceeded for (?:resources?: ?)?\[?'?([a-z_]+)/i.exec(message)?.[1] ?? /exceeded for ([a-z_]+)/i.exec(message)?.[1];
}

/**
 * The spec field a 400 is about, from the words of Nova's, Neutron's and Glance's messages
 * ("Invalid flavorRef provided.", "Image 0e6… could not be found.", "Network … could not be
 * found.", "Invalid key_name provided.", "Invalid input for field/attribute metadata", …).
 */
export function specFieldOf(message: string): string {
  const m = message.toLowerCase();
  if (/flavor/.test(m)) return 'instanceType';
  if (/block[ _]device|volume_size|volume size|boot_index|disk/.test(m)) return 'disk';
  if (/image/.test(m)) return 'image';
  if (/security[ _]group/.test(m)) return 'network.securityGroups';
  if (/subnet|fixed_ip/.test(m)) return 'network.subnet';
  if (/floating/.test(m)) return 'network.publicIp';
  if (/network|port/.test(m)) return 'network.network';
  if (/availability[ _]zone/.test(m)) return 'zone';
  if (/user_data|user data/.test(m)) return 'userData';
  if (/metadata|tag/.test(m)) return 'labels';
  if (/key_name|keypair|key pair/.test(m)) return '(openstack) keyName';
  if (/\bname\b/.test(m)) return 'name';
  return '(openstack)';
}

/** The novacron error an error answer stands for (see the rules in the file comment). */
export function toNovacronError(fault: OpenStackFault, ctx: OpenStackErrorContext): Error {
  const cause = new ErrorCause({ name: 'OpenStackError', message: fault.message, code: fault.kind ?? `HTTP ${fault.status}`, requestId: fault.requestId, statusCode: fault.status });
  const said = `${fault.kind ?? `HTTP ${fault.status}`}: ${fault.message || `HTTP ${fault.status}`}`;
  const message = `${ctx.operation}: ${said}`;
  const base = { provider: ctx.provider, cause, message };
  const { status } = fault;
  // No host with room, or no address left on the network (Neutron's IpAddressGenerationFailure, 409): no room here.
  if (NO_VALID_HOST.test(fault.message) || fault.kind === 'IpAddressGenerationFailure') return new CapacityError({ ...base, region: ctx.region, zone: ctx.zone, instanceType: ctx.instanceType });
  if ((status === 403 || status === 413 || status === 409 || status === 400) && (QUOTA.test(fault.message) || fault.kind === 'OverQuota')) {
    return new QuotaError({ ...base, region: ctx.region, quotaName: quotaNameOf(fault.message) });
  }
  if (status === 429 || status === 413) return new ThrottledError({ ...base, retryAfterMs: fault.retryAfterMs });
  if (status === 401 || status === 403) return new AuthError(base);
  if (status === 404) return new NotFoundError({ ...base, resourceType: ctx.resourceType, resourceId: ctx.resourceId });
  if (status === 409) return new ConflictError(base);
  if (status === 400 || status === 422) return new InvalidSpecError({ ...base, issues: [{ field: specFieldOf(fault.message), message: said }] });
  if (status === 503 && fault.retryAfterMs !== undefined) return new ProviderUnavailableError({ ...base, retryable: true });
  return new ProviderUnavailableError({ ...base, retryable: status >= 500 || status === 408 });
}

/** The `CapacityError` of a server that went to ERROR because the scheduler found no host. */
export function capacityFault(ctx: OpenStackErrorContext, faultMessage: string): CapacityError {
  return new CapacityError({
    provider: ctx.provider,
    message: `${ctx.operation}: the scheduler found no host for ${ctx.instanceType ?? 'the flavor'}${ctx.zone ? ` in zone ${ctx.zone}` : ''}: ${faultMessage}`,
    region: ctx.region,
    zone: ctx.zone,
    instanceType: ctx.instanceType,
    cause: new ErrorCause({ name: 'OpenStackFault', message: faultMessage, code: 'NoValidHost' }),
  });
}

/** True for a build fault that means "no capacity". */
export function isNoValidHost(message: string | undefined): boolean {
  return message !== undefined && NO_VALID_HOST.test(message);
}
