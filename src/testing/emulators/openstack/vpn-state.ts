/**
 * Neutron VPNaaS in the emulated project (neutron-vpnaas `db/vpn/vpn_db.py`, `vpn_validator.py`
 * and neutron-lib `api/definitions/vpn.py`, `exceptions/vpn.py`, read 2026-12): IKE and IPsec
 * policies, VPN services on routers, endpoint groups (local subnets, peer CIDRs) and IPsec site
 * connections. VPNaaS is an optional Neutron extension: the state exists only when the emulator
 * is started with `vpnaas: true`; otherwise every `/v2.0/vpn/...` path is 404 and
 * `GET /v2.0/extensions` does not list `vpnaas`.
 *
 * States, as the reference IPsec driver moves them:
 * - a VPN service is created `PENDING_CREATE` with no `external_v4_ip` in the create answer; the
 *   service driver then records the router's gateway address, so the next read shows it. The
 *   agent only takes up a service that has a connection: the service stays `PENDING_CREATE`
 *   until its first connection has been processed, then is `ACTIVE`;
 * - a connection is created `PENDING_CREATE` and processed `activationMs` later: `ACTIVE` when
 *   the far side answers — here, when another connection in this emulator mirrors it (its
 *   service's gateway address is our peer address and the reverse, with the same pre-shared
 *   key) — else `DOWN` (the peer does not answer); it keeps following its mirror afterwards.
 *
 * The pre-shared key is kept, as Neutron keeps it (`psk` is a visible attribute: a GET returns
 * it), and never written into an error message or a state view.
 */
import { randomUUID } from 'node:crypto';
import type { NetworkState } from './network-state.js';

/** A lifetime of IKE or IPsec SAs. */
export interface SaLifetime {
  /** Always `seconds`. */
  readonly units: 'seconds';
  /** How long, at least 60. */
  readonly value: number;
}

/** An IKE policy. */
export interface IkePolicyRecord {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Description. */
  readonly description: string;
  /** `sha1`, `sha256`, … */
  readonly authAlgorithm: string;
  /** `aes-128`, `aes-256`, … */
  readonly encryptionAlgorithm: string;
  /** `main` or `aggressive`. */
  readonly phase1NegotiationMode: string;
  /** `v1` or `v2`. */
  readonly ikeVersion: string;
  /** `group5`, `group14`, … */
  readonly pfs: string;
  /** SA lifetime. */
  readonly lifetime: SaLifetime;
  /** Owner. */
  readonly projectId: string;
}

/** An IPsec policy. */
export interface IpsecPolicyRecord {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Description. */
  readonly description: string;
  /** `esp`, `ah`, `ah-esp`. */
  readonly transformProtocol: string;
  /** `sha1`, `sha256`, … */
  readonly authAlgorithm: string;
  /** `aes-128`, `aes-256`, … */
  readonly encryptionAlgorithm: string;
  /** `tunnel` or `transport`. */
  readonly encapsulationMode: string;
  /** `group5`, `group14`, … */
  readonly pfs: string;
  /** SA lifetime. */
  readonly lifetime: SaLifetime;
  /** Owner. */
  readonly projectId: string;
}

/** A VPN service on a router. */
export interface VpnServiceRecord {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Description. */
  readonly description: string;
  /** The router. */
  readonly routerId: string;
  /** The legacy single subnet, `null` in endpoint-group mode. */
  readonly subnetId: string | null;
  /** Administrative state. */
  readonly adminStateUp: boolean;
  /** The router's gateway IPv4 address, once the driver recorded it. */
  externalV4Ip: string | null;
  /** `PENDING_CREATE`, `ACTIVE`, … */
  status: string;
  /** Owner. */
  readonly projectId: string;
}

/** An endpoint group: local subnets or peer CIDRs. */
export interface EndpointGroupRecord {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Description. */
  readonly description: string;
  /** `subnet` or `cidr`. */
  readonly type: 'subnet' | 'cidr';
  /** Subnet ids or CIDRs. */
  readonly endpoints: readonly string[];
  /** Owner. */
  readonly projectId: string;
}

/** Dead peer detection settings. */
export interface DeadPeerDetection {
  /** `hold`, `clear`, `restart`, `disabled`, `restart-by-peer`. */
  readonly action: string;
  /** Seconds. */
  readonly interval: number;
  /** Seconds, more than `interval`. */
  readonly timeout: number;
}

/** An IPsec site connection. */
export interface SiteConnectionRecord {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Description. */
  readonly description: string;
  /** Its VPN service. */
  readonly vpnserviceId: string;
  /** Its IKE policy. */
  readonly ikepolicyId: string;
  /** Its IPsec policy. */
  readonly ipsecpolicyId: string;
  /** Local subnets (endpoint-group mode). */
  readonly localEpGroupId: string | null;
  /** Peer CIDRs (endpoint-group mode). */
  readonly peerEpGroupId: string | null;
  /** Peer CIDRs (legacy mode). */
  readonly peerCidrs: readonly string[];
  /** The far side's public address. */
  readonly peerAddress: string;
  /** The far side's IKE identity. */
  readonly peerId: string;
  /** This side's IKE identity (`''`: its address). */
  readonly localId: string;
  /** The pre-shared key. Never in an error or a view. */
  readonly psk: string;
  /** MTU. */
  readonly mtu: number;
  /** `bi-directional` or `response-only`. */
  readonly initiator: string;
  /** Dead peer detection. */
  readonly dpd: DeadPeerDetection;
  /** Administrative state. */
  readonly adminStateUp: boolean;
  /** `PENDING_CREATE`, `ACTIVE`, `DOWN`, … */
  status: string;
  /** When the agent processes it, clock ms. */
  readonly processedAt: number;
  /** Owner. */
  readonly projectId: string;
}

type Json = Record<string, unknown>;

/** The VPNaaS side of the emulated project. */
export class VpnState {
  /** IKE policies by id. */
  readonly ikePolicies = new Map<string, IkePolicyRecord>();
  /** IPsec policies by id. */
  readonly ipsecPolicies = new Map<string, IpsecPolicyRecord>();
  /** VPN services by id. */
  readonly services = new Map<string, VpnServiceRecord>();
  /** Endpoint groups by id. */
  readonly endpointGroups = new Map<string, EndpointGroupRecord>();
  /** IPsec site connections by id. */
  readonly connections = new Map<string, SiteConnectionRecord>();

  /** VPNaaS state; `enabled` says whether the extension is loaded. */
  constructor(
    /** Whether the `vpnaas` extension is loaded. */
    readonly enabled: boolean,
    private readonly network: NetworkState,
    private readonly now: () => number,
    /** From a connection's create to the agent's verdict, ms. */
    readonly activationMs: number,
  ) {}

  /** A new id. */
  newId(): string {
    return randomUUID();
  }

  /** Adds a VPN service in `PENDING_CREATE`; its gateway address is recorded at once (the create answer does not show it). */
  addService(record: Omit<VpnServiceRecord, 'id' | 'status' | 'externalV4Ip' | 'projectId'>): VpnServiceRecord {
    const router = this.network.routers.get(record.routerId);
    const v4 = router?.gatewayIps.find((ip) => !ip.ipAddress.includes(':'))?.ipAddress ?? null;
    const service: VpnServiceRecord = { ...record, id: this.newId(), status: 'PENDING_CREATE', externalV4Ip: v4, projectId: this.network.projectId };
    this.services.set(service.id, service);
    return service;
  }

  /** Adds a connection in `PENDING_CREATE`, processed `activationMs` from now. */
  addConnection(record: Omit<SiteConnectionRecord, 'id' | 'status' | 'processedAt' | 'projectId'>): SiteConnectionRecord {
    const connection: SiteConnectionRecord = { ...record, id: this.newId(), status: 'PENDING_CREATE', processedAt: this.now() + this.activationMs, projectId: this.network.projectId };
    this.connections.set(connection.id, connection);
    return connection;
  }

  /** Applies the agent's verdicts that are due (see the file comment). */
  advance(): void {
    const now = this.now();
    for (const c of this.connections.values()) {
      if (c.status === 'PENDING_CREATE' && now < c.processedAt) continue;
      c.status = c.adminStateUp && this.mirrorOf(c) !== undefined ? 'ACTIVE' : 'DOWN';
      const service = this.services.get(c.vpnserviceId);
      if (service && service.status === 'PENDING_CREATE') service.status = 'ACTIVE';
    }
  }

  /** The connections of a VPN service. */
  connectionsOf(serviceId: string): SiteConnectionRecord[] {
    return [...this.connections.values()].filter((c) => c.vpnserviceId === serviceId);
  }

  /** The VPN services on a router. */
  servicesOn(routerId: string): VpnServiceRecord[] {
    return [...this.services.values()].filter((s) => s.routerId === routerId);
  }

  /** The id of a subnet-type endpoint group that lists `subnetId`, if one does. */
  endpointGroupListing(subnetId: string): string | undefined {
    return [...this.endpointGroups.values()].find((g) => g.type === 'subnet' && g.endpoints.includes(subnetId))?.id;
  }

  /** A connection on `routerId` whose local endpoint group lists `subnetId`, if one is. */
  connectionUsingSubnet(routerId: string, subnetId: string): SiteConnectionRecord | undefined {
    return [...this.connections.values()].find((c) => {
      const service = this.services.get(c.vpnserviceId);
      const local = c.localEpGroupId === null ? undefined : this.endpointGroups.get(c.localEpGroupId);
      return service?.routerId === routerId && local?.endpoints.includes(subnetId) === true;
    });
  }

  /** The connection at the far end of `c` in this emulator, if there is one. */
  private mirrorOf(c: SiteConnectionRecord): SiteConnectionRecord | undefined {
    const mine = this.services.get(c.vpnserviceId)?.externalV4Ip;
    return [...this.connections.values()].find((o) => {
      if (o === c || o.status === 'PENDING_CREATE' || !o.adminStateUp) return false;
      return this.services.get(o.vpnserviceId)?.externalV4Ip === c.peerAddress && o.peerAddress === mine && o.psk === c.psk;
    });
  }

  /** An IKE policy as `GET /v2.0/vpn/ikepolicies/{id}` shows it. */
  renderIkePolicy(p: IkePolicyRecord): Json {
    return {
      auth_algorithm: p.authAlgorithm,
      description: p.description,
      encryption_algorithm: p.encryptionAlgorithm,
      id: p.id,
      ike_version: p.ikeVersion,
      lifetime: { ...p.lifetime },
      name: p.name,
      pfs: p.pfs,
      phase1_negotiation_mode: p.phase1NegotiationMode,
      project_id: p.projectId,
      tenant_id: p.projectId,
    };
  }

  /** An IPsec policy as `GET /v2.0/vpn/ipsecpolicies/{id}` shows it. */
  renderIpsecPolicy(p: IpsecPolicyRecord): Json {
    return {
      auth_algorithm: p.authAlgorithm,
      description: p.description,
      encapsulation_mode: p.encapsulationMode,
      encryption_algorithm: p.encryptionAlgorithm,
      id: p.id,
      lifetime: { ...p.lifetime },
      name: p.name,
      pfs: p.pfs,
      project_id: p.projectId,
      tenant_id: p.projectId,
      transform_protocol: p.transformProtocol,
    };
  }

  /** A VPN service as `GET /v2.0/vpn/vpnservices/{id}` shows it. */
  renderService(s: VpnServiceRecord): Json {
    return {
      admin_state_up: s.adminStateUp,
      description: s.description,
      external_v4_ip: s.externalV4Ip,
      external_v6_ip: null,
      flavor_id: null,
      id: s.id,
      name: s.name,
      project_id: s.projectId,
      router_id: s.routerId,
      status: s.status,
      subnet_id: s.subnetId,
      tenant_id: s.projectId,
    };
  }

  /** An endpoint group as `GET /v2.0/vpn/endpoint-groups/{id}` shows it. */
  renderEndpointGroup(g: EndpointGroupRecord): Json {
    return { description: g.description, endpoints: [...g.endpoints], id: g.id, name: g.name, project_id: g.projectId, tenant_id: g.projectId, type: g.type };
  }

  /** A connection as `GET /v2.0/vpn/ipsec-site-connections/{id}` shows it: with its `psk`, as Neutron's does; `withKey: false` for state views. */
  renderConnection(c: SiteConnectionRecord, withKey = true): Json {
    const view: Json = {
      admin_state_up: c.adminStateUp,
      auth_mode: 'psk',
      description: c.description,
      dpd: { ...c.dpd },
      id: c.id,
      ikepolicy_id: c.ikepolicyId,
      initiator: c.initiator,
      ipsecpolicy_id: c.ipsecpolicyId,
      local_ep_group_id: c.localEpGroupId,
      local_id: c.localId,
      mtu: c.mtu,
      name: c.name,
      peer_address: c.peerAddress,
      peer_cidrs: [...c.peerCidrs],
      peer_ep_group_id: c.peerEpGroupId,
      peer_id: c.peerId,
      project_id: c.projectId,
      route_mode: 'static',
      status: c.status,
      tenant_id: c.projectId,
      vpnservice_id: c.vpnserviceId,
    };
    if (withKey) view.psk = c.psk;
    return view;
  }
}
