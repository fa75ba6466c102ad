/**
 * Networks and subnets of the GCE network companion.
 *
 * A companion network is a custom-mode VPC network (`networks.insert`, `autoCreateSubnetworks:
 * false`). GCE networks have no address range of their own: the ranges asked for are the
 * network's by the companion's convention, recorded in its description (`network-metadata.ts`),
 * read back as `Network.cidrs`, and what subnets must lie in and peerings must not overlap. A
 * network the companion did not make reads with the ranges of its subnetworks. Its region is
 * `global`, as GCE networks are.
 *
 * A subnet is a regional subnetwork (in the region of `zone` when one is given, else the
 * provider's region; `Subnet.zone` stays undefined: GCE subnetworks span their region's zones).
 * A range overlapping another subnet of the network is refused by GCE ("… conflicts with
 * existing subnetwork …", 400 `invalid`), which the companion reports as a `ConflictError`.
 *
 * Creates carry a `requestId` derived from the idempotency key, whose digest the description
 * keeps with a hash of the input: a create repeated with the key finds its resource (another
 * input under the same key is a `ConflictError`), and `findByIdempotencyKey` finds it by
 * listing.
 */
import type { protos } from '@google-cloud/compute';
import { ConflictError, InvalidSpecError, NotFoundError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { Network, NetworkInput, NetworkResourceState, Subnet, SubnetInput } from '../../provider/network-types.js';
import { oneOffKey, regionOfZone, requestIdFor } from './naming.js';
import { invalid, published, type GcpNetworkContext } from './network-context.js';
import { nameOf, parseNetworkId } from './network-ids.js';
import { inputHash, keyDigest, readNote, writeNote } from './network-metadata.js';
import { operationOf, type NetworkOperation } from './network-operations.js';
import { checkLabels, checkName, checkRange, cidrs } from './network-validation.js';

/** A GCE network as the library returns it. */
export type GceNetwork = protos.google.cloud.compute.v1.INetwork;
/** A GCE subnetwork as the library returns it. */
export type GceSubnetwork = protos.google.cloud.compute.v1.ISubnetwork;

/** A resource found by its key, with the input hash its create recorded. */
export interface Keyed<R> {
  /** The resource. */
  readonly resource: R;
  /** The recorded input hash. */
  readonly hash: string | undefined;
}

/** A resource found under a key: the same input is it, another input a `ConflictError`. */
export function sameInput<R extends { readonly id: string }>(provider: string, found: Keyed<R>, hash: string, key: string, type: string): R {
  if (found.hash !== undefined && found.hash !== hash) {
    throw new ConflictError({ provider, message: `idempotency key "${key}" was already used for a different ${type} (${found.resource.id})` });
  }
  return found.resource;
}

/** Networks and subnets of one project. */
export class GcpVpcs {
  /** Works in `ctx`. */
  constructor(private readonly ctx: GcpNetworkContext) {}

  // ------------------------------------------------------------------ networks

  /** Creates a custom-mode network recording its ranges; `provisioning` if its insert is still running after the short wait. */
  async createNetwork(input: NetworkInput, options: NetworkCreateOptions): Promise<Network> {
    const { signal } = options;
    const name = checkName(input?.name);
    if (!Array.isArray(input.cidrs) || input.cidrs.length === 0) throw invalid('cidrs', 'must list at least one IPv4 CIDR range');
    const ranges: Awaited<ReturnType<typeof checkRange>>[] = [];
    for (const [i, c] of input.cidrs.entries()) ranges.push(await checkRange(c, `cidrs[${i}]`));
    const { cidrsOverlap } = await cidrs();
    ranges.forEach((r, i) => ranges.slice(0, i).forEach((o) => {
      if (cidrsOverlap(r, o)) throw invalid(`cidrs[${i}]`, `${r.text} overlaps ${o.text}`);
    }));
    const labels = checkLabels(input.labels);
    const cidrTexts = ranges.map((r) => r.text);
    const hash = inputHash({ type: 'network', name, cidrs: cidrTexts, labels });
    const key = options.idempotencyKey;
    if (key !== undefined) {
      const found = await this.keyedNetwork(key, signal);
      if (found) return this.sameInput(found, hash, key, 'network');
    }
    const id = this.ctx.ids.network(name);
    const ctx = { operation: 'createNetwork', resourceType: 'network', resourceId: id, mutating: true };
    const body = { name, autoCreateSubnetworks: false, routingConfig: { routingMode: 'REGIONAL' }, description: writeNote({ cidrs: cidrTexts, labels, key: key === undefined ? undefined : keyDigest(key), hash }) };
    let op: NetworkOperation | undefined;
    try {
      const [answer] = await this.ctx.api.run(ctx, signal, ({ networks }, call) => networks.insert({ project: this.ctx.project, requestId: requestIdFor(key ?? oneOffKey(), 'network'), networkResource: body }, call));
      op = operationOf(answer);
    } catch (error) {
      if (ConflictError.isInstance(error)) return this.takenName(id, name, hash, key, error, signal);
      throw error;
    }
    const done = await this.ctx.ops.settle(op, {}, ctx, this.ctx.createWaitMs, signal);
    const network = done ? await this.getNetwork(name, signal) : this.pendingNetwork(name, cidrTexts, labels, op);
    published(this.ctx, 'created', 'network', network.id, network.state);
    return network;
  }

  /** A network of this project by name; `NotFoundError` when there is none (a running insert reads `provisioning`). */
  async getNetwork(name: string, signal: AbortSignal | undefined): Promise<Network> {
    const raw = await this.rawNetwork(this.ctx.project, name, signal);
    if (raw) return this.toNetwork(raw, await this.subnetRangesIfUnrecorded(raw, signal));
    const path = this.ctx.ids.network(name);
    if (await this.ctx.ops.insertRunning({}, path, { operation: 'get', resourceType: 'network', resourceId: path }, signal)) return this.pendingNetwork(name, [], {}, undefined);
    throw this.notFound('network', path);
  }

  /** The raw network of any project (another project's for peering), `undefined` when GCE has none. */
  rawNetwork(project: string, name: string, signal: AbortSignal | undefined): Promise<GceNetwork | undefined> {
    return this.ctx.reads.one({ operation: 'get', resourceType: 'network', resourceId: name }, signal, ({ networks }, call) => networks.get({ project, network: name }, call));
  }

  /** Every network of the project. */
  async listNetworks(signal: AbortSignal | undefined): Promise<Network[]> {
    const raws = await this.ctx.reads.all<GceNetwork>({ operation: 'list', resourceType: 'network' }, signal, ({ networks }, call) => networks.listAsync({ project: this.ctx.project, maxResults: 500 }, call));
    const unrecorded = raws.some((n) => readNote(n.description).cidrs === undefined);
    const subnets = unrecorded ? await this.rawSubnets(signal) : [];
    return raws.map((n) => this.toNetwork(n, readNote(n.description).cidrs === undefined ? subnets.filter((s) => nameOf(s.item.network) === n.name).map((s) => s.item.ipCidrRange ?? '') : []));
  }

  /** The network a create with this key made, `undefined` when no network carries its digest. */
  async findNetwork(key: string, signal: AbortSignal | undefined): Promise<Network | undefined> {
    return (await this.keyedNetwork(key, signal))?.resource;
  }

  private async keyedNetwork(key: string, signal: AbortSignal | undefined): Promise<Keyed<Network> | undefined> {
    const digest = keyDigest(key);
    const raws = await this.ctx.reads.all<GceNetwork>({ operation: 'findByIdempotencyKey', resourceType: 'network' }, signal, ({ networks }, call) => networks.listAsync({ project: this.ctx.project, maxResults: 500 }, call));
    const raw = raws.find((n) => readNote(n.description).key === digest);
    return raw ? { resource: this.toNetwork(raw, []), hash: readNote(raw.description).hash } : undefined;
  }

  /** Starts deleting a network; GCE refuses one still in use (`ConflictError`). Deleting what is gone succeeds. */
  async deleteNetwork(name: string, signal: AbortSignal | undefined): Promise<void> {
    const id = this.ctx.ids.network(name);
    const ctx = { operation: 'delete', resourceType: 'network', resourceId: id, mutating: true };
    try {
      await this.ctx.api.run(ctx, signal, ({ networks }, call) => networks.delete({ project: this.ctx.project, network: name, requestId: requestIdFor(oneOffKey(), 'delete') }, call));
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
      return;
    }
    published(this.ctx, 'deleted', 'network', id, 'deleting');
  }

  /** A GCE network as a companion network. */
  toNetwork(raw: GceNetwork, subnetRanges: readonly string[]): Network {
    const note = readNote(raw.description);
    const name = raw.name ?? '';
    return {
      type: 'network',
      id: this.ctx.ids.network(name),
      name,
      provider: this.ctx.providerName,
      providerKind: 'gcp',
      region: 'global',
      state: 'available',
      rawState: 'READY',
      stateReason: undefined,
      labels: { ...(note.labels ?? {}) },
      createdAt: raw.creationTimestamp ?? new Date(0).toISOString(),
      cidrs: [...(note.cidrs ?? subnetRanges)],
    };
  }

  private pendingNetwork(name: string, cidrTexts: readonly string[], labels: Readonly<Record<string, string>>, op: NetworkOperation | undefined): Network {
    return { ...this.head('network', this.ctx.ids.network(name), name, 'global', labels, 'provisioning', String(op?.status ?? 'PENDING')), type: 'network', cidrs: [...cidrTexts] };
  }

  private async subnetRangesIfUnrecorded(raw: GceNetwork, signal: AbortSignal | undefined): Promise<string[]> {
    if (readNote(raw.description).cidrs !== undefined) return [];
    return (await this.rawSubnets(signal)).filter((s) => nameOf(s.item.network) === raw.name).map((s) => s.item.ipCidrRange ?? '');
  }

  // ------------------------------------------------------------------ subnets

  /** Creates a subnetwork inside one of its network's recorded ranges. */
  async createSubnet(input: SubnetInput, options: NetworkCreateOptions): Promise<Subnet> {
    const { signal } = options;
    const name = checkName(input?.name);
    const parsed = parseNetworkId(input.networkId);
    if (parsed?.kind !== 'network' || parsed.project !== this.ctx.project) throw invalid('networkId', `must be a network id of project ${this.ctx.project} (projects/${this.ctx.project}/global/networks/<name>)`);
    const range = await checkRange(input.cidr, 'cidr');
    const labels = checkLabels(input.labels);
    const region = input.zone !== undefined ? regionOfZone(input.zone) : this.ctx.region;
    const network = await this.available(parsed.name, signal);
    const { parseCidr, cidrContains } = await cidrs();
    if (network.cidrs.length > 0 && !network.cidrs.some((c) => cidrContains(parseCidr(c), range))) {
      throw invalid('cidr', `${range.text} is not inside the network's ranges (${network.cidrs.join(', ')})`);
    }
    const hash = inputHash({ type: 'subnet', name, networkId: network.id, cidr: range.text, region, labels });
    const key = options.idempotencyKey;
    if (key !== undefined) {
      const found = await this.keyedSubnet(key, signal);
      if (found) return this.sameInput(found, hash, key, 'subnet');
    }
    const id = this.ctx.ids.subnet(region, name);
    const ctx = { operation: 'createSubnet', region, resourceType: 'subnet', resourceId: id, mutating: true };
    const body = { name, network: network.id, ipCidrRange: range.text, description: writeNote({ labels, key: key === undefined ? undefined : keyDigest(key), hash }) };
    let op: NetworkOperation | undefined;
    try {
      const [answer] = await this.ctx.api.run(ctx, signal, ({ subnetworks }, call) => subnetworks.insert({ project: this.ctx.project, region, requestId: requestIdFor(key ?? oneOffKey(), 'subnet'), subnetworkResource: body }, call));
      op = operationOf(answer);
    } catch (error) {
      // GCE says an overlap as bad input ("… conflicts with existing subnetwork …"): it is a conflict with what exists.
      if (InvalidSpecError.isInstance(error) && /conflicts with (?:existing )?subnetwork/i.test(error.message)) {
        throw new ConflictError({ provider: this.ctx.providerName, message: `createSubnet: subnet range ${range.text} overlaps a subnet of ${network.id}: ${error.message}`, cause: error });
      }
      if (ConflictError.isInstance(error)) return this.takenName(id, name, hash, key, error, signal, region);
      throw error;
    }
    const done = await this.ctx.ops.settle(op, { region }, ctx, this.ctx.createWaitMs, signal);
    const subnet = done ? await this.getSubnet(region, name, signal) : this.pendingSubnet(region, name, network.id, range.text, labels, op);
    published(this.ctx, 'created', 'subnet', subnet.id, subnet.state);
    return subnet;
  }

  /** A subnet; `NotFoundError` when there is none (a running insert reads `provisioning`). */
  async getSubnet(region: string, name: string, signal: AbortSignal | undefined): Promise<Subnet> {
    const raw = await this.ctx.reads.one<GceSubnetwork>({ operation: 'get', region, resourceType: 'subnet', resourceId: name }, signal, ({ subnetworks }, call) =>
      subnetworks.get({ project: this.ctx.project, region, subnetwork: name }, call),
    );
    if (raw) return this.toSubnet(raw);
    const path = this.ctx.ids.subnet(region, name);
    if (await this.ctx.ops.insertRunning({ region }, path, { operation: 'get', region, resourceType: 'subnet', resourceId: path }, signal)) return this.pendingSubnet(region, name, '', '', {}, undefined);
    throw this.notFound('subnet', path);
  }

  /** Every subnetwork of the project, with its region. */
  rawSubnets(signal: AbortSignal | undefined): Promise<{ readonly region: string; readonly item: GceSubnetwork }[]> {
    return this.ctx.reads.aggregated<GceSubnetwork>({ operation: 'list', resourceType: 'subnet' }, signal, 'subnetworks', ({ subnetworks }, call) => subnetworks.aggregatedListAsync({ project: this.ctx.project, maxResults: 500 }, call));
  }

  /** Every subnet of the project. */
  async listSubnets(signal: AbortSignal | undefined): Promise<Subnet[]> {
    return (await this.rawSubnets(signal)).map((s) => this.toSubnet(s.item));
  }

  /** The subnet a create with this key made. */
  async findSubnet(key: string, signal: AbortSignal | undefined): Promise<Subnet | undefined> {
    return (await this.keyedSubnet(key, signal))?.resource;
  }

  private async keyedSubnet(key: string, signal: AbortSignal | undefined): Promise<Keyed<Subnet> | undefined> {
    const digest = keyDigest(key);
    const raw = (await this.rawSubnets(signal)).find((s) => readNote(s.item.description).key === digest);
    return raw ? { resource: this.toSubnet(raw.item), hash: readNote(raw.item.description).hash } : undefined;
  }

  /** Starts deleting a subnet. Deleting what is gone succeeds. */
  async deleteSubnet(region: string, name: string, signal: AbortSignal | undefined): Promise<void> {
    const id = this.ctx.ids.subnet(region, name);
    const ctx = { operation: 'delete', region, resourceType: 'subnet', resourceId: id, mutating: true };
    let op: NetworkOperation | undefined;
    try {
      const [answer] = await this.ctx.api.run(ctx, signal, ({ subnetworks }, call) => subnetworks.delete({ project: this.ctx.project, region, subnetwork: name, requestId: requestIdFor(oneOffKey(), 'delete') }, call));
      op = operationOf(answer);
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
      return;
    }
    // A subnet's delete is quick; waiting briefly lets its network go right after it.
    await this.ctx.ops.settle(op, { region }, ctx, this.ctx.createWaitMs, signal);
    published(this.ctx, 'deleted', 'subnet', id, 'deleting');
  }

  /** A GCE subnetwork as a companion subnet. */
  toSubnet(raw: GceSubnetwork): Subnet {
    const note = readNote(raw.description);
    const region = nameOf(raw.region);
    const name = raw.name ?? '';
    return {
      ...this.head('subnet', this.ctx.ids.subnet(region, name), name, region, note.labels ?? {}, raw.state === 'DRAINING' ? 'deleting' : 'available', raw.state ?? 'READY'),
      type: 'subnet',
      createdAt: raw.creationTimestamp ?? new Date(0).toISOString(),
      networkId: this.ctx.ids.network(nameOf(raw.network)),
      cidr: raw.ipCidrRange ?? '',
      zone: undefined,
    };
  }

  private pendingSubnet(region: string, name: string, networkId: string, cidr: string, labels: Readonly<Record<string, string>>, op: NetworkOperation | undefined): Subnet {
    return { ...this.head('subnet', this.ctx.ids.subnet(region, name), name, region, labels, 'provisioning', String(op?.status ?? 'PENDING')), type: 'subnet', networkId, cidr, zone: undefined };
  }

  /** A network of this project that must be available for a create that uses it. */
  async available(name: string, signal: AbortSignal | undefined): Promise<Network> {
    const network = await this.getNetwork(name, signal);
    if (network.state !== 'available') throw new ConflictError({ provider: this.ctx.providerName, message: `network ${network.id} is ${network.state}, not available yet` });
    return network;
  }

  // ------------------------------------------------------------------ shared

  /** A resource found under a key: the same input is it, another input a conflict. */
  private sameInput<R extends Network | Subnet>(found: Keyed<R>, hash: string, key: string, type: string): R {
    return sameInput(this.ctx.providerName, found, hash, key, type);
  }

  /** GCE says the name is taken: it is this create's resource when its description says so, a conflict otherwise. */
  private async takenName<R extends Network | Subnet>(id: string, name: string, hash: string, key: string | undefined, error: unknown, signal: AbortSignal | undefined, region?: string): Promise<R> {
    const raw =
      region === undefined
        ? await this.rawNetwork(this.ctx.project, name, signal)
        : await this.ctx.reads.one<GceSubnetwork>({ operation: 'get', region, resourceType: 'subnet', resourceId: name }, signal, ({ subnetworks }, call) => subnetworks.get({ project: this.ctx.project, region, subnetwork: name }, call));
    const note = readNote(raw?.description);
    if (raw && key !== undefined && note.key === keyDigest(key) && note.hash === hash) return (region === undefined ? this.toNetwork(raw, []) : this.toSubnet(raw as GceSubnetwork)) as R;
    throw new ConflictError({ provider: this.ctx.providerName, message: `${id} already exists (another create made it)`, cause: error });
  }

  private head<T extends 'network' | 'subnet'>(type: T, id: string, name: string, region: string, labels: Readonly<Record<string, string>>, state: NetworkResourceState, rawState: string) {
    return { type, id, name, provider: this.ctx.providerName, providerKind: 'gcp' as const, region, state, rawState, stateReason: undefined, labels: { ...labels }, createdAt: new Date().toISOString() };
  }

  private notFound(type: string, id: string): NotFoundError {
    return new NotFoundError({ provider: this.ctx.providerName, message: `${type} ${id} not found`, resourceType: type, resourceId: id });
  }
}
