/**
 * What the gateway, local network gateway, connection, peering and route table handlers share:
 * their ids, the start of every PUT (group, location, tags), ARM's refusal of a write while
 * another operation on the resource runs (409 `AnotherOperationInProgress`, "Another operation
 * on this or dependent resource is in progress. To retrieve status of the operation use uri:
 * {operation url}.", network RP wording as Terraform logs quote it, read 2026-12), the network
 * RP's checks of address prefixes, and BGP ASN rules.
 *
 * Address prefixes (network RP wording as Azure CLI users quote it, read 2026-12): a prefix
 * with host bits set is 400 `InvalidCIDRNotation` ("The address prefix {p} in resource {id} has
 * an invalid CIDR notation. For the given prefix length, the address prefix should be {range}.");
 * text that is no prefix at all is 400 `InvalidAddressPrefixFormat` (the emulator's choice of
 * code: no public source names the one ARM uses).
 *
 * ASNs (learn.microsoft.com "About BGP and VPN Gateway", read 2026-12): Azure reserves 8074,
 * 8075, 12076 (public) and 65515, 65517–65520 (private); IANA reserves 23456, 64496–64511 and
 * 65535–65551. A VPN gateway may keep Azure's default 65515; nothing else may use a reserved one.
 * Custom (APIPA) BGP addresses of a VPN gateway lie in 169.254.21.0–169.254.22.255.
 */
import { cidrContains, parseCidr, type Cidr } from '../../../provider/cidr.js';
import { ArmError } from './arm-error.js';
import { checkLocation, locationOf, type ArmCall } from './arm-call.js';
import { idKey, resourceId } from './resource-id.js';
import { checkTags } from './tag-rules.js';

/** The routing resource types, as their ids name them. */
export type RoutingType = 'virtualNetworkGateways' | 'localNetworkGateways' | 'connections' | 'routeTables';

/** The id of the route's resource of `type` (its name in route parameter `nameParam`). */
export function routingIdOf(call: ArmCall, type: RoutingType, nameParam: string): string {
  return resourceId(call.state.subscriptionId, call.group().name, `Microsoft.Network/${type}`, call.param(nameParam));
}

/** What every routing PUT starts with: group, location, tags. */
export function routingPutBasics(call: ArmCall, type: RoutingType): { location: string; tags: Record<string, string> | undefined } {
  call.group();
  const location = locationOf(call);
  checkLocation(call, location, `Microsoft.Network/${type}`);
  const tags = call.body().get('tags').stringMap();
  checkTags(tags);
  return { location, tags };
}

/** Refuses a write while an operation on `id` runs (409 `AnotherOperationInProgress`). */
export function refuseWhileBusy(call: ArmCall, id: string, location: string): void {
  if (!call.state.operations.busy(id)) return;
  const running = call.state.operations.list().find((op) => op.status === 'InProgress' && op.target !== undefined && idKey(op.target) === idKey(id));
  const uri = `${call.world.endpoint()}/subscriptions/${call.state.subscriptionId}/providers/Microsoft.Network/locations/${location}/operations/${running?.id ?? ''}?api-version=${call.apiVersion}`;
  throw new ArmError(409, 'AnotherOperationInProgress', `Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: ${uri}.`, { details: [] });
}

/** A prefix as the network RP reads it: canonical CIDR text, or its 400. */
export function readPrefix(text: string | undefined, resource: string): Cidr {
  if (text === undefined || text === '') throw new ArmError(400, 'InvalidAddressPrefixFormat', `Address prefix of resource ${resource} is missing or empty.`, { details: [] });
  let strict: Cidr | undefined;
  try {
    strict = parseCidr(text);
  } catch {
    let lenient: Cidr | undefined;
    try {
      lenient = parseCidr(text, { lenient: true });
    } catch {
      throw new ArmError(400, 'InvalidAddressPrefixFormat', `Address prefix ${text} of resource ${resource} is not formatted correctly.`, { details: [] });
    }
    throw new ArmError(400, 'InvalidCIDRNotation', `The address prefix ${text} in resource ${resource} has an invalid CIDR notation. For the given prefix length, the address prefix should be ${lenient.text}.`, { details: [] });
  }
  return strict;
}

const RESERVED_ASNS = new Set([0, 8074, 8075, 12076, 23456, 65517, 65518, 65519, 65520]);

/** True when `asn` is reserved (Azure's and IANA's), apart from `allowDefault` (65515 on a VPN gateway). */
export function isReservedAsn(asn: number, allowAzureDefault: boolean): boolean {
  if (asn === 65515) return !allowAzureDefault;
  return RESERVED_ASNS.has(asn) || (asn >= 64496 && asn <= 64511) || (asn >= 65535 && asn <= 65551);
}

/** Refuses an ASN that is not a 32-bit ASN or is reserved (400 `InvalidAsn`, the emulator's code). */
export function checkAsn(asn: number | undefined, resource: string, allowAzureDefault: boolean): number | undefined {
  if (asn === undefined) return undefined;
  if (!Number.isInteger(asn) || asn < 1 || asn > 4294967295) throw new ArmError(400, 'InvalidAsn', `ASN ${asn} of resource ${resource} is not valid: it must be between 1 and 4294967295.`, { details: [] });
  if (isReservedAsn(asn, allowAzureDefault)) throw new ArmError(400, 'InvalidAsn', `ASN ${asn} of resource ${resource} is reserved by Azure or IANA and cannot be used.`, { details: [] });
  return asn;
}

const APIPA = parseCidr('169.254.21.0/24');
const APIPA_2 = parseCidr('169.254.22.0/24');

/** True when `ip` is an address Azure takes as a custom (APIPA) BGP address. */
export function isAzureApipa(ip: string): boolean {
  let single: Cidr;
  try {
    single = parseCidr(ip);
  } catch {
    return false;
  }
  return single.version === 4 && single.prefix === 32 && (cidrContains(APIPA, single) || cidrContains(APIPA_2, single));
}
