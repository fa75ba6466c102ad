/**
 * Cross-cloud networking: address planning, VPN and peering setups through the providers'
 * network companions (`NetworkProviderV1`), and the WireGuard overlay (keys, topology, wg-quick
 * and `wg setconf` configs, cloud-init user data), tied together by {@link CrossCloudNetwork}.
 *
 * Private keys and pre-shared keys go through a {@link SecretVault}; plans, operation records
 * and resources hold only their references.
 *
 * This entry loads the `ip-address` library (CIDR arithmetic); the root entry does not.
 *
 * @module novacron/network
 * @packageDocumentation
 */
export {
  CrossCloudNetwork,
  type ConnectivityChoice,
  type ConnectivityEndpoint,
  type ConnectivityMode,
  type ConnectivityResult,
  type CrossCloudNetworkOptions,
  type DeployedOverlayNode,
  type DeployNodeOptions,
  type EstablishOptions,
  type OverlayNodeDeployer,
  type OverlaySettings,
  type RenderNodeOptions,
} from './cross-cloud-network.js';
export { generatePresharedKey, type ConnectivityTimeouts, type PendingWait, type RecordedResource } from './connectivity-run.js';
export {
  DEFAULT_ADDRESS_POOLS,
  DEFAULT_RESERVED_RANGES,
  planAddresses,
  readInUseRanges,
  type AddressAllocation,
  type AddressPlan,
  type AddressPlanInput,
  type AddressPool,
  type InUseRange,
  type NetworkRequest,
  type ReadInUseOptions,
  type ReservedRange,
  type SubnetAllocation,
  type SubnetRequest,
} from './address-plan.js';
export { AddressSpaceExhaustedError } from './network-errors.js';
export { waitForNetworkResource, type NetworkWaitOptions, type NetworkWaitResult } from './network-waiter.js';
export { createMemorySecretVault, MemorySecretVault, type SecretVault } from './secret-vault.js';
export { generateWireGuardKeyPair, generateWireGuardPresharedKey, isWireGuardKey, wireGuardPublicKey, type WireGuardKeyPair } from './wireguard-keys.js';
export {
  addOverlayNode,
  advanceKeyRotation,
  normalizeEndpoint,
  overlayNode,
  overlayPeersOf,
  overlaySecretRefs,
  planOverlay,
  removeOverlayNode,
  setOverlayNodeEndpoint,
  setOverlayNodeListenPort,
  type OverlayKeyOptions,
  type OverlayKeyRotation,
  type OverlayNode,
  type OverlayNodeInput,
  type OverlayNodeKey,
  type OverlayPeer,
  type OverlayPlan,
  type OverlayPlanInput,
} from './wireguard-overlay.js';
export {
  parseWireGuardConfig,
  renderWireGuardConfig,
  type ParsedWireGuardConfig,
  type ParsedWireGuardInterface,
  type ParsedWireGuardPeer,
  type RenderWireGuardOptions,
  type WireGuardConfigForm,
} from './wireguard-config.js';
export { renderOverlayCloudInit, type OverlayCloudInitOptions } from './wireguard-cloud-init.js';
export { networkOptionsFromSettings, type NetworkingOptions, type NetworkingSettings } from './networking-settings.js';
// The network companion of the Provider specification (it lives in src/provider, beside ProviderV1).
export { networkOf, type NetworkCreateOptions, type NetworkProviderV1, type VpnConnectionCreateOptions } from '../provider/network-provider-v1.js';
export {
  NETWORK_RESOURCE_TYPES,
  type Network,
  type NetworkCapabilities,
  type NetworkInput,
  type NetworkListFilter,
  type NetworkResource,
  type NetworkResourceBase,
  type NetworkResourceMap,
  type NetworkResourceRef,
  type NetworkResourceState,
  type NetworkResourceType,
  type Peering,
  type PeeringAcceptanceInput,
  type PeeringRequestInput,
  type PeerGateway,
  type PeerGatewayInput,
  type Route,
  type RouteInput,
  type RouteTarget,
  type SecretReader,
  type SecretRef,
  type Subnet,
  type SubnetInput,
  type TunnelBgp,
  type VpnConnection,
  type VpnConnectionInput,
  type VpnGateway,
  type VpnGatewayInput,
  type VpnTunnel,
  type VpnTunnelInput,
} from '../provider/network-types.js';
export { parseCidr, cidrsOverlap, cidrContains, formatCidr, type Cidr, type ParseCidrOptions } from '../provider/cidr.js';
export { probeLatency, type LatencyFailure, type LatencyFailureReason, type LatencyMeasurement, type LatencyTarget, type ProbeLatencyOptions } from './latency-probe.js';
