/**
 * The kit's fault plan as the OpenStack emulator reads it. The shared vocabulary maps onto the
 * four services like this (operation names: {@link OPENSTACK_OPERATIONS}):
 * - `capacity({ zone: 'az-1', type: 'm1.large' }, n)`: n more servers of that flavor (or of any
 *   flavor, without `type`) find a host in that availability zone. Beyond it, and beyond the
 *   zone's `hostPool`, a create asking for the zone is still accepted (202) and the server goes
 *   to ERROR with the fault "No valid host was found. There are not enough hosts available.",
 *   as Nova's scheduler reports it; a create naming no zone is scheduled in another zone with room.
 * - `quota(name, limit)`: Nova's `instances`, `cores` (alias `vcpus`) and `ram` (MiB): a create
 *   beyond them is 403 in Nova's words; Neutron's `floatingip`, `network`, `subnet` and `router`:
 *   409 `OverQuota`.
 * - `throttle`: 429 in each service's document with Retry-After (`overLimit` for Nova).
 * - `expireCredentials`: every call is 401 until restored, as for a revoked token.
 * - `dropResponse(op)`: the call takes effect and the connection is reset without an answer.
 * - `delay`, `hang`: the kit's.
 * - `failNext(op, error)`: the kit's, said in the service's document; or
 *   `failNext(op, status, body?)`: exactly that answer (JSON unless `body` is text; without a
 *   body, the service's own error document for the status).
 */
import { FaultPlan, type FaultError, type FaultKind } from '../kit/fault-plan.js';
import type { RawFailure } from './openstack-errors.js';

/** The quota names creates are checked against. */
export type OpenStackQuotaName = 'instances' | 'cores' | 'ram' | 'floatingip' | 'vcpus' | (string & {});

/** Options of a planned failure. */
export interface OpenStackFailNextOptions {
  /** How many calls fail (default 1). */
  readonly times?: number | undefined;
  /** Retry-After hint, ms. */
  readonly retryAfterMs?: number | undefined;
}

const RAW_PREFIX = 'openstack-emulator-raw-';

function kindOfStatus(status: number): FaultKind {
  if (status === 401) return 'auth';
  if (status === 403 || status === 413) return 'quota';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'throttled';
  if (status === 503) return 'unavailable';
  if (status >= 400 && status < 500) return 'invalid';
  return 'internal';
}

/** Faults of the OpenStack emulator. */
export class OpenStackFaultPlan extends FaultPlan {
  private readonly raw = new Map<string, RawFailure>();
  private rawCounter = 0;

  /** The next calls of `operation` fail with `error`, said in the service's words; nothing takes effect. */
  override failNext(operation: string, error: FaultError, options?: { readonly times?: number | undefined }): void;
  /** The next calls of `operation` are answered `status` with `body` (the service's error document when absent); nothing takes effect. */
  override failNext(operation: string, status: number, body?: unknown, options?: OpenStackFailNextOptions): void;
  override failNext(operation: string, errorOrStatus: FaultError | number, bodyOrOptions?: unknown, options: OpenStackFailNextOptions = {}): void {
    if (typeof errorOrStatus !== 'number') {
      super.failNext(operation, errorOrStatus, bodyOrOptions as { readonly times?: number | undefined } | undefined);
      return;
    }
    let code: string | undefined;
    if (bodyOrOptions !== undefined) {
      code = `${RAW_PREFIX}${++this.rawCounter}`;
      this.raw.set(code, { status: errorOrStatus, body: bodyOrOptions });
    }
    super.failNext(operation, { kind: kindOfStatus(errorOrStatus), status: errorOrStatus, code, retryAfterMs: options.retryAfterMs }, { times: options.times });
  }

  /** @internal The exact answer planned under a failure code, if it is one. */
  rawFailure(code: string): RawFailure | undefined {
    return code.startsWith(RAW_PREFIX) ? this.raw.get(code) : undefined;
  }

  /** The limit in force for a quota (`vcpus` is read as `cores`); `undefined` when unlimited. */
  limit(name: OpenStackQuotaName): number | undefined {
    return this.quotaOf(name) ?? (name === 'cores' ? this.quotaOf('vcpus') : undefined);
  }

  override reset(): void {
    super.reset();
    this.raw.clear();
  }
}
