/**
 * The network resource provider's refusals that the general table (`error-mapping.ts`) would
 * read by their HTTP status alone: most are 400s, which it takes for bad input, but many say
 * "this is still in use" or "that overlaps", which are conflicts of state that a caller resolves
 * by deleting or waiting, not by changing its request. Codes as the network RP and its users
 * report them (see the emulator's handler notes, read 2026-12):
 * - conflicts: `InUseSubnetCannotBeDeleted`, `PublicIPAddressCannotBeDeleted`,
 *   `InUseRouteTableCannotBeDeleted`, `VirtualNetworkGatewayCannotBeDeleted`,
 *   `InUseLocalNetworkGatewayCannotBeDeleted`, `NetcfgSubnetRangesOverlap`,
 *   `VnetAddressSpacesOverlap`, `ReferencedResourceNotProvisioned`, `PublicIPAddressInUse`,
 *   `GatewayAlreadyExistsInVirtualNetwork`, `PropertyChangeNotAllowed`;
 * - bad input, with the field of the companion's input it is about: `NetcfgSubnetRangeOutsideVnet`,
 *   `InvalidCIDRNotation`, `InvalidAddressPrefixFormat`, `InvalidAsn`, `InvalidSharedKey`,
 *   `InvalidCustomBgpIpAddress`, `InvalidRoute`, `InvalidRemoteVirtualNetwork`, `BgpNotConfigured`.
 * Everything else goes on to the general table. The mapped error keeps the ARM code, HTTP status
 * and request id in its cause, and never the request (which may carry a pre-shared key).
 */
import { ConflictError, ErrorCause, InvalidSpecError, NovacronError } from '../../provider/errors.js';
import { azureErrorCode } from './error-mapping.js';

const CONFLICTS = new Set([
  'InUseSubnetCannotBeDeleted',
  'PublicIPAddressCannotBeDeleted',
  'InUseRouteTableCannotBeDeleted',
  'VirtualNetworkGatewayCannotBeDeleted',
  'InUseLocalNetworkGatewayCannotBeDeleted',
  'InUseNetworkSecurityGroupCannotBeDeleted',
  'NetcfgSubnetRangesOverlap',
  'VnetAddressSpacesOverlap',
  'ReferencedResourceNotProvisioned',
  'PublicIPAddressInUse',
  'GatewayAlreadyExistsInVirtualNetwork',
  'PropertyChangeNotAllowed',
]);

/** Bad-input codes, with the input field each is about. */
const INVALID: Readonly<Record<string, string>> = {
  NetcfgSubnetRangeOutsideVnet: 'cidr',
  InvalidCIDRNotation: 'cidr',
  InvalidAddressPrefixFormat: 'cidr',
  NetcfgInvalidSubnet: 'cidr',
  InvalidAsn: 'asn',
  InvalidSharedKey: 'tunnels.preSharedKey',
  InvalidCustomBgpIpAddress: 'tunnels.insideCidr',
  InvalidRoute: 'target',
  InvalidRemoteVirtualNetwork: 'peerNetworkId',
  BgpNotConfigured: 'routing',
  InvalidGatewaySubnet: 'networkId',
  InvalidGatewayConfiguration: 'network',
  InvalidLocalNetworkGatewayConfiguration: 'ips',
};

const LRO_PREFIX = /^The long-running operation has failed\. [A-Za-z][A-Za-z0-9.]*\. /;

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly statusCode?: unknown;
  readonly response?: { readonly headers?: { get?(name: string): string | undefined } | undefined } | undefined;
}

/**
 * The novacron error for a network RP refusal this module knows, or the error unchanged (for
 * `AzureApi.run` to map). `operation` names the companion call in the message.
 */
export function mapNetworkError(error: unknown, provider: string, operation: string): unknown {
  if (NovacronError.isInstance(error)) return error;
  const code = azureErrorCode(error);
  if (code === undefined || (!CONFLICTS.has(code) && INVALID[code] === undefined)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const raw = typeof e.message === 'string' ? e.message.replace(LRO_PREFIX, '') : String(error);
  const requestId = typeof e.response?.headers?.get === 'function' ? e.response.headers.get('x-ms-request-id') : undefined;
  const cause = new ErrorCause({ name: typeof e.name === 'string' ? e.name : 'Error', message: raw, code, requestId, statusCode: typeof e.statusCode === 'number' ? e.statusCode : undefined });
  const message = `${operation}: ${code}: ${raw}${requestId ? ` (x-ms-request-id ${requestId})` : ''}`;
  if (CONFLICTS.has(code)) return new ConflictError({ provider, message, cause });
  return new InvalidSpecError({ provider, message, cause, issues: [{ field: INVALID[code]!, message: `${code}: ${raw}` }] });
}
