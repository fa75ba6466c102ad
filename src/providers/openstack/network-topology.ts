/**
 * Networks and subnets of the OpenStack network companion (Networking API v2.0 "Networks",
 * "Subnets", "Tag extension", read 2026-12).
 *
 * A Neutron network has no address range of its own: the companion's `cidrs` are recorded in
 * the network's description mark (`c=`), checked before anything is sent (canonical IPv4
 * ranges; this companion declares no IPv6), and every subnet must lie inside them. Subnets of
 * one network must not overlap: the companion refuses an overlap itself with a
 * `ConflictError` naming the other subnet, and maps Neutron's own refusal (400 `InvalidInput`
 * "… overlaps with another subnet", which Neutron checks per network only) to the same error,
 * should another client have raced it. Every subnet gets an interface on the network's router
 * (`network-routers.ts`). Labels are tags (`key=value`), set right after the create.
 *
 * A network made elsewhere may be read (`get`): its ranges are its subnets'. `list` shows what
 * the companion made (its mark), as the other clouds' companions list their own resources.
 *
 * Deleting a network that still has subnets, routes or VPN gateways is a `ConflictError`, before
 * anything is deleted (Neutron itself would delete a network's unused subnets with it); then its
 * router goes, then the network. Deleting a subnet removes its router interface first (Neutron
 * refuses to delete a subnet a router port holds an address on).
 */
import type * as CidrTypes from '../../provider/cidr.js';
import { ConflictError, InvalidSpecError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { Network, NetworkInput, NetworkListFilter, Subnet, SubnetInput } from '../../provider/network-types.js';
import { changed, checkName, checkRegion, invalid, notFound, projectFilter, type NetworkCompanionContext } from './network-context.js';
import { mayHaveActed } from './network-keyed-create.js';
import { toNetwork, toSubnet } from './network-mapping.js';
import { formatMark, joinList, labelTags, parseMark } from './network-marks.js';
import type { NetworkRouters } from './network-routers.js';
import type { NeutronNetworkView, NeutronRouterView, NeutronSubnetView } from './network-wire-types.js';

type CidrModule = typeof CidrTypes;
let cidrModule: Promise<CidrModule> | undefined;
/** The CIDR helpers (`ip-address`), loaded on first use so that importing the adapter stays light. */
export function cidrs(): Promise<CidrModule> {
  return (cidrModule ??= import('../../provider/cidr.js'));
}

/** What stands in the way of deleting a network, found by the other parts (routes, VPN gateways). */
export type NetworkUsers = (network: NeutronNetworkView, router: NeutronRouterView | undefined, signal?: AbortSignal) => Promise<string[]>;

/** Networks and subnets. */
export class NetworkTopology {
  /** Works through the companion's context and routers; `users` names what else still uses a network. */
  constructor(
    private readonly ctx: NetworkCompanionContext,
    private readonly routers: NetworkRouters,
    private readonly users: NetworkUsers,
  ) {}

  // Networks -----------------------------------------------------------------------------------

  /** Creates a network (see the file comment). */
  async createNetwork(input: NetworkInput, options: NetworkCreateOptions = {}): Promise<Network> {
    const { signal } = options;
    checkName(input?.name);
    checkRegion(this.ctx, input.region);
    const { parseCidr, cidrsOverlap } = await cidrs();
    if (!Array.isArray(input.cidrs) || input.cidrs.length === 0) throw invalid('cidrs', 'must list at least one CIDR range');
    const ranges = input.cidrs.map((c, i) => parseCidr(c, { field: `cidrs[${i}]` }));
    ranges.forEach((r, i) => {
      if (r.version !== 4) throw invalid(`cidrs[${i}]`, `${r.text}: this provider's networks are IPv4 (capabilities.ipv6 is false)`);
      const other = ranges.findIndex((o, j) => j < i && cidrsOverlap(o, r));
      if (other !== -1) throw invalid(`cidrs[${i}]`, `${r.text} overlaps cidrs[${other}] (${ranges[other]!.text})`);
    });
    const tags = labelTags(input.labels);
    const texts = ranges.map((r) => r.text);
    const { resource, created } = await this.ctx.keyed.run<NeutronNetworkView>({
      kind: 'network',
      idempotencyKey: options.idempotencyKey,
      input,
      provider: this.ctx.provider,
      find: (k) => this.findMarked(k, 'createNetwork', signal),
      inputOf: (n) => parseMark(n.description)?.fields.i,
      create: ({ k, i }) => this.ctx.calls.create<NeutronNetworkView>('/networks', 'network', { name: input.name, description: formatMark('network', { k, i, c: joinList(texts) }, 'cidrs'), admin_state_up: true }, { operation: 'createNetwork', resourceType: 'network' }, signal),
    });
    const network = await this.settleTags('networks', resource, tags, 'createNetwork', signal);
    if (created) changed(this.ctx, 'created', 'network', network.id, 'available');
    return toNetwork(this.ctx, network);
  }

  /** A network by id; `NotFoundError` when Neutron has none. */
  async getNetwork(id: string, operation: string, signal?: AbortSignal, field?: string): Promise<Network> {
    const found = await this.networkView(id, operation, signal);
    if (!found) throw notFound(this.ctx, 'network', id, field);
    return this.mapNetwork(found, operation, signal);
  }

  /** The Neutron network of an id, `undefined` when there is none. */
  networkView(id: string, operation: string, signal?: AbortSignal): Promise<NeutronNetworkView | undefined> {
    return this.ctx.calls.get<NeutronNetworkView>(`/networks/${encodeURIComponent(id)}`, 'network', { operation, resourceType: 'network', resourceId: id }, signal);
  }

  /** The companion's networks, filtered. */
  async *listNetworks(filter: NetworkListFilter, signal?: AbortSignal): AsyncIterable<Network> {
    if (filter.region !== undefined && filter.region !== this.ctx.region) return;
    for await (const n of this.ctx.calls.list<NeutronNetworkView>('/networks', 'networks', await projectFilter(this.ctx, signal), { operation: 'list', resourceType: 'network' }, signal)) {
      if (parseMark(n.description)?.kind !== 'network') continue;
      const network = toNetwork(this.ctx, n);
      if (filter.networkId !== undefined && network.id !== filter.networkId) continue;
      if (!hasLabels(network.labels, filter.labels)) continue;
      yield network;
    }
  }

  /** The network a create with this key made, `undefined` when there is none. */
  async findNetwork(k: string, signal?: AbortSignal): Promise<Network | undefined> {
    const found = await this.findMarked(k, 'findByIdempotencyKey', signal);
    return found && toNetwork(this.ctx, found);
  }

  /** Deletes a network: a `ConflictError` while anything still uses it; its router goes first. */
  async deleteNetwork(id: string, signal?: AbortSignal): Promise<void> {
    const network = await this.networkView(id, 'delete', signal);
    if (!network) return;
    const subnets = await this.subnetsOf(id, 'delete', signal);
    const router = await this.routers.find(id, 'delete', signal);
    const users = [...subnets.map((s) => `subnet ${s.id}`), ...(await this.users(network, router, signal))];
    if (users.length > 0) throw new ConflictError({ provider: this.ctx.provider, message: `network ${id} is still used by ${users.join(', ')}` });
    if (router) await this.routers.remove(router, 'delete', signal);
    if (await this.ctx.calls.remove(`/networks/${encodeURIComponent(id)}`, { operation: 'delete', resourceType: 'network', resourceId: id }, signal)) changed(this.ctx, 'deleted', 'network', id, 'deleting');
  }

  private async findMarked(k: string, operation: string, signal?: AbortSignal): Promise<NeutronNetworkView | undefined> {
    for await (const n of this.ctx.calls.list<NeutronNetworkView>('/networks', 'networks', await projectFilter(this.ctx, signal), { operation, resourceType: 'network' }, signal)) {
      const mark = parseMark(n.description);
      if (mark?.kind === 'network' && mark.fields.k === k) return n;
    }
    return undefined;
  }

  private async mapNetwork(n: NeutronNetworkView, operation: string, signal?: AbortSignal): Promise<Network> {
    if (parseMark(n.description)?.kind === 'network') return toNetwork(this.ctx, n);
    const subnets = await this.subnetsOf(n.id, operation, signal);
    return toNetwork(this.ctx, n, subnets.map((s) => s.cidr ?? '').filter((c) => c !== ''));
  }

  // Subnets ------------------------------------------------------------------------------------

  /** Creates a subnet inside its network's ranges, attached to the network's router. */
  async createSubnet(input: SubnetInput, options: NetworkCreateOptions = {}): Promise<Subnet> {
    const { signal } = options;
    checkName(input?.name);
    const { parseCidr, cidrContains, cidrsOverlap } = await cidrs();
    const range = parseCidr(input.cidr, { field: 'cidr' });
    if (range.version !== 4) throw invalid('cidr', `${range.text}: this provider's subnets are IPv4 (capabilities.ipv6 is false)`);
    const tags = labelTags(input.labels);
    if (typeof input.networkId !== 'string' || input.networkId === '') throw invalid('networkId', 'must name the subnet\'s network');
    const network = await this.getNetwork(input.networkId, 'createSubnet', signal, 'networkId');
    if (network.cidrs.length > 0 && !network.cidrs.some((c) => cidrContains(parseCidr(c), range))) throw invalid('cidr', `${range.text} is not inside the network's ranges (${network.cidrs.join(', ')})`);
    const { resource, created } = await this.ctx.keyed.run<NeutronSubnetView>({
      kind: 'subnet',
      idempotencyKey: options.idempotencyKey,
      input,
      provider: this.ctx.provider,
      find: (k) => this.findSubnetMarked(k, network.id, 'createSubnet', signal),
      inputOf: (s) => parseMark(s.description)?.fields.i,
      create: async ({ k, i }) => {
        const clash = (await this.subnetsOf(network.id, 'createSubnet', signal)).find((s) => s.cidr !== undefined && cidrsOverlap(parseCidr(s.cidr, { lenient: true }), range));
        if (clash) throw new ConflictError({ provider: this.ctx.provider, message: `subnet range ${range.text} overlaps subnet ${clash.id} (${clash.cidr}) of network ${network.id}` });
        try {
          return await this.ctx.calls.create<NeutronSubnetView>('/subnets', 'subnet', { network_id: network.id, ip_version: 4, cidr: range.text, name: input.name, description: formatMark('subnet', { k, i }) }, { operation: 'createSubnet', resourceType: 'subnet' }, signal);
        } catch (error) {
          // Neutron checks overlaps per network too (400 InvalidInput): another client got there first.
          if (InvalidSpecError.isInstance(error) && /overlaps with another subnet/i.test(error.message)) throw new ConflictError({ provider: this.ctx.provider, message: `subnet range ${range.text} overlaps another subnet of network ${network.id}`, cause: error });
          throw error;
        }
      },
    });
    const subnet = await this.settleTags('subnets', resource, tags, 'createSubnet', signal);
    const router = await this.routers.ensure({ id: network.id, name: network.name }, 'createSubnet', signal);
    await this.routers.ensureInterface(router, subnet.id, 'createSubnet', signal);
    if (created) changed(this.ctx, 'created', 'subnet', subnet.id, 'available');
    return toSubnet(this.ctx, subnet);
  }

  /** A subnet by id; `NotFoundError` when Neutron has none. */
  async getSubnet(id: string, signal?: AbortSignal): Promise<Subnet> {
    const found = await this.subnetView(id, 'get', signal);
    if (!found) throw notFound(this.ctx, 'subnet', id);
    return toSubnet(this.ctx, found);
  }

  /** The Neutron subnet of an id, `undefined` when there is none. */
  subnetView(id: string, operation: string, signal?: AbortSignal): Promise<NeutronSubnetView | undefined> {
    return this.ctx.calls.get<NeutronSubnetView>(`/subnets/${encodeURIComponent(id)}`, 'subnet', { operation, resourceType: 'subnet', resourceId: id }, signal);
  }

  /** The subnets of a network (any, the companion's or not). */
  subnetsOf(networkId: string, operation: string, signal?: AbortSignal): Promise<NeutronSubnetView[]> {
    return this.ctx.calls.all<NeutronSubnetView>('/subnets', 'subnets', { network_id: networkId }, { operation, resourceType: 'subnet' }, signal);
  }

  /** The companion's subnets, filtered. */
  async *listSubnets(filter: NetworkListFilter, signal?: AbortSignal): AsyncIterable<Subnet> {
    if (filter.region !== undefined && filter.region !== this.ctx.region) return;
    const query = { ...(await projectFilter(this.ctx, signal)), ...(filter.networkId === undefined ? {} : { network_id: filter.networkId }) };
    for await (const s of this.ctx.calls.list<NeutronSubnetView>('/subnets', 'subnets', query, { operation: 'list', resourceType: 'subnet' }, signal)) {
      if (parseMark(s.description)?.kind !== 'subnet') continue;
      const subnet = toSubnet(this.ctx, s);
      if (hasLabels(subnet.labels, filter.labels)) yield subnet;
    }
  }

  /** The subnet a create with this key made, `undefined` when there is none. */
  async findSubnet(k: string, signal?: AbortSignal): Promise<Subnet | undefined> {
    const found = await this.findSubnetMarked(k, undefined, 'findByIdempotencyKey', signal);
    return found && toSubnet(this.ctx, found);
  }

  /** Deletes a subnet: its router interface first (a route or VPN connection that needs it is a `ConflictError`). */
  async deleteSubnet(id: string, signal?: AbortSignal): Promise<void> {
    const subnet = await this.subnetView(id, 'delete', signal);
    if (!subnet) return;
    const router = subnet.network_id === undefined ? undefined : await this.routers.find(subnet.network_id, 'delete', signal);
    if (router) await this.routers.removeInterface(router, subnet.id, 'delete', signal);
    if (await this.ctx.calls.remove(`/subnets/${encodeURIComponent(id)}`, { operation: 'delete', resourceType: 'subnet', resourceId: id }, signal)) changed(this.ctx, 'deleted', 'subnet', id, 'deleting');
  }

  private async findSubnetMarked(k: string, networkId: string | undefined, operation: string, signal?: AbortSignal): Promise<NeutronSubnetView | undefined> {
    const query = networkId === undefined ? await projectFilter(this.ctx, signal) : { network_id: networkId };
    for await (const s of this.ctx.calls.list<NeutronSubnetView>('/subnets', 'subnets', query, { operation, resourceType: 'subnet' }, signal)) {
      const mark = parseMark(s.description);
      if (mark?.kind === 'subnet' && mark.fields.k === k) return s;
    }
    return undefined;
  }

  /** Gives a resource the labels' tags (a retried create sets them again), answering it as it is now. */
  private async settleTags<T extends { readonly id: string; readonly tags?: readonly string[] }>(collection: 'networks' | 'subnets', resource: T, labels: readonly string[], operation: string, signal?: AbortSignal): Promise<T> {
    const now = [...(resource.tags ?? [])].sort();
    const wanted = [...labels].sort();
    if (now.length === wanted.length && now.every((t, i) => t === wanted[i])) return resource;
    const resourceType = collection === 'networks' ? 'network' : 'subnet';
    try {
      await this.ctx.calls.replaceTags(collection, resource.id, wanted, { operation, resourceType, resourceId: resource.id }, signal);
    } catch (error) {
      // A lost answer: the tags may be set; read them back.
      if (!mayHaveActed(error)) throw error;
      const now = await this.ctx.calls.get<{ readonly tags?: readonly string[] }>(`/${collection}/${resource.id}`, resourceType, { operation, resourceType, resourceId: resource.id }, signal);
      const tags = [...(now?.tags ?? [])].sort();
      if (tags.length !== wanted.length || !tags.every((t, i) => t === wanted[i])) throw error;
    }
    return { ...resource, tags: wanted };
  }
}

/** True when `labels` carry every label of `wanted`. */
export function hasLabels(labels: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => labels[k] === v);
}
