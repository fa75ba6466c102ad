/**
 * Where a new VM fits in an in-memory provider: zone capacity and account quotas.
 *
 * Two sources of limits are combined, and the tighter one wins:
 * - the provider's standing size, from its options: `capacity` caps the active VMs of a zone
 *   (deleting a VM frees room), `quotas` caps what is live in a region;
 * - the faults a test sets through `controls.faults`: `capacity(scope, n)` lets `n` more
 *   launches start (each launch uses one up, as on every emulator), `quota(resource, limit)`
 *   caps a resource in every region.
 *
 * Quota resources, the same names as the EC2 emulator's: `instances` (live VMs), `vcpus`
 * (vCPUs of live on-demand VMs; spot VMs count toward `spot-instances`, as on EC2) and
 * `spot-instances` (live spot VMs). A VM is live from create until it stops or terminates.
 */
import { CapacityError, QuotaError } from '../../provider/errors.js';
import type { Offer, Region, VMSpec } from '../../provider/types.js';
import type { FaultPlan } from '../../testing/emulators/kit/fault-plan.js';
import type { VmRecord, VmRecords } from './memory-vm-records.js';

/** Account limits of an in-memory provider, per region. */
export interface MemoryQuotas {
  /** vCPUs of live on-demand VMs (the `vcpus` quota). */
  vcpusPerRegion?: number | undefined;
  /** Live VMs, spot ones included (the `instances` quota). */
  instancesPerRegion?: number | undefined;
  /** Live spot VMs (the `spot-instances` quota). */
  spotInstancesPerRegion?: number | undefined;
}

/**
 * Capacity per zone: a number caps all active VMs in the zone, a record caps each instance
 * type (`'*'` for the rest). Zones not named are unlimited.
 */
export type MemoryCapacity = Readonly<Record<string, number | Readonly<Record<string, number>>>>;

/** What the limits read. */
export interface MemoryLimitsContext {
  readonly provider: string;
  readonly records: VmRecords;
  readonly faults: FaultPlan;
  readonly capacity?: MemoryCapacity | undefined;
  readonly quotas?: MemoryQuotas | undefined;
}

/** Capacity and quota decisions of one in-memory provider. */
export class MemoryLimits {
  constructor(private readonly context: MemoryLimitsContext) {}

  /** Launches of `instanceType` that still fit in `zone` (`Infinity` when unlimited). */
  capacityLeft(zone: string, instanceType: string): number {
    return Math.min(this.standingCapacityLeft(zone, instanceType), this.context.faults.capacityLeft(zone, instanceType));
  }

  /** The zone a new VM goes to: the one asked for, else the first with room; `CapacityError` when none has. */
  chooseZone(region: Region, spec: VMSpec, offer: Offer): string {
    const zones = spec.zone ? [spec.zone] : offer.zone ? [offer.zone] : region.zones.length > 0 ? region.zones : [region.name];
    const zone = zones.find((z) => this.capacityLeft(z, offer.instanceType) > 0);
    if (zone === undefined) {
      throw new CapacityError({
        provider: this.context.provider,
        message: `insufficient capacity for ${offer.instanceType} in ${spec.zone ?? region.name}`,
        region: region.name,
        zone: spec.zone ?? (zones.length === 1 ? zones[0] : undefined),
        instanceType: offer.instanceType,
      });
    }
    return zone;
  }

  /** Uses up one launch of fault capacity (the standing capacity counts VMs instead). */
  consumeLaunch(zone: string, instanceType: string): void {
    this.context.faults.consumeCapacity(zone, instanceType);
  }

  /** `QuotaError` when one more `offer` VM (spot or not) would exceed a quota of `region`. */
  checkQuotas(region: string, offer: Offer, spot: boolean): void {
    const live = this.context.records.liveInRegion(region);
    const instances = this.limitOf('instances', this.context.quotas?.instancesPerRegion);
    if (instances !== undefined && live.length + 1 > instances) {
      throw this.quotaError(region, 'instances', `instance limit of ${instances} reached in ${region}`);
    }
    if (spot) {
      const spots = this.limitOf('spot-instances', this.context.quotas?.spotInstancesPerRegion);
      const inUse = live.filter((r) => r.spec.spot).length;
      if (spots !== undefined && inUse + 1 > spots) throw this.quotaError(region, 'spot-instances', `spot instance limit of ${spots} reached in ${region}`);
      return;
    }
    const vcpus = this.limitOf('vcpus', this.context.quotas?.vcpusPerRegion);
    const inUse = live.filter((r) => !r.spec.spot).reduce((sum, r) => sum + r.offer.vcpus, 0);
    if (vcpus !== undefined && inUse + offer.vcpus > vcpus) {
      throw this.quotaError(region, 'vcpus', `vCPU limit of ${vcpus} would be exceeded in ${region} (${inUse} in use, ${offer.vcpus} requested)`);
    }
  }

  private limitOf(resource: string, standing: number | undefined): number | undefined {
    const fault = this.context.faults.quotaOf(resource);
    if (standing === undefined) return fault;
    return fault === undefined ? standing : Math.min(standing, fault);
  }

  private quotaError(region: string, quotaName: string, message: string): QuotaError {
    return new QuotaError({ provider: this.context.provider, message, region, quotaName });
  }

  private standingCapacityLeft(zone: string, instanceType: string): number {
    const limit = this.context.capacity?.[zone];
    if (limit === undefined) return Infinity;
    const inZone = this.context.records.activeInZone(zone);
    if (typeof limit === 'number') return limit - inZone.length;
    const named = (r: VmRecord): boolean => Object.hasOwn(limit, r.offer.instanceType);
    const typeLimit = limit[instanceType] ?? limit['*'];
    if (typeLimit === undefined) return Infinity;
    const sameType = Object.hasOwn(limit, instanceType) ? inZone.filter((r) => r.offer.instanceType === instanceType) : inZone.filter((r) => !named(r));
    return typeLimit - sameType.length;
  }
}
