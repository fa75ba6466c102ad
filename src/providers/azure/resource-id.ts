/**
 * Azure Resource Manager ids: `/subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}`
 * (and child types after it, `/virtualNetworks/{vnet}/subnets/{subnet}`). A VM's id is what the
 * adapter hands out as `VM.id`; names given in specs and options become ids here.
 */

/** Where this provider's resources live. */
export interface ResourceScope {
  /** Subscription id. */
  readonly subscriptionId: string;
  /** Resource group name. */
  readonly resourceGroup: string;
}

/** The resource types the adapter builds ids for. */
export type AzureResourceType =
  | 'Microsoft.Compute/virtualMachines'
  | 'Microsoft.Compute/disks'
  | 'Microsoft.Compute/snapshots'
  | 'Microsoft.Network/networkInterfaces'
  | 'Microsoft.Network/publicIPAddresses'
  | 'Microsoft.Network/networkSecurityGroups'
  | 'Microsoft.Network/virtualNetworks'
  | 'Microsoft.ManagedIdentity/userAssignedIdentities';

/** The id of a top-level resource of `type` called `name` in the scope's resource group. */
export function resourceId(scope: ResourceScope, type: AzureResourceType, name: string): string {
  return `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/${type}/${name}`;
}

/** The id of subnet `subnet` of virtual network `vnet` in the scope's resource group. */
export function subnetId(scope: ResourceScope, vnet: string, subnet: string): string {
  return `${resourceId(scope, 'Microsoft.Network/virtualNetworks', vnet)}/subnets/${subnet}`;
}

/** The parts of a resource id. */
export interface ParsedResourceId {
  /** Subscription id. */
  readonly subscriptionId: string;
  /** Resource group name (as written in the id). */
  readonly resourceGroup: string;
  /** `Microsoft.Compute/virtualMachines`, ... (the top-level type). */
  readonly type: string;
  /** Name of the top-level resource. */
  readonly name: string;
}

const ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)(?:\/.*)?$/i;

/** Parses a resource id; `undefined` for anything that is not one. */
export function parseResourceId(id: string): ParsedResourceId | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, type: m[3]!, name: m[4]! };
}

/** True when `value` is a full resource id rather than a bare name. */
export function isResourceId(value: string): boolean {
  return value.startsWith('/subscriptions/');
}

/**
 * The name of the VM an id stands for, when the id is a VM of this scope (ids compare
 * case-insensitively, as ARM treats them); `undefined` otherwise, which makes the VM unknown.
 */
export function vmNameOf(scope: ResourceScope, id: string): string | undefined {
  const parsed = parseResourceId(id);
  if (!parsed) return undefined;
  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  if (!same(parsed.subscriptionId, scope.subscriptionId) || !same(parsed.resourceGroup, scope.resourceGroup)) return undefined;
  if (!same(parsed.type, 'Microsoft.Compute/virtualMachines') || id.split('/').length !== 9) return undefined;
  return parsed.name;
}

/** The last segment of an id (the resource's own name). */
export function lastSegment(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

/** True when two ids name the same resource (ARM ids are case-insensitive). */
export function sameResource(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
