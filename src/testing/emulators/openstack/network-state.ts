/**
 * Neutron's part of the emulated project: networks with their subnets, ports with fixed IPs and
 * MAC addresses, floating IPs, security groups and the one router that joins the tenant network
 * to the external one (what devstack sets up: `private` 10.0.0.0/24 behind `router1`, `public`
 * with `router:external`). Records are rendered in the shapes of the neutron-lib api-ref
 * (`api-ref/source/v2/networks.inc`, `ports.inc`, `floatingips.inc`, `security-groups.inc` and
 * their samples, read 2026-12). Subnets here are /24s: addresses are handed out from `.2` up and
 * come back when a port is deleted.
 */
import { createHash, randomUUID } from 'node:crypto';
import { neutronError } from './openstack-errors.js';

/** A network. */
export interface NetworkRecord {
  /** Network id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** `router:external`. */
  readonly external: boolean;
  /** `shared`. */
  readonly shared: boolean;
  /** MTU. */
  readonly mtu: number;
  /** Its subnets' ids. */
  readonly subnetIds: string[];
  /** Owning project. */
  readonly projectId: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
}

/** A /24 IPv4 subnet. */
export interface SubnetRecord {
  /** Subnet id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Its network. */
  readonly networkId: string;
  /** The first three octets (`10.0.0`). */
  readonly prefix: string;
  /** Addresses in use (host numbers). */
  readonly used: Set<number>;
  /** Owning project. */
  readonly projectId: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
}

/** A fixed IP of a port. */
export interface FixedIp {
  /** Its subnet. */
  readonly subnetId: string;
  /** The address. */
  readonly ipAddress: string;
}

/** A port. */
export interface PortRecord {
  /** Port id. */
  readonly id: string;
  /** Name. */
  name: string;
  /** Its network. */
  readonly networkId: string;
  /** MAC address (`fa:16:3e:..`). */
  readonly macAddress: string;
  /** Fixed IPs. */
  readonly fixedIps: FixedIp[];
  /** The server (or router) using it, `''` when none. */
  deviceId: string;
  /** `compute:nova`, `network:router_interface`, ... `''` when none. */
  deviceOwner: string;
  /** Security group ids. */
  readonly securityGroupIds: string[];
  /** Description. */
  readonly description: string;
  /** Owning project. */
  readonly projectId: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
  /** Last change, clock ms. */
  updatedAt: number;
  /** Revision number. */
  revision: number;
}

/** A floating IP. */
export interface FloatingIpRecord {
  /** Floating IP id. */
  readonly id: string;
  /** The public address. */
  readonly floatingIpAddress: string;
  /** The external network it comes from. */
  readonly floatingNetworkId: string;
  /** The port it is associated with, `null` when none. */
  portId: string | null;
  /** The port's fixed IP it maps to, `null` when none. */
  fixedIpAddress: string | null;
  /** The router that does the NAT, `null` when unassociated. */
  routerId: string | null;
  /** Description. */
  readonly description: string;
  /** Owning project. */
  readonly projectId: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
  /** Last change, clock ms. */
  updatedAt: number;
  /** Revision number. */
  revision: number;
}

/** A security group rule. */
export interface SecurityGroupRule {
  /** Rule id. */
  readonly id: string;
  /** `ingress` or `egress`. */
  readonly direction: 'ingress' | 'egress';
  /** `IPv4` or `IPv6`. */
  readonly ethertype: 'IPv4' | 'IPv6';
  /** A group the traffic comes from, `null` when any. */
  readonly remoteGroupId: string | null;
}

/** A security group. */
export interface SecurityGroupRecord {
  /** Security group id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Description. */
  readonly description: string;
  /** Rules. */
  readonly rules: SecurityGroupRule[];
  /** Owning project. */
  readonly projectId: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
}

/** The router joining tenant subnets to an external network. */
export interface RouterRecord {
  /** Router id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** External gateway network. */
  readonly externalNetworkId: string;
  /** Tenant subnets it has interfaces on. */
  readonly subnetIds: string[];
}

type Json = Record<string, unknown>;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The network side of the emulated project. */
export class NetworkState {
  /** Networks by id. */
  readonly networks = new Map<string, NetworkRecord>();
  /** Subnets by id. */
  readonly subnets = new Map<string, SubnetRecord>();
  /** Ports by id. */
  readonly ports = new Map<string, PortRecord>();
  /** Floating IPs by id. */
  readonly floatingIps = new Map<string, FloatingIpRecord>();
  /** Security groups by id. */
  readonly securityGroups = new Map<string, SecurityGroupRecord>();
  /** Routers by id. */
  readonly routers = new Map<string, RouterRecord>();
  private macCounter = 0;

  /** Network state of `projectId` on `now` (epoch ms); `seed` makes MAC addresses replayable. */
  constructor(
    readonly projectId: string,
    private readonly now: () => number,
    private readonly seed: number,
  ) {}

  /** Adds a network with one /24 subnet (`prefix` like `10.0.0`). */
  addNetwork(options: { readonly name: string; readonly external: boolean; readonly prefix: string; readonly subnetName: string; readonly mtu?: number | undefined }): NetworkRecord {
    const network: NetworkRecord = { id: randomUUID(), name: options.name, external: options.external, shared: false, mtu: options.mtu ?? 1450, subnetIds: [], projectId: this.projectId, createdAt: this.now() };
    const subnet: SubnetRecord = { id: randomUUID(), name: options.subnetName, networkId: network.id, prefix: options.prefix, used: new Set([1]), projectId: this.projectId, createdAt: this.now() };
    network.subnetIds.push(subnet.id);
    this.networks.set(network.id, network);
    this.subnets.set(subnet.id, subnet);
    return network;
  }

  /** Adds the router between tenant `subnetIds` and `external` (its gateway takes an external address). */
  addRouter(name: string, external: NetworkRecord, subnetIds: readonly string[]): RouterRecord {
    const router: RouterRecord = { id: randomUUID(), name, externalNetworkId: external.id, subnetIds: [...subnetIds] };
    this.routers.set(router.id, router);
    this.allocate(external, undefined);
    return router;
  }

  /** Adds a security group; `default` gets Neutron's default rules (all egress, ingress from itself). */
  addSecurityGroup(name: string, description: string): SecurityGroupRecord {
    const id = randomUUID();
    const rules: SecurityGroupRule[] = [
      { id: randomUUID(), direction: 'egress', ethertype: 'IPv4', remoteGroupId: null },
      { id: randomUUID(), direction: 'egress', ethertype: 'IPv6', remoteGroupId: null },
    ];
    if (name === 'default') {
      rules.push({ id: randomUUID(), direction: 'ingress', ethertype: 'IPv4', remoteGroupId: id }, { id: randomUUID(), direction: 'ingress', ethertype: 'IPv6', remoteGroupId: id });
    }
    const group = { id, name, description, rules, projectId: this.projectId, createdAt: this.now() };
    this.securityGroups.set(id, group);
    return group;
  }

  /** A network by name. */
  networkNamed(name: string): NetworkRecord | undefined {
    return [...this.networks.values()].find((n) => n.name === name);
  }

  /** A security group by name (the first, as Nova resolves names). */
  securityGroupNamed(name: string): SecurityGroupRecord | undefined {
    return [...this.securityGroups.values()].find((g) => g.name === name);
  }

  /**
   * Makes a port on `network`. `fixedIps` may ask for a subnet or an address; one address of the
   * first subnet otherwise. Throws Neutron's 409 when an asked address is taken or none is left.
   */
  createPort(network: NetworkRecord, options: { readonly name?: string | undefined; readonly securityGroupIds: readonly string[]; readonly fixedIps?: readonly { readonly subnetId?: string | undefined; readonly ipAddress?: string | undefined }[] | undefined; readonly deviceId?: string | undefined; readonly deviceOwner?: string | undefined; readonly description?: string | undefined }): PortRecord {
    const asked = options.fixedIps && options.fixedIps.length > 0 ? options.fixedIps : [{}];
    const fixedIps = asked.map((ip) => this.allocate(network, ip));
    const now = this.now();
    const port: PortRecord = {
      id: randomUUID(),
      name: options.name ?? '',
      networkId: network.id,
      macAddress: this.nextMac(),
      fixedIps,
      deviceId: options.deviceId ?? '',
      deviceOwner: options.deviceOwner ?? '',
      securityGroupIds: [...options.securityGroupIds],
      description: options.description ?? '',
      projectId: this.projectId,
      createdAt: now,
      updatedAt: now,
      revision: 1,
    };
    this.ports.set(port.id, port);
    return port;
  }

  /** Deletes a port: its addresses come back and its floating IPs become unassociated. */
  deletePort(id: string): void {
    const port = this.ports.get(id);
    if (!port) return;
    for (const ip of port.fixedIps) this.subnets.get(ip.subnetId)?.used.delete(Number(ip.ipAddress.split('.')[3]));
    for (const fip of this.floatingIps.values()) if (fip.portId === id) this.associate(fip, undefined);
    this.ports.delete(id);
  }

  /** Points a floating IP at a port (its first fixed IP, or `fixedIp`), or at nothing. */
  associate(fip: FloatingIpRecord, port: PortRecord | undefined, fixedIp?: string): void {
    fip.portId = port?.id ?? null;
    fip.fixedIpAddress = port ? (fixedIp ?? port.fixedIps[0]?.ipAddress ?? null) : null;
    fip.routerId = port ? (this.routerFor(port)?.id ?? null) : null;
    fip.updatedAt = this.now();
    fip.revision++;
  }

  /** Allocates a floating IP on an external network. */
  createFloatingIp(network: NetworkRecord, description: string, address?: string): FloatingIpRecord {
    const ip = this.allocate(network, { ipAddress: address });
    const now = this.now();
    const fip: FloatingIpRecord = { id: randomUUID(), floatingIpAddress: ip.ipAddress, floatingNetworkId: network.id, portId: null, fixedIpAddress: null, routerId: null, description, projectId: this.projectId, createdAt: now, updatedAt: now, revision: 0 };
    this.floatingIps.set(fip.id, fip);
    return fip;
  }

  /** Releases a floating IP. */
  deleteFloatingIp(id: string): void {
    const fip = this.floatingIps.get(id);
    if (!fip) return;
    const network = this.networks.get(fip.floatingNetworkId);
    for (const subnetId of network?.subnetIds ?? []) this.subnets.get(subnetId)?.used.delete(Number(fip.floatingIpAddress.split('.')[3]));
    this.floatingIps.delete(id);
  }

  /** The router that reaches `port`'s subnet, when there is one. */
  routerFor(port: PortRecord): RouterRecord | undefined {
    const subnets = new Set(port.fixedIps.map((ip) => ip.subnetId));
    return [...this.routers.values()].find((r) => r.subnetIds.some((s) => subnets.has(s)));
  }

  /** A network as `GET /v2.0/networks/{id}` shows it. */
  renderNetwork(n: NetworkRecord): Json {
    return {
      admin_state_up: true,
      availability_zone_hints: [],
      availability_zones: ['nova'],
      created_at: iso(n.createdAt),
      description: '',
      id: n.id,
      ipv4_address_scope: null,
      ipv6_address_scope: null,
      is_default: n.external,
      l2_adjacency: true,
      mtu: n.mtu,
      name: n.name,
      port_security_enabled: true,
      project_id: n.projectId,
      'provider:network_type': n.external ? 'flat' : 'geneve',
      'router:external': n.external,
      revision_number: 1,
      shared: n.shared,
      status: 'ACTIVE',
      subnets: [...n.subnetIds],
      tags: [],
      tenant_id: n.projectId,
      updated_at: iso(n.createdAt),
    };
  }

  /** A subnet as `GET /v2.0/subnets/{id}` shows it. */
  renderSubnet(s: SubnetRecord): Json {
    return {
      allocation_pools: [{ start: `${s.prefix}.2`, end: `${s.prefix}.254` }],
      cidr: `${s.prefix}.0/24`,
      created_at: iso(s.createdAt),
      description: '',
      dns_nameservers: [],
      enable_dhcp: true,
      gateway_ip: `${s.prefix}.1`,
      host_routes: [],
      id: s.id,
      ip_version: 4,
      ipv6_address_mode: null,
      ipv6_ra_mode: null,
      name: s.name,
      network_id: s.networkId,
      project_id: s.projectId,
      revision_number: 0,
      service_types: [],
      subnetpool_id: null,
      tags: [],
      tenant_id: s.projectId,
      updated_at: iso(s.createdAt),
    };
  }

  /** A port as `GET /v2.0/ports/{id}` shows it. */
  renderPort(p: PortRecord): Json {
    return {
      admin_state_up: true,
      allowed_address_pairs: [],
      'binding:vnic_type': 'normal',
      created_at: iso(p.createdAt),
      description: p.description,
      device_id: p.deviceId,
      device_owner: p.deviceOwner,
      extra_dhcp_opts: [],
      fixed_ips: p.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
      id: p.id,
      mac_address: p.macAddress,
      name: p.name,
      network_id: p.networkId,
      port_security_enabled: true,
      project_id: p.projectId,
      revision_number: p.revision,
      security_groups: [...p.securityGroupIds],
      status: p.deviceId !== '' ? 'ACTIVE' : 'DOWN',
      tags: [],
      tenant_id: p.projectId,
      updated_at: iso(p.updatedAt),
    };
  }

  /** A floating IP as `GET /v2.0/floatingips/{id}` shows it. */
  renderFloatingIp(f: FloatingIpRecord): Json {
    const port = f.portId === null ? undefined : this.ports.get(f.portId);
    return {
      created_at: iso(f.createdAt),
      description: f.description,
      dns_domain: '',
      dns_name: '',
      fixed_ip_address: f.fixedIpAddress,
      floating_ip_address: f.floatingIpAddress,
      floating_network_id: f.floatingNetworkId,
      id: f.id,
      port_details: port ? { admin_state_up: true, device_id: port.deviceId, device_owner: port.deviceOwner, mac_address: port.macAddress, name: port.name, network_id: port.networkId, status: port.deviceId !== '' ? 'ACTIVE' : 'DOWN' } : null,
      port_forwardings: [],
      port_id: f.portId,
      project_id: f.projectId,
      qos_policy_id: null,
      revision_number: f.revision,
      router_id: f.routerId,
      status: f.portId === null ? 'DOWN' : 'ACTIVE',
      tags: [],
      tenant_id: f.projectId,
      updated_at: iso(f.updatedAt),
    };
  }

  /** A security group as `GET /v2.0/security-groups/{id}` shows it. */
  renderSecurityGroup(g: SecurityGroupRecord): Json {
    const stamp = iso(g.createdAt);
    return {
      created_at: stamp,
      description: g.description,
      id: g.id,
      name: g.name,
      project_id: g.projectId,
      revision_number: 1,
      security_group_rules: g.rules.map((r) => ({
        created_at: stamp,
        description: null,
        direction: r.direction,
        ethertype: r.ethertype,
        id: r.id,
        port_range_max: null,
        port_range_min: null,
        project_id: g.projectId,
        protocol: null,
        remote_address_group_id: null,
        remote_group_id: r.remoteGroupId,
        remote_ip_prefix: null,
        revision_number: 0,
        security_group_id: g.id,
        tenant_id: g.projectId,
        updated_at: stamp,
      })),
      shared: false,
      stateful: true,
      tags: [],
      tenant_id: g.projectId,
      updated_at: stamp,
    };
  }

  private allocate(network: NetworkRecord, asked: { readonly subnetId?: string | undefined; readonly ipAddress?: string | undefined } | undefined): FixedIp {
    const subnets = network.subnetIds.map((id) => this.subnets.get(id)!);
    if (asked?.ipAddress !== undefined) {
      const subnet = subnets.find((s) => (asked.subnetId === undefined || s.id === asked.subnetId) && asked.ipAddress!.startsWith(`${s.prefix}.`));
      const host = Number(asked.ipAddress.split('.')[3]);
      if (!subnet || !/^\d{1,3}(\.\d{1,3}){3}$/.test(asked.ipAddress) || host < 2 || host > 254) {
        throw neutronError(400, 'InvalidIpForNetwork', `IP address ${asked.ipAddress} is not a valid IP for any of the subnets on the specified network.`);
      }
      if (subnet.used.has(host)) throw neutronError(409, 'IpAddressAlreadyAllocated', `IP address ${asked.ipAddress} already allocated in subnet ${subnet.id}`);
      subnet.used.add(host);
      return { subnetId: subnet.id, ipAddress: asked.ipAddress };
    }
    const candidates = asked?.subnetId === undefined ? subnets : subnets.filter((s) => s.id === asked.subnetId);
    if (asked?.subnetId !== undefined && candidates.length === 0) throw neutronError(400, 'InvalidInput', `Invalid input for operation: Failed to create port on network ${network.id}, because fixed_ips included invalid subnet ${asked.subnetId}.`);
    for (const subnet of candidates) {
      for (let host = 2; host <= 254; host++) {
        if (subnet.used.has(host)) continue;
        subnet.used.add(host);
        return { subnetId: subnet.id, ipAddress: `${subnet.prefix}.${host}` };
      }
    }
    throw neutronError(409, 'IpAddressGenerationFailure', `No more IP addresses available on network ${network.id}.`);
  }

  private nextMac(): string {
    const digest = createHash('sha256').update(`${this.seed}:${++this.macCounter}`).digest();
    return `fa:16:3e:${[...digest.subarray(0, 3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
  }
}
