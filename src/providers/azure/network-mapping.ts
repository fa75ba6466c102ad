/**
 * What every network resource the companion reports shares: the normalized state from ARM's
 * `provisioningState` (and a peering's `peeringState`), the common head (id, name, region,
 * labels, creation time), and the parts of the ids the companion takes as input.
 *
 * States: `Updating` (ARM's word while a PUT runs, e.g. the 30–45 minutes of a gateway) and
 * `Creating` are `provisioning`; `Succeeded` is `available`; `Deleting` is `deleting`;
 * `Failed` and `Canceled` are `failed`. A peering link is `pending-acceptance` while
 * `Initiated`, `available` once `Connected`, `failed` once `Disconnected` (the other side's link
 * is gone). ARM gives network resources no creation time: the companion writes one in a tag, and
 * a resource without it (a child resource, or one made outside novacron) reads as created at the
 * Unix epoch.
 */
import { InvalidSpecError } from '../../provider/errors.js';
import type { NetworkResourceState, NetworkResourceType } from '../../provider/network-types.js';
import { NETWORK_TAG } from './network-names.js';
import { labelsOf, NOVACRON_TAG } from './tags.js';

/** The normalized state of an ARM provisioning state. */
export function stateOfProvisioning(provisioningState: string | undefined): NetworkResourceState {
  switch ((provisioningState ?? 'Succeeded').toLowerCase()) {
    case 'succeeded':
      return 'available';
    case 'deleting':
      return 'deleting';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return 'provisioning';
  }
}

/** The normalized state of a peering link. */
export function stateOfPeering(provisioningState: string | undefined, peeringState: string | undefined): NetworkResourceState {
  const provisioned = stateOfProvisioning(provisioningState);
  if (provisioned !== 'available') return provisioned;
  switch ((peeringState ?? '').toLowerCase()) {
    case 'connected':
      return 'available';
    case 'disconnected':
      return 'failed';
    default:
      return 'pending-acceptance';
  }
}

/** What the head of a reported resource is made from. */
export interface HeadSource {
  /** ARM id. */
  readonly id: string;
  /** ARM name. */
  readonly name: string;
  /** Location. */
  readonly location: string;
  /** Tags, when the resource has them. */
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** ARM's provisioning state. */
  readonly provisioningState: string | undefined;
}

/** The head every network resource carries. */
export function headOf<T extends NetworkResourceType>(type: T, source: HeadSource, provider: string, state = stateOfProvisioning(source.provisioningState), stateReason?: string) {
  return {
    type,
    id: source.id,
    name: source.tags?.[NOVACRON_TAG.name] ?? source.name,
    provider,
    providerKind: 'azure' as const,
    region: source.location,
    state,
    rawState: source.provisioningState ?? 'Succeeded',
    stateReason: state === 'failed' ? (stateReason ?? `provisioning state ${source.provisioningState ?? 'unknown'}`) : undefined,
    labels: labelsOf(source.tags),
    createdAt: source.tags?.[NETWORK_TAG.createdAt] ?? new Date(0).toISOString(),
  };
}

/** The `Microsoft.Network` resource types the companion names. */
export type NetworkArmType =
  | 'Microsoft.Network/virtualNetworks'
  | 'Microsoft.Network/virtualNetworkGateways'
  | 'Microsoft.Network/localNetworkGateways'
  | 'Microsoft.Network/connections'
  | 'Microsoft.Network/publicIPAddresses'
  | 'Microsoft.Network/routeTables';

/** The id of the top-level resource `name` of `type` in the scope's resource group. */
export function armId(scope: { readonly subscriptionId: string; readonly resourceGroup: string }, type: NetworkArmType, name: string): string {
  return `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/${type}/${name}`;
}

/** The parts of a virtual network id (`/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Network/virtualNetworks/{name}`). */
export interface VnetRef {
  /** Subscription. */
  readonly subscriptionId: string;
  /** Resource group. */
  readonly resourceGroup: string;
  /** VNet name. */
  readonly name: string;
  /** The id as given. */
  readonly id: string;
}

const VNET_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)$/i;
const CHILD_ID = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/(?:virtualNetworks|routeTables)\/[^/]+)\/(subnets|virtualNetworkPeerings|routes)\/([^/]+)$/i;

/** A VNet id's parts, or `undefined` for anything that is not a VNet id. */
export function parseVnetId(id: string): VnetRef | undefined {
  const m = typeof id === 'string' ? VNET_ID.exec(id) : null;
  return m ? { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]!, id } : undefined;
}

/** A VNet id's parts; `InvalidSpecError` on `field` for anything else. */
export function vnetRefOf(id: string, field: string): VnetRef {
  const ref = parseVnetId(id);
  if (!ref) throw new InvalidSpecError({ issues: [{ field, message: `expected an Azure virtual network id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…), got ${JSON.stringify(id)}` }] });
  return ref;
}

/** A child resource id's parts (a subnet, peering link or route), or `undefined`. */
export function parseChildId(id: string, kind: 'subnets' | 'virtualNetworkPeerings' | 'routes'): { parentId: string; name: string } | undefined {
  const m = typeof id === 'string' ? CHILD_ID.exec(id) : null;
  if (!m || m[2]!.toLowerCase() !== kind.toLowerCase()) return undefined;
  return { parentId: m[1]!, name: m[3]! };
}

/** The resource group and name of a top-level resource id of `type` in the subscription, or `undefined`. */
export function topLevelOf(id: string, subscriptionId: string, type: string): { resourceGroup: string; name: string } | undefined {
  const m = typeof id === 'string' ? /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)$/i.exec(id) : null;
  if (!m || m[1]!.toLowerCase() !== subscriptionId.toLowerCase() || m[3]!.toLowerCase() !== type.toLowerCase()) return undefined;
  return { resourceGroup: m[2]!, name: m[4]! };
}

/** Labels and region filters of `list`. */
export function matchesFilter(resource: { region: string; labels: Readonly<Record<string, string>>; id: string; networkId?: string }, filter: { region?: string | undefined; networkId?: string | undefined; labels?: Readonly<Record<string, string>> | undefined }, networkIdOf: string | undefined): boolean {
  if (filter.region !== undefined && resource.region.toLowerCase() !== filter.region.toLowerCase()) return false;
  if (filter.networkId !== undefined && (networkIdOf ?? '').toLowerCase() !== filter.networkId.toLowerCase()) return false;
  for (const [k, v] of Object.entries(filter.labels ?? {})) if (resource.labels[k] !== v) return false;
  return true;
}
