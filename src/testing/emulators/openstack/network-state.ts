/**
 * Neutron's part of the emulated project: networks with their subnets (any IPv4 or IPv6 CIDR),
 * ports with fixed IPs and MAC addresses, floating IPs, security groups, routers (an external
 * gateway, interfaces that are ports on tenant subnets, extra routes) and the tags of the
 * standard-attr-tag extension. A fresh project is what devstack sets up: `private`
 * 10.0.0.0/24 behind `router1`, `public` with `router:external`. Records are rendered in the
 * shapes of the neutron-lib api-ref (`api-ref/source/v2/networks.inc`, `subnets.inc`,
 * `ports.inc`, `floatingips.inc`, `routers.inc`, `security-groups.inc` and their samples, read
 * 2026-12).
 *
 * Addresses: a subnet's gateway is its first host and its allocation pool the rest (the last
 * address of an IPv4 range, its broadcast, excluded); ports take the lowest free address and
 * give it back when deleted. CIDR arithmetic is `provider/cidr.ts` (on `ip-address`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { formatAddress, parseCidr, type Cidr } from '../../../provider/cidr.js';
import { neutronError } from './openstack-errors.js';

/** A network. */
export interface NetworkRecord {
  /** Network id. */
  readonly id: string;
  /** Name. */
  name: string;
  /** Description (at most 255 characters). */
  description: string;
  /** `router:external`. */
  readonly external: boolean;
  /** `shared`. */
  readonly shared: boolean;
  /** MTU. */
  readonly mtu: number;
  /** Its subnets' ids. */
  readonly subnetIds: string[];
  /** Tags. */
  tags: string[];
  /** Owning project. */
  readonly projectId: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
  /** Last change, clock ms. */
  updatedAt: number;
  /** Revision number. */
  revision: number;
}

/** A subnet. */
export interface SubnetRecord {
  /** Subnet id. */
  readonly id: string;
  /** Name. */
  name: string;
  /** Description. */
  description: string;
  /** Its network. */
  readonly networkId: string;
  /** The range, parsed. */
  readonly range: Cidr;
  /** The gateway address, `null` when it has none. */
  readonly gatewayIp: string | null;
  /** First and last address of the allocation pool. */
  readonly pool: { readonly start: bigint; readonly end: bigint } | undefined;
  /** Addresses in use (the gateway included), as integers. */
  readonly used: Set<bigint>;
  /** Tags. */
  tags: string[];
  /** Owning project. */
  readonly projectId: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
  /** Last change, clock ms. */
  updatedAt: number;
  /** Revision number. */
  revision: number;
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

/** An extra route of a router (extraroute extension). */
export interface RouterRoute {
  /** Destination range (canonical). */
  readonly destination: string;
  /** Next hop address. */
  readonly nexthop: string;
}

/** A router: an external gateway (SNAT for its subnets), interfaces on tenant subnets, extra routes. */
export interface RouterRecord {
  /** Router id. */
  readonly id: string;
  /** Name. */
  name: string;
  /** Description. */
  description: string;
  /** External gateway network, `null` when the router has no gateway. */
  externalNetworkId: string | null;
  /** The gateway's addresses on the external network. */
  gatewayIps: FixedIp[];
  /** Extra routes. */
  routes: RouterRoute[];
  /** Tags. */
  tags: string[];
  /** Owning project. */
  readonly projectId: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
  /** Last change, clock ms. */
  updatedAt: number;
  /** Revision number. */
  revision: number;
}

/** What a new subnet is asked to be (already validated by the handler). */
export interface SubnetSpec {
  /** Name. */
  readonly name: string;
  /** Description. */
  readonly description: string;
  /** The range. */
  readonly range: Cidr;
  /** The gateway: its address, `null` for none, `undefined` for the first host. */
  readonly gatewayIp?: string | null | undefined;
}

type Json = Record<string, unknown>;

/** Device owner of a router's interface ports. */
export const ROUTER_INTERFACE_OWNER = 'network:router_interface';

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The integer value of an address (`parseCidr` of a bare address is a /32 or /128). */
export function addressValue(ip: string): bigint | undefined {
  try {
    return parseCidr(ip).first;
  } catch {
    return undefined;
  }
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

  /** Creates a network (no subnet). */
  createNetwork(options: { readonly name: string; readonly description?: string | undefined; readonly external?: boolean | undefined; readonly mtu?: number | undefined }): NetworkRecord {
    const now = this.now();
    const network: NetworkRecord = {
      id: randomUUID(),
      name: options.name,
      description: options.description ?? '',
      external: options.external ?? false,
      shared: false,
      mtu: options.mtu ?? 1450,
      subnetIds: [],
      tags: [],
      projectId: this.projectId,
      createdAt: now,
      updatedAt: now,
      revision: 1,
    };
    this.networks.set(network.id, network);
    return network;
  }

  /** Adds a network with one /24 subnet (`prefix` like `10.0.0`): the seeded networks. */
  addNetwork(options: { readonly name: string; readonly external: boolean; readonly prefix: string; readonly subnetName: string; readonly mtu?: number | undefined }): NetworkRecord {
    const network = this.createNetwork({ name: options.name, external: options.external, mtu: options.mtu });
    this.createSubnet(network, { name: options.subnetName, description: '', range: parseCidr(`${options.prefix}.0/24`) });
    return network;
  }

  /** Adds a subnet to `network` (the gateway address is taken at once). */
  createSubnet(network: NetworkRecord, spec: SubnetSpec): SubnetRecord {
    const { range } = spec;
    const size = range.last - range.first + 1n;
    const gatewayIp = spec.gatewayIp === undefined ? (size > 2n ? formatAddress(range.version, range.first + 1n) : null) : spec.gatewayIp;
    const poolStart = range.first + (gatewayIp === null ? 1n : 2n);
    const poolEnd = range.version === 4 ? range.last - 1n : range.last;
    const now = this.now();
    const subnet: SubnetRecord = {
      id: randomUUID(),
      name: spec.name,
      description: spec.description,
      networkId: network.id,
      range,
      gatewayIp,
      pool: poolStart <= poolEnd ? { start: poolStart, end: poolEnd } : undefined,
      used: new Set(gatewayIp === null ? [] : [addressValue(gatewayIp)!]),
      tags: [],
      projectId: this.projectId,
      createdAt: now,
      updatedAt: now,
      revision: 0,
    };
    network.subnetIds.push(subnet.id);
    this.subnets.set(subnet.id, subnet);
    return subnet;
  }

  /** Removes a subnet (the caller checked that no port uses it). */
  deleteSubnet(id: string): void {
    const subnet = this.subnets.get(id);
    if (!subnet) return;
    const network = this.networks.get(subnet.networkId);
    if (network) network.subnetIds.splice(network.subnetIds.indexOf(id), 1);
    this.subnets.delete(id);
  }

  /** Removes a network and its subnets (the caller checked that no port uses them). */
  deleteNetwork(id: string): void {
    const network = this.networks.get(id);
    if (!network) return;
    for (const subnetId of [...network.subnetIds]) this.deleteSubnet(subnetId);
    this.networks.delete(id);
  }

  /** The ports with an address on `subnetId`. */
  portsOnSubnet(subnetId: string): PortRecord[] {
    return [...this.ports.values()].filter((p) => p.fixedIps.some((ip) => ip.subnetId === subnetId));
  }

  /** Creates a router, with a gateway on `external` when given (it takes an address there). */
  createRouter(options: { readonly name: string; readonly description?: string | undefined; readonly external?: NetworkRecord | undefined }): RouterRecord {
    const now = this.now();
    const router: RouterRecord = {
      id: randomUUID(),
      name: options.name,
      description: options.description ?? '',
      externalNetworkId: null,
      gatewayIps: [],
      routes: [],
      tags: [],
      projectId: this.projectId,
      createdAt: now,
      updatedAt: now,
      revision: 1,
    };
    this.routers.set(router.id, router);
    if (options.external) this.setGateway(router, options.external);
    return router;
  }

  /** Adds the router between tenant `subnetIds` and `external`: the seeded `router1`. */
  addRouter(name: string, external: NetworkRecord, subnetIds: readonly string[]): RouterRecord {
    const router = this.createRouter({ name, external });
    for (const id of subnetIds) this.addInterface(router, this.subnets.get(id)!);
    return router;
  }

  /** Points the router's gateway at `external` (taking one of its addresses), or removes it. */
  setGateway(router: RouterRecord, external: NetworkRecord | undefined): void {
    for (const ip of router.gatewayIps) this.release(ip);
    router.gatewayIps = external ? [this.allocate(external, undefined)] : [];
    router.externalNetworkId = external?.id ?? null;
    this.touch(router);
  }

  /** Makes the router's interface on `subnet`: a port holding the subnet's gateway address. */
  addInterface(router: RouterRecord, subnet: SubnetRecord): PortRecord {
    const now = this.now();
    const port: PortRecord = {
      id: randomUUID(),
      name: '',
      networkId: subnet.networkId,
      macAddress: this.nextMac(),
      fixedIps: [{ subnetId: subnet.id, ipAddress: subnet.gatewayIp! }],
      deviceId: router.id,
      deviceOwner: ROUTER_INTERFACE_OWNER,
      securityGroupIds: [],
      description: '',
      projectId: this.projectId,
      createdAt: now,
      updatedAt: now,
      revision: 1,
    };
    this.ports.set(port.id, port);
    this.touch(router);
    return port;
  }

  /** The router's interface ports. */
  interfacesOf(router: RouterRecord): PortRecord[] {
    return [...this.ports.values()].filter((p) => p.deviceId === router.id && p.deviceOwner === ROUTER_INTERFACE_OWNER);
  }

  /** The subnets the router has interfaces on. */
  routerSubnets(router: RouterRecord): SubnetRecord[] {
    return this.interfacesOf(router)
      .flatMap((p) => p.fixedIps.map((ip) => this.subnets.get(ip.subnetId)))
      .filter((s): s is SubnetRecord => s !== undefined);
  }

  /** Removes an interface port of a router (its gateway address stays the subnet's). */
  removeInterface(router: RouterRecord, port: PortRecord): void {
    this.ports.delete(port.id);
    this.touch(router);
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
   * first subnet with room otherwise. Throws Neutron's 409 when an asked address is taken or none is left.
   */
  createPort(network: NetworkRecord, options: { readonly name?: string | undefined; readonly securityGroupIds: readonly string[]; readonly fixedIps?: readonly { readonly subnetId?: string | undefined; readonly ipAddress?: string | undefined }[] | undefined; readonly deviceId?: string | undefined; readonly deviceOwner?: string | undefined; readonly description?: string | undefined }): PortRecord {
    const asked = options.fixedIps && options.fixedIps.length > 0 ? options.fixedIps : [{}];
    const fixedIps: FixedIp[] = [];
    try {
      for (const ip of asked) fixedIps.push(this.allocate(network, ip));
    } catch (e) {
      for (const ip of fixedIps) this.release(ip);
      throw e;
    }
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
    for (const ip of port.fixedIps) this.release(ip);
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
    const value = addressValue(fip.floatingIpAddress);
    for (const subnetId of network?.subnetIds ?? []) {
      const subnet = this.subnets.get(subnetId);
      if (subnet && value !== undefined && value >= subnet.range.first && value <= subnet.range.last) subnet.used.delete(value);
    }
    this.floatingIps.delete(id);
  }

  /** The router that reaches `port`'s subnet, when there is one. */
  routerFor(port: PortRecord): RouterRecord | undefined {
    const subnets = new Set(port.fixedIps.map((ip) => ip.subnetId));
    return [...this.routers.values()].find((r) => this.routerSubnets(r).some((s) => subnets.has(s.id)));
  }

  /** Marks a change of a tagged resource (its revision and update time). */
  touch(record: { updatedAt: number; revision: number }): void {
    record.updatedAt = this.now();
    record.revision++;
  }

  /** A network as `GET /v2.0/networks/{id}` shows it. */
  renderNetwork(n: NetworkRecord): Json {
    return {
      admin_state_up: true,
      availability_zone_hints: [],
      availability_zones: ['nova'],
      created_at: iso(n.createdAt),
      description: n.description,
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
      revision_number: n.revision,
      shared: n.shared,
      status: 'ACTIVE',
      subnets: [...n.subnetIds],
      tags: [...n.tags],
      tenant_id: n.projectId,
      updated_at: iso(n.updatedAt),
    };
  }

  /** A subnet as `GET /v2.0/subnets/{id}` shows it. */
  renderSubnet(s: SubnetRecord): Json {
    const version = s.range.version;
    return {
      allocation_pools: s.pool ? [{ start: formatAddress(version, s.pool.start), end: formatAddress(version, s.pool.end) }] : [],
      cidr: s.range.text,
      created_at: iso(s.createdAt),
      description: s.description,
      dns_nameservers: [],
      dns_publish_fixed_ip: false,
      enable_dhcp: true,
      gateway_ip: s.gatewayIp,
      host_routes: [],
      id: s.id,
      ip_version: version,
      ipv6_address_mode: null,
      ipv6_ra_mode: null,
      name: s.name,
      network_id: s.networkId,
      project_id: s.projectId,
      revision_number: s.revision,
      segment_id: null,
      service_types: [],
      subnetpool_id: null,
      tags: [...s.tags],
      tenant_id: s.projectId,
      updated_at: iso(s.updatedAt),
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

  /** A router as `GET /v2.0/routers/{id}` shows it (extraroute, l3-ha and dvr attributes included). */
  renderRouter(r: RouterRecord): Json {
    return {
      admin_state_up: true,
      availability_zone_hints: [],
      availability_zones: ['nova'],
      created_at: iso(r.createdAt),
      description: r.description,
      distributed: false,
      external_gateway_info: r.externalNetworkId === null ? null : { enable_snat: true, external_fixed_ips: r.gatewayIps.map((ip) => ({ ip_address: ip.ipAddress, subnet_id: ip.subnetId })), network_id: r.externalNetworkId },
      flavor_id: null,
      ha: false,
      id: r.id,
      name: r.name,
      project_id: r.projectId,
      revision_number: r.revision,
      routes: r.routes.map((x) => ({ destination: x.destination, nexthop: x.nexthop })),
      status: 'ACTIVE',
      tags: [...r.tags],
      tenant_id: r.projectId,
      updated_at: iso(r.updatedAt),
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

  /** Gives an address back to its subnet. */
  private release(ip: FixedIp): void {
    const value = addressValue(ip.ipAddress);
    if (value !== undefined) this.subnets.get(ip.subnetId)?.used.delete(value);
  }

  private allocate(network: NetworkRecord, asked: { readonly subnetId?: string | undefined; readonly ipAddress?: string | undefined } | undefined): FixedIp {
    const subnets = network.subnetIds.map((id) => this.subnets.get(id)!);
    if (asked?.ipAddress !== undefined) {
      const value = addressValue(asked.ipAddress);
      const subnet = value === undefined ? undefined : subnets.find((s) => (asked.subnetId === undefined || s.id === asked.subnetId) && s.pool !== undefined && value >= s.pool.start && value <= s.pool.end);
      if (!subnet || value === undefined || asked.ipAddress.includes('/')) {
        throw neutronError(400, 'InvalidIpForNetwork', `IP address ${asked.ipAddress} is not a valid IP for any of the subnets on the specified network.`);
      }
      if (subnet.used.has(value)) throw neutronError(409, 'IpAddressAlreadyAllocated', `IP address ${asked.ipAddress} already allocated in subnet ${subnet.id}`);
      subnet.used.add(value);
      return { subnetId: subnet.id, ipAddress: formatAddress(subnet.range.version, value) };
    }
    const candidates = asked?.subnetId === undefined ? subnets : subnets.filter((s) => s.id === asked.subnetId);
    if (asked?.subnetId !== undefined && candidates.length === 0) throw neutronError(400, 'InvalidInput', `Invalid input for operation: Failed to create port on network ${network.id}, because fixed_ips included invalid subnet ${asked.subnetId}.`);
    for (const subnet of candidates) {
      if (!subnet.pool) continue;
      for (let value = subnet.pool.start; value <= subnet.pool.end; value++) {
        if (subnet.used.has(value)) continue;
        subnet.used.add(value);
        return { subnetId: subnet.id, ipAddress: formatAddress(subnet.range.version, value) };
      }
    }
    throw neutronError(409, 'IpAddressGenerationFailure', `No more IP addresses available on network ${network.id}.`);
  }

  private nextMac(): string {
    const digest = createHash('sha256').update(`${this.seed}:${++this.macCounter}`).digest();
    return `fa:16:3e:${[...digest.subarray(0, 3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
  }
}
