/**
 * The parts of Neutron's JSON that the network companion reads (Networking API v2.0 reference:
 * networks, subnets, routers with `extraroute`, tags, extensions, and the VPNaaS resources —
 * `api-ref/source/v2/*.inc` and `samples/`, neutron-lib `api/definitions/vpn.py`; read
 * 2026-12). Every field is optional: a cloud may leave out what its policy hides.
 */

/** A network, with the standard attributes the companion relies on. */
export interface NeutronNetworkView {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name?: string;
  /** Description (the companion's mark lives here). */
  readonly description?: string;
  /** `ACTIVE`, `DOWN`, `BUILD`, `ERROR`. */
  readonly status?: string;
  /** External (provider) network. */
  readonly 'router:external'?: boolean;
  /** Its subnets' ids. */
  readonly subnets?: readonly string[];
  /** Tags. */
  readonly tags?: readonly string[];
  /** Owner. */
  readonly project_id?: string;
  /** Creation time. */
  readonly created_at?: string;
}

/** A subnet. */
export interface NeutronSubnetView {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name?: string;
  /** Description. */
  readonly description?: string;
  /** Its network. */
  readonly network_id?: string;
  /** Its range. */
  readonly cidr?: string;
  /** 4 or 6. */
  readonly ip_version?: number;
  /** Its gateway address (the router interface takes it), `null` for none. */
  readonly gateway_ip?: string | null;
  /** Tags. */
  readonly tags?: readonly string[];
  /** Creation time. */
  readonly created_at?: string;
}

/** An extra route of a router. */
export interface NeutronRoute {
  /** Destination range. */
  readonly destination: string;
  /** Next hop address. */
  readonly nexthop: string;
}

/** A router. */
export interface NeutronRouterView {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name?: string;
  /** Description (the companion's mark). */
  readonly description?: string;
  /** Status. */
  readonly status?: string;
  /** Its external gateway, `null` when it has none. */
  readonly external_gateway_info?: { readonly network_id?: string; readonly external_fixed_ips?: readonly { readonly subnet_id?: string; readonly ip_address?: string }[] } | null;
  /** Extra routes. */
  readonly routes?: readonly NeutronRoute[];
  /** Tags (the companion records its routes here). */
  readonly tags?: readonly string[];
  /** Creation time. */
  readonly created_at?: string;
}

/** The answer of `add_router_interface` / `remove_router_interface`. */
export interface NeutronRouterInterface {
  /** Router id. */
  readonly id?: string;
  /** The subnet. */
  readonly subnet_id?: string;
  /** The interface port. */
  readonly port_id?: string;
}

/** A port (what the companion reads of one). */
export interface NeutronPortView {
  /** Id. */
  readonly id: string;
  /** Network. */
  readonly network_id?: string;
  /** Who uses it (a server id, a router id). */
  readonly device_id?: string;
  /** `compute:nova`, `network:router_interface`, … */
  readonly device_owner?: string;
  /** Its addresses. */
  readonly fixed_ips?: readonly { readonly subnet_id?: string; readonly ip_address?: string }[];
}

/** An API extension (`GET /v2.0/extensions`). */
export interface NeutronExtensionView {
  /** Alias (`vpnaas`, `extraroute-atomic`). */
  readonly alias?: string;
  /** Name. */
  readonly name?: string;
}

/** A VPN service (VPNaaS). */
export interface NeutronVpnServiceView {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name?: string;
  /** Description (the companion's mark). */
  readonly description?: string;
  /** Its router. */
  readonly router_id?: string;
  /** The legacy single subnet, `null` in endpoint-group mode. */
  readonly subnet_id?: string | null;
  /** The router's gateway address, once the driver recorded it. */
  readonly external_v4_ip?: string | null;
  /** IPv6 gateway address. */
  readonly external_v6_ip?: string | null;
  /** `PENDING_CREATE`, `ACTIVE`, `DOWN`, `ERROR`, `PENDING_DELETE`, … */
  readonly status?: string;
}

/** An endpoint group (VPNaaS). */
export interface NeutronEndpointGroupView {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name?: string;
  /** Description (the companion's mark). */
  readonly description?: string;
  /** `subnet` or `cidr` (and others the companion does not make). */
  readonly type?: string;
  /** Subnet ids or CIDRs. */
  readonly endpoints?: readonly string[];
}

/** An IKE or IPsec policy, as far as the companion reads it. */
export interface NeutronPolicyView {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name?: string;
  /** Description (the companion's mark). */
  readonly description?: string;
}

/** An IPsec site connection (VPNaaS). Its `psk` is read by nobody: the companion answers a `SecretRef`. */
export interface NeutronSiteConnectionView {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name?: string;
  /** Description (the companion's mark). */
  readonly description?: string;
  /** Its VPN service. */
  readonly vpnservice_id?: string;
  /** Its IKE policy. */
  readonly ikepolicy_id?: string;
  /** Its IPsec policy. */
  readonly ipsecpolicy_id?: string;
  /** Local subnets. */
  readonly local_ep_group_id?: string | null;
  /** Peer CIDRs. */
  readonly peer_ep_group_id?: string | null;
  /** Peer CIDRs (legacy mode). */
  readonly peer_cidrs?: readonly string[];
  /** The far side's address. */
  readonly peer_address?: string;
  /** `PENDING_CREATE`, `ACTIVE`, `DOWN`, `ERROR`, … */
  readonly status?: string;
  /** Always `static`. */
  readonly route_mode?: string;
}
