/**
 * ARM resource ids: `/subscriptions/{sub}/resourceGroups/{rg}/providers/{Namespace}/{type}/{name}[/{childType}/{childName}]`.
 * ARM compares ids, names and types case-insensitively and answers with the casing the resource
 * was created with (the ARM resource provider contract's rule that names are case-insensitive and
 * case-preserving, read 2026-12), so the emulator keys its maps by the lower-cased id.
 */

/** A parsed resource id. */
export interface ParsedResourceId {
  /** Subscription id. */
  readonly subscriptionId: string;
  /** Resource group name. */
  readonly resourceGroup: string;
  /** Provider namespace (`Microsoft.Network`). */
  readonly namespace: string;
  /** Resource type path (`virtualNetworks/subnets`). */
  readonly type: string;
  /** Names along the type path (`['vnet', 'default']`). */
  readonly names: readonly string[];
}

const ID_PATTERN = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i;

/** Parses a resource id; `undefined` for anything that is not one. */
export function parseResourceId(id: string): ParsedResourceId | undefined {
  const m = ID_PATTERN.exec(id);
  if (!m) return undefined;
  const rest = m[4]!.split('/');
  if (rest.length % 2 !== 0 || rest.some((s) => s === '')) return undefined;
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    types.push(rest[i]!);
    names.push(decodeURIComponent(rest[i + 1]!));
  }
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, namespace: m[3]!, type: types.join('/'), names };
}

/** The id of a top-level resource. */
export function resourceId(subscriptionId: string, resourceGroup: string, fullType: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${fullType}/${name}`;
}

/** The id of a resource group. */
export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/** The key an id is stored under (ARM ids are case-insensitive). */
export function idKey(id: string): string {
  return id.toLowerCase();
}

/** True when `id` names a resource of `fullType` (`Microsoft.Network/virtualNetworks/subnets`). */
export function isIdOfType(id: string, fullType: string): boolean {
  const parsed = parseResourceId(id);
  return parsed !== undefined && `${parsed.namespace}/${parsed.type}`.toLowerCase() === fullType.toLowerCase();
}
