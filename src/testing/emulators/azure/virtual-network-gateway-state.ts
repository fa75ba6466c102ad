/**
 * The routing side of the emulated network resource provider: VPN gateways
 * (`Microsoft.Network/virtualNetworkGateways`), local network gateways, site-to-site connections
 * (with the shared keys ARM keeps but never shows on a connection GET) and route tables, stored
 * as the ARM JSON a GET returns. Virtual network peerings live inside their virtual network's
 * body (`properties.virtualNetworkPeerings`), as ARM returns them; see `vnet-peering-handlers.ts`.
 *
 * This state hangs off the subscription's {@link ArmState} (one per emulator, created on first
 * use), so that the long provisioning of a gateway runs on the same lifecycle clock as every
 * other operation. Shapes follow the network stable/2024-05-01 examples of azure-rest-api-specs
 * (`VirtualNetworkGatewayUpdate.json`, `VirtualNetworkGatewayConnectionCreate.json`,
 * `VirtualNetworkGatewayConnectionGet.json`, `LocalNetworkGatewayCreate.json`,
 * `RouteTableCreate.json`, read 2026-12).
 */
import type { ArmTrackedResource, SubResource } from './arm-shapes.js';
import type { ArmState } from './arm-state.js';
import type { JsonObject } from './request-body.js';

/** `bgpSettings.bgpPeeringAddresses[]` of a gateway: its BGP addresses per IP configuration. */
export interface ArmBgpPeeringAddress {
  /** The gateway IP configuration the addresses belong to. */
  ipconfigurationId: string;
  /** The default BGP address (in the GatewaySubnet), once provisioned. */
  defaultBgpIpAddresses: string[];
  /** Custom (APIPA, 169.254.21.0–169.254.22.255) BGP addresses, as sent. */
  customBgpIpAddresses: string[];
  /** The public IP of the instance, once provisioned. */
  tunnelIpAddresses: string[];
}

/** `bgpSettings` of a gateway or a local network gateway. */
export interface ArmBgpSettings {
  /** ASN. */
  asn: number;
  /** BGP peering address (a gateway's: comma-separated for active-active). */
  bgpPeeringAddress?: string;
  /** Weight added to routes learned from this speaker. */
  peerWeight: number;
  /** Per IP configuration (gateways only). */
  bgpPeeringAddresses?: ArmBgpPeeringAddress[];
}

/** One IP configuration of a gateway. */
export interface ArmGatewayIpConfiguration {
  /** Name. */
  name: string;
  /** Id (`{gateway}/ipConfigurations/{name}`). */
  id: string;
  /** Entity tag. */
  etag: string;
  /** Properties. */
  properties: {
    /** Provisioning state. */
    provisioningState: string;
    /** Always `Dynamic` for a gateway. */
    privateIPAllocationMethod: string;
    /** The GatewaySubnet. */
    subnet: SubResource;
    /** Its public IP. */
    publicIPAddress: SubResource;
  };
}

/** `Microsoft.Network/virtualNetworkGateways`. */
export interface ArmVirtualNetworkGateway extends ArmTrackedResource {
  /** Entity tag. */
  etag: string;
  /** Properties. */
  properties: {
    /** `Updating` while provisioned or changed, then `Succeeded` (or `Failed`); `Deleting`. */
    provisioningState: string;
    /** A GUID the network RP assigns. */
    resourceGuid: string;
    /** IP configurations (one, or two when active-active). */
    ipConfigurations: ArmGatewayIpConfiguration[];
    /** SKU. */
    sku: { name: string; tier: string; capacity: number };
    /** `Vpn`. */
    gatewayType: string;
    /** `RouteBased` / `PolicyBased`. */
    vpnType: string;
    /** `Generation1` / `Generation2`. */
    vpnGatewayGeneration: string;
    /** BGP on. */
    enableBgp: boolean;
    /** Active-active. */
    activeActive: boolean;
    /** BGP speaker settings. */
    bgpSettings: ArmBgpSettings;
    /** What the PUT sent and the emulator keeps as sent. */
    [key: string]: unknown;
  };
}

/** `Microsoft.Network/localNetworkGateways`. */
export interface ArmLocalNetworkGateway extends ArmTrackedResource {
  /** Entity tag. */
  etag: string;
  /** Properties. */
  properties: {
    /** Provisioning state. */
    provisioningState: string;
    /** A GUID the network RP assigns. */
    resourceGuid: string;
    /** Ranges behind the far side. */
    localNetworkAddressSpace: { addressPrefixes: string[] };
    /** The far side's public IP. */
    gatewayIpAddress?: string;
    /** Or its FQDN. */
    fqdn?: string;
    /** The far side's BGP speaker. */
    bgpSettings?: ArmBgpSettings;
  };
}

/** `gatewayCustomBgpIpAddresses[]` of a connection. */
export interface ArmGatewayCustomBgpIpAddress {
  /** The gateway IP configuration. */
  ipConfigurationId: string;
  /** One of its custom BGP addresses. */
  customBgpIpAddress: string;
}

/** `Microsoft.Network/connections`, as a GET returns it: without `sharedKey`. */
export interface ArmConnection extends ArmTrackedResource {
  /** Entity tag. */
  etag: string;
  /** Properties. */
  properties: {
    /** Provisioning state. */
    provisioningState: string;
    /** A GUID the network RP assigns. */
    resourceGuid: string;
    /** This side's gateway. */
    virtualNetworkGateway1: { id: string; properties: JsonObject };
    /** The far side, for `IPsec`. */
    localNetworkGateway2: { id: string; properties: JsonObject };
    /** `IPsec`. */
    connectionType: string;
    /** `IKEv2` / `IKEv1`. */
    connectionProtocol: string;
    /** Routing weight. */
    routingWeight: number;
    /** Dead peer detection timeout. */
    dpdTimeoutSeconds: number;
    /** BGP over the connection. */
    enableBgp: boolean;
    /** Custom BGP addresses of this side, per gateway IP configuration. */
    gatewayCustomBgpIpAddresses?: ArmGatewayCustomBgpIpAddress[];
    /** Policy-based traffic selectors. */
    usePolicyBasedTrafficSelectors: boolean;
    /** Custom IPsec policies. */
    ipsecPolicies: JsonObject[];
    /** `Unknown` until provisioned, then `Connecting`, `Connected` or `NotConnected`. */
    connectionStatus: string;
    /** Per tunnel (active-active gateways have one per instance). */
    tunnelConnectionStatus?: JsonObject[];
    /** Traffic counters. */
    ingressBytesTransferred: number;
    /** Traffic counters. */
    egressBytesTransferred: number;
    /** `Default`, `ResponderOnly`, `InitiatorOnly`. */
    connectionMode: string;
  };
}

/** A connection as the emulator keeps it: the body a GET shows, and the shared key beside it. */
export interface ConnectionRecord {
  /** The ARM JSON, `sharedKey` left out (ARM returns it only from `.../sharedkey`). */
  body: ArmConnection;
  /** The pre-shared key, as the cloud keeps it. Never rendered into a body, a log or an error. */
  sharedKey: string;
  /** Status once provisioned (`Connecting` unless a test says otherwise). */
  settledStatus: string;
}

/** One route of a route table. */
export interface ArmRoute {
  /** Name. */
  name: string;
  /** Id (`{table}/routes/{name}`). */
  id: string;
  /** Entity tag. */
  etag: string;
  /** Type. */
  type: string;
  /** Properties. */
  properties: {
    /** Provisioning state. */
    provisioningState: string;
    /** Destination range (or a service tag). */
    addressPrefix: string;
    /** `VirtualNetworkGateway`, `VnetLocal`, `Internet`, `VirtualAppliance`, `None`. */
    nextHopType: string;
    /** For `VirtualAppliance`. */
    nextHopIpAddress?: string;
    /** Whether a BGP route of the same prefix overrides it. */
    hasBgpOverride: boolean;
  };
}

/** `Microsoft.Network/routeTables`. */
export interface ArmRouteTable extends ArmTrackedResource {
  /** Entity tag. */
  etag: string;
  /** Properties. */
  properties: {
    /** Provisioning state. */
    provisioningState: string;
    /** A GUID the network RP assigns. */
    resourceGuid: string;
    /** Whether gateway-learned routes are kept off the associated subnets. */
    disableBgpRoutePropagation: boolean;
    /** Its routes. */
    routes: ArmRoute[];
    /** The subnets it is associated with. */
    subnets?: SubResource[];
  };
}

/** How long the slow operations of a gateway take, in ms of the emulator's clock. */
export interface GatewayTiming {
  /** From the create PUT to `Succeeded` (Azure: 30–45 minutes; default 30 minutes). */
  readonly provisioningMs: number;
  /** An update PUT of an existing gateway (default 2 minutes). */
  readonly updateMs: number;
  /** From DELETE to gone (default 10 minutes). */
  readonly deleteMs: number;
  /** A connection's create or delete (default 60 seconds). */
  readonly connectionMs: number;
}

/** Defaults of {@link GatewayTiming}: a gateway's create as slow as Azure's fastest, the rest minutes. */
export const DEFAULT_GATEWAY_TIMING: GatewayTiming = { provisioningMs: 30 * 60_000, updateMs: 2 * 60_000, deleteMs: 10 * 60_000, connectionMs: 60_000 };

/** The routing side of one emulated subscription. */
export class GatewayRoutingState {
  /** VPN gateways, by lower-cased id. */
  readonly virtualNetworkGateways = new Map<string, ArmVirtualNetworkGateway>();
  /** Local network gateways. */
  readonly localNetworkGateways = new Map<string, ArmLocalNetworkGateway>();
  /** Connections, with their shared keys. */
  readonly connections = new Map<string, ConnectionRecord>();
  /** Route tables (routes inside). */
  readonly routeTables = new Map<string, ArmRouteTable>();
  /** Operation times. */
  timing: GatewayTiming = DEFAULT_GATEWAY_TIMING;
}

const ROUTING = new WeakMap<ArmState, GatewayRoutingState>();

/** The routing side of a subscription (made on first use). */
export function routingOf(state: ArmState): GatewayRoutingState {
  let routing = ROUTING.get(state);
  if (routing === undefined) {
    routing = new GatewayRoutingState();
    ROUTING.set(state, routing);
  }
  return routing;
}

/** Sets the gateway operation times of a subscription (`startArmEmulator({ gatewayTiming })`). */
export function configureGatewayTiming(state: ArmState, timing: Partial<GatewayTiming> | undefined): void {
  const routing = routingOf(state);
  routing.timing = { ...DEFAULT_GATEWAY_TIMING, ...definedOnly(timing ?? {}) };
}

function definedOnly(timing: Partial<GatewayTiming>): Partial<GatewayTiming> {
  return Object.fromEntries(Object.entries(timing).filter(([, v]) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) as Partial<GatewayTiming>;
}
