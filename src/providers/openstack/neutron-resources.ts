/**
 * The Neutron side of a VM: which network it joins, the port a create makes for it, its
 * floating IP, and their removal (Networking API v2.0 reference, "Networks", "Ports",
 * "Floating IPs (floatingips)", "Security groups", docs.openstack.org/api-ref/network/v2, read
 * 2026-12).
 *
 * Every create makes its own port (`POST /ports` with the network, the security groups by id
 * and, when the spec names one, a fixed IP on its subnet) and boots the server on it
 * (`networks: [{ port }]`). That is what lets a floating IP be associated at once, before the
 * server is ACTIVE (so `wait: false` VMs get their address too), and it is why the adapter
 * removes what it made: Nova deletes the ports *it* created for `networks: [{ uuid }]` but
 * never a port it was given, and never a floating IP. A port is the adapter's when its name is
 * `<server>-port` (see `naming.ts`); a port a user attached later is left alone.
 *
 * The port and the floating IP are looked up before they are made (by name, by port), so a
 * retried create — after a lost answer, in another process — meets them instead of making
 * more.
 */
import { InvalidSpecError, NotFoundError, NovacronError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import { LoadCache } from '../../provider/load-cache.js';
import { withRetry } from '../../provider/retry.js';
import { isUuid, portNameFor } from './naming.js';
import type { OpenStackApi } from './openstack-api.js';
import type { NeutronFloatingIp, NeutronNetwork, NeutronPort, NeutronSecurityGroup } from './wire-types.js';

/** Where a VM's port goes. */
export interface PortPlan {
  /** Network id. */
  readonly networkId: string;
  /** Subnet id for the fixed IP, when the spec names one. */
  readonly subnetId: string | undefined;
  /** Security group ids (Neutron's `default` when empty). */
  readonly securityGroupIds: readonly string[];
  /** External network of the floating IP, when one is asked for. */
  readonly floatingNetworkId: string | undefined;
}

/** What the Neutron side needs. */
export interface NeutronResourcesOptions {
  /** Provider name. */
  readonly providerName: string;
  /** Default network (name or id) for specs that name none. */
  readonly network: string | undefined;
  /** External network (name or id) for floating IPs. */
  readonly floatingNetwork: string | undefined;
  /** Default security groups (names or ids). */
  readonly securityGroups: readonly string[] | undefined;
  /** How long network and security-group look-ups are kept, ms. */
  readonly ttlMs: number;
  /** Where failed cleanups are reported. */
  readonly events: EventBus;
  /** The token's project, to prefer its own networks. */
  readonly projectId: (signal?: AbortSignal) => Promise<string | undefined>;
}

/** The Neutron resources of one provider. */
export class NeutronResources {
  private readonly cache: LoadCache;

  /** Keeps the API. */
  constructor(
    private readonly api: OpenStackApi,
    private readonly o: NeutronResourcesOptions,
  ) {
    this.cache = new LoadCache(o.ttlMs);
  }

  private refuse(field: string, message: string): never {
    throw new InvalidSpecError({ provider: this.o.providerName, issues: [{ field, message }] });
  }

  private networks(signal?: AbortSignal): Promise<NeutronNetwork[]> {
    return this.cache.get('networks', async () => (await this.api.json<{ networks?: NeutronNetwork[] }>({ service: 'network', method: 'GET', path: '/networks', ctx: { operation: 'createVM', resourceType: 'network' } }, signal))?.networks ?? []);
  }

  /** The port plan of a spec's network request (every name resolved to an id, or `InvalidSpecError` naming the field). */
  async plan(request: { network: string | undefined; subnet: string | undefined; securityGroups: readonly string[]; publicIp: boolean }, signal?: AbortSignal): Promise<PortPlan> {
    const all = await this.networks(signal);
    const wanted = request.network ?? this.o.network;
    let network: NeutronNetwork | undefined;
    if (wanted !== undefined) {
      const matches = all.filter((n) => n.id === wanted || n.name === wanted);
      if (matches.length > 1) this.refuse('network.network', `${matches.length} networks are named "${wanted}"; give its id (${matches.map((n) => n.id).join(', ')})`);
      network = matches[0];
      if (!network) this.refuse('network.network', `no network "${wanted}"; networks: ${all.map((n) => n.name ?? n.id).join(', ') || '(none)'}`);
    } else {
      const tenant = all.filter((n) => n['router:external'] !== true);
      const project = await this.o.projectId(signal);
      const own = tenant.filter((n) => project !== undefined && n.project_id === project);
      const candidates = own.length > 0 ? own : tenant;
      if (candidates.length !== 1) {
        this.refuse('network.network', candidates.length === 0 ? 'the project has no tenant network; create one or set network' : `the project has ${candidates.length} tenant networks (${candidates.map((n) => n.name ?? n.id).join(', ')}); name one in network.network or the network option`);
      }
      network = candidates[0]!;
    }
    const securityGroupIds = await this.securityGroupIds(request.securityGroups.length > 0 ? request.securityGroups : (this.o.securityGroups ?? []), signal);
    const floatingNetworkId = request.publicIp ? this.floatingNetworkOf(all) : undefined;
    return { networkId: network.id, subnetId: request.subnet, securityGroupIds, floatingNetworkId };
  }

  private floatingNetworkOf(all: readonly NeutronNetwork[]): string {
    const external = all.filter((n) => n['router:external'] === true);
    const wanted = this.o.floatingNetwork;
    if (wanted !== undefined) {
      const found = all.find((n) => n.id === wanted || n.name === wanted);
      if (!found) this.refuse('network.publicIp', `the floatingNetwork "${wanted}" does not exist; external networks: ${external.map((n) => n.name ?? n.id).join(', ') || '(none)'}`);
      return found.id;
    }
    if (external.length !== 1) {
      this.refuse('network.publicIp', external.length === 0 ? 'the cloud has no external network to take a floating IP from' : `several external networks (${external.map((n) => n.name ?? n.id).join(', ')}); set the floatingNetwork option`);
    }
    return external[0]!.id;
  }

  private async securityGroupIds(names: readonly string[], signal?: AbortSignal): Promise<string[]> {
    if (names.length === 0) return [];
    const ids: string[] = [];
    for (const name of names) {
      const found = await this.cache.get(`sg/${name}`, async () => {
        const query = isUuid(name) ? { id: name } : { name };
        const groups = (await this.api.json<{ security_groups?: NeutronSecurityGroup[] }>({ service: 'network', method: 'GET', path: '/security-groups', query, ctx: { operation: 'createVM', resourceType: 'securityGroup', resourceId: name } }, signal))?.security_groups ?? [];
        return groups.filter((g) => g.id === name || g.name === name);
      });
      if (found.length === 0) this.refuse('network.securityGroups', `no security group "${name}"`);
      if (found.length > 1) this.refuse('network.securityGroups', `${found.length} security groups are named "${name}"; give its id`);
      ids.push(found[0]!.id);
    }
    return ids;
  }

  /** The ports named `name` (a create's own port, looked up before it is made). */
  async portsNamed(name: string, signal?: AbortSignal): Promise<NeutronPort[]> {
    const ports = (await this.api.json<{ ports?: NeutronPort[] }>({ service: 'network', method: 'GET', path: '/ports', query: { name }, ctx: { operation: 'createVM', resourceType: 'port' } }, signal))?.ports ?? [];
    return ports.filter((p) => p.name === name);
  }

  /** The ports bound to a server. */
  async portsOf(serverId: string, signal?: AbortSignal): Promise<NeutronPort[]> {
    const ports = (await this.api.json<{ ports?: NeutronPort[] }>({ service: 'network', method: 'GET', path: '/ports', query: { device_id: serverId }, ctx: { operation: 'deleteVM', resourceType: 'port' } }, signal))?.ports ?? [];
    return ports.filter((p) => p.device_id === serverId);
  }

  /** The create's port: the one of its name, else a new one (`POST /ports`); a lost answer is resolved by its name. */
  async ensurePort(serverName: string, plan: PortPlan, signal?: AbortSignal): Promise<NeutronPort> {
    const name = portNameFor(serverName);
    const existing = await this.portsNamed(name, signal);
    if (existing.length > 0) return existing[0]!;
    const port: Record<string, unknown> = { network_id: plan.networkId, name, description: `novacron: port of server ${serverName}` };
    if (plan.securityGroupIds.length > 0) port.security_groups = [...plan.securityGroupIds];
    if (plan.subnetId !== undefined) port.fixed_ips = [{ subnet_id: plan.subnetId }];
    try {
      const made = await this.api.json<{ port: NeutronPort }>({ service: 'network', method: 'POST', path: '/ports', json: { port }, ctx: { operation: 'createVM', resourceType: 'port', resourceId: name, mutating: true } }, signal);
      return made.port;
    } catch (error) {
      // An answer lost after Neutron made it: the port has its name.
      if (NovacronError.isInstance(error) && !error.retryable && !isNotDone(error)) throw error;
      const found = await this.portsNamed(name, signal);
      if (found.length > 0) return found[0]!;
      throw error;
    }
  }

  /** The floating IP on `portId`: the one there, else a new one from `floatingNetworkId`. */
  async ensureFloatingIp(portId: string, floatingNetworkId: string, signal?: AbortSignal): Promise<NeutronFloatingIp> {
    const existing = await this.floatingIpsOf(portId, signal);
    if (existing.length > 0) return existing[0]!;
    try {
      const made = await this.api.json<{ floatingip: NeutronFloatingIp }>(
        { service: 'network', method: 'POST', path: '/floatingips', json: { floatingip: { floating_network_id: floatingNetworkId, port_id: portId } }, ctx: { operation: 'createVM', resourceType: 'floatingip', resourceId: portId, mutating: true } },
        signal,
      );
      return made.floatingip;
    } catch (error) {
      if (NovacronError.isInstance(error) && !error.retryable && !isNotDone(error)) throw error;
      const found = await this.floatingIpsOf(portId, signal);
      if (found.length > 0) return found[0]!;
      throw error;
    }
  }

  /** The floating IPs associated with a port. */
  async floatingIpsOf(portId: string, signal?: AbortSignal): Promise<NeutronFloatingIp[]> {
    const ips = (await this.api.json<{ floatingips?: NeutronFloatingIp[] }>({ service: 'network', method: 'GET', path: '/floatingips', query: { port_id: portId }, ctx: { operation: 'createVM', resourceType: 'floatingip' } }, signal))?.floatingips ?? [];
    return ips.filter((f) => f.port_id === portId);
  }

  /**
   * Removes the floating IPs of a server's ports and the server's own port (named for it), from
   * what was read before the server was deleted (`known`, its bound ports) and by name (a port
   * left unbound by a failed create). Each step is retried; what still fails is reported as an
   * `operation.failed` event naming it, never thrown.
   */
  async removeFor(serverName: string, known: readonly NeutronPort[], options: { readonly keepPorts?: boolean } = {}): Promise<void> {
    const own = portNameFor(serverName);
    const byName = (await this.step(`ports named ${own}`, () => this.portsNamed(own))) ?? [];
    const ports = new Map<string, NeutronPort>();
    for (const p of [...known, ...byName]) ports.set(p.id, p);
    for (const port of ports.values()) {
      const ips = (await this.step(`floating IPs of port ${port.id}`, () => this.floatingIpsOf(port.id))) ?? [];
      for (const ip of ips) await this.step(`floating IP ${ip.floating_ip_address ?? ip.id}`, () => this.remove('floatingips', ip.id));
    }
    if (options.keepPorts) return;
    for (const port of ports.values()) if (port.name === own) await this.step(`port ${port.id}`, () => this.remove('ports', port.id));
  }

  private async remove(kind: 'ports' | 'floatingips', id: string): Promise<void> {
    try {
      await this.api.json({ service: 'network', method: 'DELETE', path: `/${kind}/${id}`, ctx: { operation: 'deleteVM', resourceType: kind === 'ports' ? 'port' : 'floatingip', resourceId: id, mutating: true } });
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
  }

  private async step<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await withRetry(fn, { operation: 'deleteVM.cleanup', provider: this.o.providerName, events: this.o.events, maxAttempts: 4, baseDelayMs: 50 });
    } catch (error) {
      this.o.events.publish('operation.failed', {
        provider: this.o.providerName,
        operation: 'deleteVM.cleanup',
        errorCode: NovacronError.isInstance(error) ? error.code : 'Unknown',
        message: `could not remove ${what}; delete it by hand: ${error instanceof Error ? error.message : String(error)}`,
      });
      return undefined;
    }
  }
}

/** Errors that leave unknown whether a mutating call acted (a lost answer, a timeout). */
function isNotDone(error: NovacronError): boolean {
  return error.code === 'TIMEOUT' || error.code === 'PROVIDER_UNAVAILABLE';
}
