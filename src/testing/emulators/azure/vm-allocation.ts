/**
 * Whether a VM can be placed: size and zone availability, spot rules, quotas and capacity, each
 * refused the way Azure refuses it.
 * - Size unknown: 400 `InvalidParameter` "The value {size} provided for the VM size is not valid.
 *   The valid sizes in the current region are: ...". Not offered in the location or zone (a
 *   Resource SKUs restriction): 409 `SkuNotAvailable` "The requested VM size for resource
 *   'Following SKUs have failed for Capacity Restrictions: {size}' is currently not available in
 *   location '{location}' [zones '{zones}']. Please try another size or deploy to a different
 *   location or different zone. See https://aka.ms/azureskunotavailable for details."
 *   (learn.microsoft.com "Resolve errors for SKU not available", read 2026-12).
 * - Spot: the size must take spot (`SkuNotAvailable`); a max price below the current spot price is
 *   409 `SpotPriceGreaterThanProvidedMaxPrice`; no spot capacity is 409 `SkuNotAvailable` "The
 *   requested tier for resource '{vm}' is currently not available in location '{location}' for
 *   subscription '{sub}'. Try another tier or deploy to a different location."
 *   (learn.microsoft.com "Error messages for Azure Spot Virtual Machines and scale sets", read 2026-12).
 * - Quota (vCPUs of allocated VMs per location; deallocated VMs do not count): 409
 *   `OperationNotAllowed` "Operation could not be completed as it results in exceeding approved
 *   {Total Regional Cores | standardDSv5Family Cores | Low Priority Cores} quota. Additional details -
 *   Deployment Model: Resource Manager, Location: {l}, Current Limit: {n}, Current Usage: {u},
 *   Additional Required: {r}, (Minimum) New Limit Required: {m}. ..." (learn.microsoft.com
 *   "Resolve errors for resource quotas" and the message as Karpenter's Azure provider tests quote it, read 2026-12).
 * - Capacity (the fault plan's `capacity`): the PUT is accepted and its operation fails with
 *   `ZonalAllocationFailed` (zonal request) or `AllocationFailed` (learn.microsoft.com
 *   "Troubleshoot allocation failures when you create, restart, or resize VMs in Azure", read 2026-12).
 * The wording for an unsupported zone is approximate; the quota `details` entry is the emulator's.
 */
import { ArmError, invalidParameter } from './arm-error.js';
import type { ArmFaultPlan } from './arm-fault-plan.js';
import type { ArmState } from './arm-state.js';
import type { OperationFailure } from '../kit/long-running-operations.js';
import { familyOf, spotCapable } from './vm-size-families.js';
import { LOCATION_ZONES } from './vm-size-catalog.js';

/** What is being placed. */
export interface PlacementAsk {
  /** VM id (excluded from usage). */
  readonly vmId: string;
  /** VM name. */
  readonly vmName: string;
  /** Size. */
  readonly size: string;
  /** Location. */
  readonly location: string;
  /** Zones (at most one). */
  readonly zones: readonly string[];
  /** Spot (or Low priority). */
  readonly spot: boolean;
  /** Max price of a spot VM. */
  readonly maxPrice: number | undefined;
  /** The operation, for spot price messages (`PutVM`, `StartVM`). */
  readonly operationName: string;
}

const ALLOCATION_FAILED = 'Allocation failed. We do not have sufficient capacity for the requested VM size in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance';
const ZONAL_ALLOCATION_FAILED = 'Allocation failed. We do not have sufficient capacity for the requested VM size in this zone. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance';

/** The scope key of the kit's capacity faults for a zone (`westeurope-1`). */
export function zoneScope(location: string, zone: string): string {
  return `${location}-${zone}`;
}

function skuNotAvailable(size: string, location: string, zones?: readonly string[]): ArmError {
  const where = zones && zones.length > 0 ? `location '${location}' zones '${zones.join(',')}'` : `location '${location}'`;
  return new ArmError(
    409,
    'SkuNotAvailable',
    `The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: ${size}' is currently not available in ${where}. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.`,
  );
}

/** Checks that the size exists and is offered where asked; throws the refusal. Returns the canonical size name and vCPUs. */
export function checkSizeOffered(state: ArmState, ask: Pick<PlacementAsk, 'size' | 'location' | 'zones' | 'vmName'>): { name: string; vcpus: number; arch: string } {
  const badZone = ask.zones.find((z) => !LOCATION_ZONES.includes(z));
  if (badZone !== undefined) {
    throw invalidParameter('zones', `The zone(s) '${badZone}' for resource '${ask.vmName}' is not supported. The supported zones for location '${ask.location}' are '${LOCATION_ZONES.join(',')}'`);
  }
  const refusal = state.catalog.check(ask.size, ask.location, ask.zones);
  if (refusal?.reason === 'unknown') {
    const valid = state.catalog
      .resourceSkus()
      .filter((s) => s.locations[0] === ask.location)
      .map((s) => s.name)
      .join(',');
    throw invalidParameter('vmSize', `The value ${ask.size} provided for the VM size is not valid. The valid sizes in the current region are: ${valid}.`);
  }
  if (refusal?.reason === 'location') throw skuNotAvailable(ask.size, ask.location);
  if (refusal?.reason === 'zone') throw skuNotAvailable(ask.size, ask.location, refusal.zones);
  const offer = (state.catalog.offering(ask.size, ask.location) ?? state.catalog.anyOffering(ask.size))!.offer;
  return { name: offer.instanceType, vcpus: offer.vcpus, arch: offer.arch };
}

function usage(state: ArmState, location: string, excludeVm: string, filter: (family: string, spot: boolean) => boolean): number {
  let used = 0;
  for (const [key, vm] of state.virtualMachines) {
    if (key === excludeVm.toLowerCase() || vm.body.location !== location || vm.power === 'deallocated') continue;
    if (filter(vm.family, vm.body.properties.priority !== undefined && vm.body.properties.priority !== 'Regular')) used += vm.vcpus;
  }
  return used;
}

function quotaError(label: string, location: string, limit: number, used: number, required: number): ArmError {
  return new ArmError(
    409,
    'OperationNotAllowed',
    `Operation could not be completed as it results in exceeding approved ${label} quota. Additional details - Deployment Model: Resource Manager, Location: ${location}, Current Limit: ${limit}, Current Usage: ${used}, Additional Required: ${required}, (Minimum) New Limit Required: ${used + required}. ` +
      'Submit a request for Quota increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView/Parameters/ by specifying parameters listed in the ‘Details’ section for deployment to succeed. Please read more about quota limits at https://docs.microsoft.com/en-us/azure/azure-supportability/per-vm-quota-requests',
    { details: [{ code: 'QuotaExceeded', message: `${label} quota exceeded in ${location}.`, target: label }] },
  );
}

/** Checks the quotas the fault plan sets; throws the refusal. */
export function checkQuotas(state: ArmState, faults: ArmFaultPlan, ask: PlacementAsk, vcpus: number): void {
  const family = familyOf(ask.size);
  const checks: { name: string; label: string; filter: (f: string, spot: boolean) => boolean }[] = ask.spot
    ? [{ name: 'lowPriorityCores', label: 'Low Priority Cores', filter: (_f, spot) => spot }]
    : [
        { name: 'cores', label: 'Total Regional Cores', filter: (_f, spot) => !spot },
        { name: family, label: `${family} Cores`, filter: (f, spot) => !spot && f === family },
      ];
  for (const check of checks) {
    const limit = faults.quotaIn(ask.location, check.name);
    if (limit === undefined) continue;
    const used = usage(state, ask.location, ask.vmId, check.filter);
    if (used + vcpus > limit) throw quotaError(check.label, ask.location, limit, used, vcpus);
  }
}

/** Checks spot rules that are decided at PUT time; throws the refusal. */
export function checkSpot(state: ArmState, ask: PlacementAsk): void {
  if (!ask.spot) return;
  if (!spotCapable(ask.size)) throw new ArmError(409, 'SkuNotAvailable', `${ask.size}. This size does not support Azure Spot.`);
  const price = state.catalog.spotPrice(ask.size, ask.location);
  if (price === undefined) throw new ArmError(409, 'SkuNotAvailable', `${ask.size}. This size does not support Azure Spot.`);
  if (ask.maxPrice !== undefined && ask.maxPrice !== -1 && ask.maxPrice < price) {
    throw new ArmError(
      409,
      'SpotPriceGreaterThanProvidedMaxPrice',
      `Unable to perform operation '${ask.operationName}' since the provided max price '${ask.maxPrice} USD' is lower than the current spot price '${price} USD' for Azure Spot VM size '${ask.size}'. For more information, see http://aka.ms/AzureSpot/ErrorCodes.`,
      { target: 'billingProfile.maxPrice' },
    );
  }
}

/** Capacity left for the ask (the kit's capacity faults, zonal and regional). */
function capacityLeft(faults: ArmFaultPlan, ask: PlacementAsk): number {
  const regional = faults.capacityLeft(ask.location, ask.size);
  return ask.zones.length === 0 ? regional : Math.min(regional, faults.capacityLeft(zoneScope(ask.location, ask.zones[0]!), ask.size));
}

/**
 * Decides the allocation of an accepted VM: `undefined` when it will succeed (capacity is taken
 * now), or the failure its operation ends with. Spot VMs without capacity are refused at once.
 */
export function allocate(state: ArmState, faults: ArmFaultPlan, ask: PlacementAsk, fresh: boolean): OperationFailure | undefined {
  if (fresh) {
    const planned = faults.takeProvisioningFailure();
    if (planned) return planned;
  }
  if (capacityLeft(faults, ask) <= 0) {
    if (ask.spot) {
      throw new ArmError(409, 'SkuNotAvailable', `The requested tier for resource '${ask.vmName}' is currently not available in location '${ask.location}' for subscription '${state.subscriptionId}'. Try another tier or deploy to a different location.`);
    }
    return ask.zones.length > 0 ? { code: 'ZonalAllocationFailed', message: ZONAL_ALLOCATION_FAILED } : { code: 'AllocationFailed', message: ALLOCATION_FAILED };
  }
  faults.consumeCapacity(ask.location, ask.size);
  if (ask.zones.length > 0) faults.consumeCapacity(zoneScope(ask.location, ask.zones[0]!), ask.size);
  return undefined;
}
