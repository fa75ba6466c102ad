/**
 * The VMs of an in-memory provider and their lifecycle. State moves with the clock, not with
 * timers: a record holds the transition it is in, and every read settles the transitions that
 * are due, so the records hold no timers and need no shutdown.
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import type { ListVMsFilter } from '../../provider/provider-v1.js';
import type { Offer, ProviderKind, VM, VMSpec, VMState } from '../../provider/types.js';

/** One VM as the memory cloud keeps it. */
export interface VmRecord {
  readonly id: string;
  readonly spec: VMSpec;
  readonly offer: Offer;
  readonly region: string;
  readonly zone: string;
  state: VMState;
  rawState: string;
  /** Time at which the pending transition lands, and the state it lands in. */
  transition: { at: number; to: VMState } | undefined;
  readonly createdAt: number;
  terminatedAt: number | undefined;
  stateReason: string | undefined;
  readonly image: string;
  readonly privateIp: string;
  readonly publicIp: string | undefined;
  /** Creation order; listing pages are cut by it. */
  readonly seq: number;
}

/** Where a new VM goes and what it runs. */
export interface VmPlacement {
  readonly spec: VMSpec;
  readonly offer: Offer;
  readonly region: string;
  readonly zone: string;
  readonly image: string;
}

/** What the records need from their provider. */
export interface VmRecordsContext {
  readonly provider: string;
  readonly kind: ProviderKind;
  readonly clock: () => number;
  /** How long terminated VMs stay visible, in ms. */
  readonly retentionMs: number;
  readonly events?: EventBus | undefined;
}

/** One page of a listing. */
export interface VmPage {
  readonly items: readonly VM[];
  /** Sequence number of the last VM on the page; the next page starts after it. */
  readonly last: number | undefined;
  /** True when another page may follow. */
  readonly more: boolean;
}

const RAW_STATE: Readonly<Record<VMState, string>> = {
  pending: 'PROVISIONING',
  running: 'RUNNING',
  stopping: 'STOPPING',
  stopped: 'STOPPED',
  deallocated: 'DEALLOCATED',
  terminating: 'TERMINATING',
  terminated: 'TERMINATED',
  error: 'ERROR',
  unknown: 'UNKNOWN',
};

/** True while a VM exists for the cloud (not terminating or terminated). */
export function isActive(rec: VmRecord): boolean {
  return rec.state !== 'terminated' && rec.state !== 'terminating';
}

/** True while a VM counts against quotas: active and not at rest. */
export function isLive(rec: VmRecord): boolean {
  return isActive(rec) && rec.state !== 'stopped' && rec.state !== 'deallocated';
}

/** The VMs of one provider, with their idempotency keys. */
export class VmRecords {
  private readonly vms = new Map<string, VmRecord>();
  private readonly keys = new Map<string, { readonly fingerprint: string; readonly vmId: string }>();
  private seq = 0;

  constructor(private readonly context: VmRecordsContext) {}

  /** VMs kept (terminated ones included, until their retention ends). */
  get size(): number {
    return this.vms.size;
  }

  /** Adds a pending VM that becomes running `runningAfterMs` from now; remembers its idempotency key. */
  launch(placement: VmPlacement, runningAfterMs: number, key?: { readonly idempotencyKey: string; readonly fingerprint: string }): VmRecord {
    const n = ++this.seq;
    const rec: VmRecord = {
      id: `vm-${randomUUID().replace(/-/g, '').slice(0, 17)}`,
      ...placement,
      state: 'pending',
      rawState: RAW_STATE.pending,
      transition: { at: this.context.clock() + runningAfterMs, to: 'running' },
      createdAt: this.context.clock(),
      terminatedAt: undefined,
      stateReason: undefined,
      privateIp: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      publicIp: placement.spec.network.publicIp ? `203.0.113.${(n % 254) + 1}` : undefined,
      seq: n,
    };
    this.vms.set(rec.id, rec);
    if (key !== undefined) this.keys.set(key.idempotencyKey, { fingerprint: key.fingerprint, vmId: rec.id });
    return rec;
  }

  /** What a key created: the spec fingerprint it was used with, and its VM while it is kept. */
  byKey(idempotencyKey: string): { readonly fingerprint: string; readonly rec: VmRecord | undefined } | undefined {
    this.expireTerminated();
    const prior = this.keys.get(idempotencyKey);
    return prior === undefined ? undefined : { fingerprint: prior.fingerprint, rec: this.vms.get(prior.vmId) };
  }

  /** The VM `id`, settled; `NotFoundError` when there is none. */
  find(id: string): VmRecord {
    this.expireTerminated();
    const rec = this.vms.get(id);
    if (!rec) throw new NotFoundError({ provider: this.context.provider, message: `VM ${id} not found`, resourceType: 'vm', resourceId: id });
    this.settle(rec);
    return rec;
  }

  /** Up to `size` VMs matching `filter` created after sequence number `after`, in creation order. */
  page(filter: ListVMsFilter, after: number, size: number): VmPage {
    this.expireTerminated();
    const rows = [...this.vms.values()]
      .filter((r) => r.seq > after && matches(r, filter))
      .sort((a, b) => a.seq - b.seq)
      .slice(0, size);
    return { items: rows.map((r) => this.toVM(r)), last: rows.at(-1)?.seq, more: rows.length === size };
  }

  /** Active VMs in `zone`. */
  activeInZone(zone: string): VmRecord[] {
    return [...this.vms.values()].filter((r) => (this.settle(r), r.zone === zone && isActive(r)));
  }

  /** VMs that count against the quotas of `region`. */
  liveInRegion(region: string): VmRecord[] {
    return [...this.vms.values()].filter((r) => (this.settle(r), r.region === region && isLive(r)));
  }

  /** Moves a VM to `state` now, publishing the change. */
  setState(rec: VmRecord, state: VMState, reason?: string): void {
    const from = rec.state;
    rec.state = state;
    rec.rawState = RAW_STATE[state];
    if (reason !== undefined) rec.stateReason = reason;
    if (state === 'terminated' && rec.terminatedAt === undefined) rec.terminatedAt = this.context.clock();
    if (from !== state) this.context.events?.publish('vm.state-changed', { provider: this.context.provider, vmId: rec.id, from, to: state, reason });
  }

  /** Moves a VM to `through` now and to `to` after `delayMs`. */
  transition(rec: VmRecord, through: VMState, to: VMState, delayMs: number): void {
    this.setState(rec, through);
    rec.transition = { at: this.context.clock() + delayMs, to };
    this.settle(rec);
  }

  /** Ends a VM now, whatever it was doing (a spot interruption). */
  terminateNow(rec: VmRecord, reason: string): void {
    rec.transition = undefined;
    this.setState(rec, 'terminated', reason);
  }

  /** The portable view of a VM. */
  toVM(rec: VmRecord): VM {
    this.settle(rec);
    const { provider, kind } = this.context;
    const price = rec.spec.spot ? rec.offer.spotHourly : rec.offer.onDemandHourly;
    return {
      id: rec.id,
      name: rec.spec.name,
      provider,
      providerKind: kind,
      region: rec.region,
      zone: rec.zone,
      state: rec.state,
      rawState: rec.rawState,
      instanceType: rec.offer.instanceType,
      cpu: rec.offer.vcpus,
      memoryGiB: rec.offer.memoryGiB,
      spot: rec.spec.spot,
      privateIps: [rec.privateIp],
      publicIps: rec.publicIp && rec.state !== 'terminated' ? [rec.publicIp] : [],
      labels: { ...rec.spec.labels },
      image: rec.image,
      createdAt: new Date(rec.createdAt).toISOString(),
      hourlyPrice: price === undefined ? undefined : { amount: price, currency: rec.offer.currency, source: rec.offer.source, asOf: rec.offer.asOf },
      stateReason: rec.stateReason,
    };
  }

  private settle(rec: VmRecord): void {
    if (rec.transition && this.context.clock() >= rec.transition.at) {
      const to = rec.transition.to;
      rec.transition = undefined;
      this.setState(rec, to);
    }
  }

  private expireTerminated(): void {
    const cutoff = this.context.clock() - this.context.retentionMs;
    for (const [id, rec] of this.vms) {
      this.settle(rec);
      if (rec.terminatedAt !== undefined && rec.terminatedAt <= cutoff) this.vms.delete(id);
    }
  }
}

function matches(rec: VmRecord, filter: ListVMsFilter): boolean {
  if (!filter.includeTerminated && rec.state === 'terminated' && !filter.states?.includes('terminated')) return false;
  if (filter.region !== undefined && rec.region !== filter.region) return false;
  if (filter.states && !filter.states.includes(rec.state)) return false;
  if (filter.labels) {
    for (const [k, v] of Object.entries(filter.labels)) if (rec.spec.labels[k] !== v) return false;
  }
  return true;
}
