/**
 * The kit's fault plan as the ARM emulator reads it, plus the two faults only ARM's asynchronous
 * operations have: a create that ARM accepts and whose operation then fails (capacity gone after
 * the PUT, as `AllocationFailed` / `OverconstrainedAllocationRequest` are reported by Azure), and
 * operations that stay `InProgress` longer than usual.
 *
 * The shared vocabulary maps onto Azure like this:
 * - `capacity({ zone: 'westeurope-1', type: 'Standard_D2s_v5' }, n)`: n more VMs of that size fit
 *   in zone 1 of westeurope; `{ zone: 'westeurope' }` limits the whole location (zonal and
 *   regional requests alike). A VM PUT beyond it is accepted and its operation fails with
 *   `ZonalAllocationFailed` (zonal request) or `AllocationFailed`; a spot VM is refused at once
 *   with `SkuNotAvailable`, as Azure reports missing spot capacity.
 * - `quota(name, n)` in vCPUs, per location: `cores` (Total Regional vCPUs), a family name
 *   (`standardDSv5Family`), `lowPriorityCores` (Total Regional Spot vCPUs); prefix a location to
 *   limit only that one (`eastus/cores`). Beyond it a VM PUT is refused with 409
 *   `OperationNotAllowed` in the compute RP's words.
 * - `throttle`, `expireCredentials`, `dropResponse`, `delay`, `hang`, `failNext`: the kit's, said
 *   in ARM's wire form (see `arm-wire.ts`); operation names are the SDK's (`virtualMachines.createOrUpdate`).
 */
import { FaultPlan } from '../kit/fault-plan.js';
import type { OperationFailure } from '../kit/long-running-operations.js';

/** The quota names a VM PUT is checked against (each may be prefixed by `location/`). */
export type ArmQuotaName = 'cores' | 'lowPriorityCores' | (string & {});

/** Faults of the ARM emulator. */
export class ArmFaultPlan extends FaultPlan {
  private readonly provisioningFailures: OperationFailure[] = [];
  private slowMs = 0;
  private slowKinds: ReadonlySet<string> = new Set();

  /**
   * Lets the next VM create be accepted (201) and its operation then fail with `error` (default
   * `AllocationFailed`); the VM stays with provisioning state `Failed`, as Azure leaves it.
   */
  failNextProvisioning(error: OperationFailure = { code: 'AllocationFailed', message: 'Allocation failed. We do not have sufficient capacity for the requested VM size in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance' }): void {
    this.provisioningFailures.push(error);
  }

  /** @internal Takes the next provisioning failure. */
  takeProvisioningFailure(): OperationFailure | undefined {
    return this.provisioningFailures.shift();
  }

  /**
   * Asynchronous operations started from now on stay `InProgress` `extraMs` longer (only those
   * of `operations`, e.g. `['virtualMachines.createOrUpdate']`, when given); `0` ends it.
   */
  slowOperations(extraMs: number, options: { readonly operations?: readonly string[] | undefined } = {}): void {
    this.slowMs = Math.max(0, extraMs);
    this.slowKinds = new Set(options.operations ?? []);
  }

  /** @internal The extra running time of an operation started now. */
  extraOperationMs(kind: string): number {
    if (this.slowMs === 0) return 0;
    return this.slowKinds.size === 0 || this.slowKinds.has(kind) ? this.slowMs : 0;
  }

  /** The quota in force for `name` in `location` (the location-specific one wins). */
  quotaIn(location: string, name: string): number | undefined {
    return this.quotaOf(`${location}/${name}`) ?? this.quotaOf(name);
  }

  override reset(): void {
    super.reset();
    this.provisioningFailures.length = 0;
    this.slowMs = 0;
    this.slowKinds = new Set();
  }
}
