/**
 * Peerings of the GCE network companion: `networks.addPeering` on each side
 * (`networkPeering { name, network, exchangeSubnetRoutes: true }`), `networks.removePeering` to
 * delete (Compute Engine REST reference v1, read 2026-12). `requestPeering` adds this side's link
 * (GCE shows it `INACTIVE`: `pending-acceptance`); `acceptPeering` on the other side adds the
 * reverse link, and both become `ACTIVE` (`available`). A link whose other half went away is
 * `INACTIVE` again: an accepter's reads `failed` with GCE's `stateDetails`.
 *
 * Ranges: GCE refuses the link that would activate a pair whose subnet ranges overlap; the
 * companion also refuses, before anything is sent, a request between networks whose recorded
 * ranges overlap (`ConflictError`, "overlapping CIDR ranges"). GCE refuses a peering call while
 * another one runs on either network ("There is a peering operation in progress on the local or
 * peer network. Try again later."); the companion tries again a few times.
 *
 * A peering has no labels or description, so its GCE name carries its role and the digest of
 * its idempotency key (`network-ids.ts`): `Peering.name` is that name, and its labels are empty.
 */
import type { protos } from '@google-cloud/compute';
import { sleep } from '../../provider/abort.js';
import { ConflictError, InvalidSpecError, NotFoundError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { Peering, PeeringAcceptanceInput, PeeringRequestInput } from '../../provider/network-types.js';
import { oneOffKey, requestIdFor } from './naming.js';
import { invalid, published, type GcpNetworkContext } from './network-context.js';
import { nameOf, parseNetworkId, peeringNameFor, peeringRoleOf, peeringSuffixOf, projectOf } from './network-ids.js';
import { readNote } from './network-metadata.js';
import { COMPUTE_URL, operationOf, type NetworkOperation } from './network-operations.js';
import { checkName, cidrs } from './network-validation.js';
import type { GceNetwork, GcpVpcs } from './network-vpcs.js';

type GceNetworkPeering = protos.google.cloud.compute.v1.INetworkPeering;

/** Tries of a peering call GCE refuses while another peering operation runs. */
const BUSY_TRIES = 8;

/** Peerings of one project. */
export class GcpPeerings {
  /** Works in `ctx`, on the networks of `vpcs`. */
  constructor(
    private readonly ctx: GcpNetworkContext,
    private readonly vpcs: GcpVpcs,
  ) {}

  /** Adds this side's link to the other network; `pending-acceptance` until the other side accepts. */
  async request(input: PeeringRequestInput, options: NetworkCreateOptions): Promise<Peering> {
    const { signal } = options;
    const base = checkName(input?.name);
    const own = this.ownNetwork(input.networkId, 'networkId');
    const peer = parseNetworkId(input.peerNetworkId);
    if (peer?.kind !== 'network') throw invalid('peerNetworkId', 'must be a GCE network id (projects/<project>/global/networks/<name>)');
    if (input.peerAccount !== undefined && input.peerAccount !== peer.project) throw invalid('peerAccount', `is ${input.peerAccount}, but the peer network is in project ${peer.project}`);
    const local = await this.vpcs.available(own, signal);
    const remote = await this.vpcs.rawNetwork(peer.project, peer.name, signal);
    if (!remote) throw new NotFoundError({ provider: this.ctx.providerName, message: `peerNetworkId: network ${input.peerNetworkId} not found`, resourceType: 'network', resourceId: input.peerNetworkId });
    const remoteRanges = readNote(remote.description).cidrs ?? (peer.project === this.ctx.project ? (await this.vpcs.getNetwork(peer.name, signal)).cidrs : []);
    const { cidrsOverlap, parseCidr } = await cidrs();
    const overlap = local.cidrs.flatMap((a) => remoteRanges.filter((b) => cidrsOverlap(parseCidr(a), parseCidr(b))).map((b) => `${a} and ${b}`))[0];
    if (overlap) throw new ConflictError({ provider: this.ctx.providerName, message: `requestPeering: overlapping CIDR ranges: ${overlap} (GCE peers only networks whose subnet ranges do not overlap)` });
    const key = options.idempotencyKey ?? oneOffKey();
    return this.add(own, peer.project, peer.name, peeringNameFor(base, 'requester', key), requestIdFor(key, 'peering'), signal);
  }

  /** Adds the reverse link on this side; both links become `ACTIVE`. */
  async accept(input: PeeringAcceptanceInput, options: NetworkCreateOptions): Promise<Peering> {
    const { signal } = options;
    const base = checkName(input?.name);
    const own = this.ownNetwork(input.networkId, 'networkId');
    const request = parseNetworkId(input.requestId);
    if (request?.kind !== 'peering') throw invalid('requestId', 'must be the id of the requester’s peering (projects/<project>/global/networks/<network>/peerings/<name>)');
    const requesterNetwork = `projects/${request.project}/global/networks/${request.network}`;
    const asked = parseNetworkId(input.peerNetworkId);
    if (asked?.kind !== 'network' || asked.project !== request.project || asked.name !== request.network) {
      throw new ConflictError({ provider: this.ctx.providerName, message: `peering ${input.requestId} does not join ${input.networkId} to ${input.peerNetworkId}` });
    }
    const requester = await this.vpcs.rawNetwork(request.project, request.network, signal);
    const link = requester?.peerings?.find((p) => p.name === request.name);
    if (!link) throw new NotFoundError({ provider: this.ctx.providerName, message: `peering request ${input.requestId} not found`, resourceType: 'peering', resourceId: input.requestId });
    if (nameOf(link.network) !== own || (projectOf(link.network) ?? this.ctx.project) !== this.ctx.project) {
      throw new ConflictError({ provider: this.ctx.providerName, message: `peering ${input.requestId} does not join ${input.networkId} to ${requesterNetwork}` });
    }
    await this.vpcs.available(own, signal);
    const key = options.idempotencyKey ?? oneOffKey();
    const peering = await this.add(own, request.project, request.network, peeringNameFor(base, 'accepter', key), requestIdFor(key, 'peering'), signal);
    published(this.ctx, 'accepted', 'peering', input.requestId, 'available');
    return peering;
  }

  /** `addPeering` on `own` to `peerProject/peerNetwork` as `name`, tried again while GCE is busy with another peering call. */
  private async add(own: string, peerProject: string, peerNetwork: string, name: string, requestId: string, signal: AbortSignal | undefined): Promise<Peering> {
    const id = this.ctx.ids.peering(own, name);
    const existing = (await this.vpcs.rawNetwork(this.ctx.project, own, signal))?.peerings ?? [];
    const peerUrl = `${COMPUTE_URL}/projects/${peerProject}/global/networks/${peerNetwork}`;
    if (existing.some((p) => p.name === name)) return this.get(own, name, signal);
    const other = existing.find((p) => nameOf(p.network) === peerNetwork && (projectOf(p.network) ?? this.ctx.project) === peerProject);
    if (other) throw new ConflictError({ provider: this.ctx.providerName, message: `network ${this.ctx.ids.network(own)} is already peered with ${peerProject}/${peerNetwork} (peering ${other.name})` });
    const ctx = { operation: 'peering', resourceType: 'peering', resourceId: id, mutating: true };
    let op: NetworkOperation | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const [answer] = await this.ctx.api.run(ctx, signal, ({ networks }, call) =>
          networks.addPeering({ project: this.ctx.project, network: own, requestId, networksAddPeeringRequestResource: { networkPeering: { name, network: peerUrl, exchangeSubnetRoutes: true } } }, call),
        );
        op = operationOf(answer);
        break;
      } catch (error) {
        if (busy(error) && attempt < BUSY_TRIES) {
          await sleep(this.ctx.ops.pollIntervalMs * attempt, signal);
          continue;
        }
        // GCE refuses the link that would join overlapping subnet ranges.
        if (InvalidSpecError.isInstance(error) && /overlaps/i.test(error.message)) throw new ConflictError({ provider: this.ctx.providerName, message: `peering: overlapping CIDR ranges: ${error.message}`, cause: error });
        throw error;
      }
    }
    const done = await this.ctx.ops.settle(op, {}, ctx, this.ctx.createWaitMs, signal);
    const peering = done ? await this.get(own, name, signal) : this.pending(own, name, peerProject, peerNetwork, op);
    published(this.ctx, 'created', 'peering', peering.id, peering.state);
    return peering;
  }

  /** A peering of one of this project's networks; `NotFoundError` when it has none of that name (a running `addPeering` reads `provisioning`). */
  async get(network: string, name: string, signal: AbortSignal | undefined): Promise<Peering> {
    const raw = await this.vpcs.rawNetwork(this.ctx.project, network, signal);
    const link = raw?.peerings?.find((p) => p.name === name);
    if (raw && link) return this.toPeering(raw, link);
    const id = this.ctx.ids.peering(network, name);
    if (raw) {
      const running = await this.ctx.ops.find({}, `(targetLink = "${COMPUTE_URL}/${this.ctx.ids.network(network)}") (operationType = "addPeering") (status != "DONE")`, { operation: 'get', resourceType: 'peering', resourceId: id }, signal);
      if (running.length > 0) return this.pending(network, name, '', '', running[0]);
    }
    throw new NotFoundError({ provider: this.ctx.providerName, message: `peering ${id} not found`, resourceType: 'peering', resourceId: id });
  }

  /** Every peering of the project's networks. */
  async list(signal: AbortSignal | undefined): Promise<Peering[]> {
    const networks = await this.rawNetworks(signal);
    return networks.flatMap((n) => (n.peerings ?? []).map((p) => this.toPeering(n, p)));
  }

  /** The peering a request or acceptance with this key made. */
  async find(key: string, signal: AbortSignal | undefined): Promise<Peering | undefined> {
    const suffix = peeringSuffixOf(key);
    for (const n of await this.rawNetworks(signal)) {
      const link = (n.peerings ?? []).find((p) => peeringRoleOf(p.name ?? '') !== undefined && (p.name ?? '').endsWith(suffix));
      if (link) return this.toPeering(n, link);
    }
    return undefined;
  }

  /** Removes this side's link (`networks.removePeering`). What is gone succeeds. */
  async delete(network: string, name: string, signal: AbortSignal | undefined): Promise<void> {
    const id = this.ctx.ids.peering(network, name);
    const raw = await this.vpcs.rawNetwork(this.ctx.project, network, signal);
    if (!raw?.peerings?.some((p) => p.name === name)) return;
    const ctx = { operation: 'delete', resourceType: 'peering', resourceId: id, mutating: true };
    for (let attempt = 1; ; attempt++) {
      try {
        const [answer] = await this.ctx.api.run(ctx, signal, ({ networks }, call) =>
          networks.removePeering({ project: this.ctx.project, network, requestId: requestIdFor(oneOffKey(), 'delete'), networksRemovePeeringRequestResource: { name } }, call),
        );
        // Quick in GCE; waiting briefly lets the network go right after it.
        await this.ctx.ops.settle(operationOf(answer), {}, ctx, this.ctx.createWaitMs, signal);
        break;
      } catch (error) {
        if (busy(error) && attempt < BUSY_TRIES) {
          await sleep(this.ctx.ops.pollIntervalMs * attempt, signal);
          continue;
        }
        if (NotFoundError.isInstance(error)) return;
        throw error;
      }
    }
    published(this.ctx, 'deleted', 'peering', id, 'deleting');
  }

  private rawNetworks(signal: AbortSignal | undefined): Promise<GceNetwork[]> {
    return this.ctx.reads.all<GceNetwork>({ operation: 'list', resourceType: 'peering' }, signal, ({ networks }, call) => networks.listAsync({ project: this.ctx.project, maxResults: 500 }, call));
  }

  /** A GCE peering link as the companion shows it. */
  toPeering(network: GceNetwork, link: GceNetworkPeering): Peering {
    const name = link.name ?? '';
    const role = peeringRoleOf(name) ?? 'requester';
    const peerProject = projectOf(link.network) ?? this.ctx.project;
    const active = link.state === 'ACTIVE';
    const state = active ? 'available' : role === 'requester' ? 'pending-acceptance' : 'failed';
    return {
      type: 'peering',
      id: this.ctx.ids.peering(network.name ?? '', name),
      name,
      provider: this.ctx.providerName,
      providerKind: 'gcp',
      region: 'global',
      state,
      rawState: String(link.state ?? 'INACTIVE'),
      stateReason: state === 'failed' ? (link.stateDetails ?? 'the other side removed its peering') : undefined,
      labels: {},
      createdAt: network.creationTimestamp ?? new Date(0).toISOString(),
      networkId: this.ctx.ids.network(network.name ?? ''),
      peerNetworkId: `projects/${peerProject}/global/networks/${nameOf(link.network)}`,
      peerRegion: undefined,
      peerAccount: peerProject === this.ctx.project ? undefined : peerProject,
      role,
    };
  }

  private pending(network: string, name: string, peerProject: string, peerNetwork: string, op: NetworkOperation | undefined): Peering {
    return {
      type: 'peering',
      id: this.ctx.ids.peering(network, name),
      name,
      provider: this.ctx.providerName,
      providerKind: 'gcp',
      region: 'global',
      state: 'provisioning',
      rawState: String(op?.status ?? 'PENDING'),
      stateReason: undefined,
      labels: {},
      createdAt: new Date().toISOString(),
      networkId: this.ctx.ids.network(network),
      peerNetworkId: peerNetwork === '' ? '' : `projects/${peerProject}/global/networks/${peerNetwork}`,
      peerRegion: undefined,
      peerAccount: peerProject === '' || peerProject === this.ctx.project ? undefined : peerProject,
      role: peeringRoleOf(name) ?? 'requester',
    };
  }

  private ownNetwork(id: string, field: string): string {
    const parsed = parseNetworkId(id);
    if (parsed?.kind !== 'network' || parsed.project !== this.ctx.project) throw invalid(field, `must be a network id of project ${this.ctx.project}`);
    return parsed.name;
  }
}

/** GCE's refusal of a peering call while another peering operation runs on either network. */
function busy(error: unknown): boolean {
  return error instanceof Error && /peering operation in progress/i.test(error.message);
}
