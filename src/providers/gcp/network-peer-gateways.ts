/**
 * Peer gateways of the GCE network companion: external VPN gateways
 * (`externalVpnGateways.insert`, global), one interface per far-side address. GCE takes one, two
 * or four interfaces (`redundancyType` `SINGLE_IP_INTERNALLY_REDUNDANT`, `TWO_IPS_REDUNDANCY`,
 * `FOUR_IPS_REDUNDANCY`; REST reference, read 2026-12), so three addresses are refused before
 * anything is sent. The far side's ASN and ranges, which GCE does not keep on the resource, are
 * recorded in its description; the key digest and input hash are labels.
 */
import type { protos } from '@google-cloud/compute';
import { ConflictError, NotFoundError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { PeerGateway, PeerGatewayInput } from '../../provider/network-types.js';
import { NOVACRON_LABEL } from './labels.js';
import { oneOffKey, requestIdFor } from './naming.js';
import { invalid, published, type GcpNetworkContext } from './network-context.js';
import { callerLabels, inputHash, keyDigest, labelledIdentity, ownLabels, readNote, writeNote } from './network-metadata.js';
import { operationOf, type NetworkOperation } from './network-operations.js';
import { checkLabels, checkName, checkPeerAsn, cidrs } from './network-validation.js';
import { sameInput, type Keyed } from './network-vpcs.js';

/** An external VPN gateway as the library returns it. */
export type GceExternalVpnGateway = protos.google.cloud.compute.v1.IExternalVpnGateway;

const REDUNDANCY: Readonly<Record<number, string>> = { 1: 'SINGLE_IP_INTERNALLY_REDUNDANT', 2: 'TWO_IPS_REDUNDANCY', 4: 'FOUR_IPS_REDUNDANCY' };

/** Peer gateways of one project. */
export class GcpPeerGateways {
  /** Works in `ctx`. */
  constructor(private readonly ctx: GcpNetworkContext) {}

  /** Records the far side: an external VPN gateway with one interface per address. */
  async create(input: PeerGatewayInput, options: NetworkCreateOptions): Promise<PeerGateway> {
    const { signal } = options;
    const name = checkName(input?.name);
    const { parseCidr } = await cidrs();
    if (!Array.isArray(input.ips) || input.ips.length === 0) throw invalid('ips', 'must list the far side’s public IPs');
    const ips = input.ips.map((ip, i) => {
      if (typeof ip !== 'string' || ip.includes('/')) throw invalid(`ips[${i}]`, `"${String(ip)}" is not an IPv4 address`);
      const parsed = (() => {
        try {
          return parseCidr(`${ip}/32`, { field: `ips[${i}]` });
        } catch {
          throw invalid(`ips[${i}]`, `"${ip}" is not an IPv4 address (GCE external VPN gateways take IPv4 only)`);
        }
      })();
      if (parsed.version !== 4) throw invalid(`ips[${i}]`, 'GCE external VPN gateways take IPv4 addresses only');
      return ip;
    });
    if (new Set(ips).size !== ips.length) throw invalid('ips', 'lists an address twice');
    const redundancyType = REDUNDANCY[ips.length];
    if (redundancyType === undefined) throw invalid('ips', `a GCE external VPN gateway has 1, 2 or 4 interfaces, not ${ips.length}`);
    const asn = input.asn === undefined ? undefined : checkPeerAsn(input.asn, 'asn');
    const ranges = (input.cidrs ?? []).map((c, i) => parseCidr(c, { field: `cidrs[${i}]` }).text);
    const labels = checkLabels(input.labels);
    const hash = inputHash({ type: 'peer-gateway', name, ips, asn, cidrs: ranges, labels });
    const key = options.idempotencyKey;
    if (key !== undefined) {
      const found = await this.keyed(key, signal);
      if (found) return sameInput(this.ctx.providerName, found, hash, key, 'peer-gateway');
    }
    const id = this.ctx.ids.peerGateway(name);
    const ctx = { operation: 'createPeerGateway', resourceType: 'peer-gateway', resourceId: id, mutating: true };
    const body = { name, redundancyType, interfaces: ips.map((ipAddress, i) => ({ id: i, ipAddress })), labels: ownLabels(labels, key, hash), description: writeNote({ asn, cidrs: ranges }) };
    let op: NetworkOperation | undefined;
    try {
      const [answer] = await this.ctx.api.run(ctx, signal, ({ externalVpnGateways }, call) =>
        externalVpnGateways.insert({ project: this.ctx.project, requestId: requestIdFor(key ?? oneOffKey(), 'peer-gateway'), externalVpnGatewayResource: body }, call),
      );
      op = operationOf(answer);
    } catch (error) {
      if (!ConflictError.isInstance(error)) throw error;
      const raw = await this.raw(name, signal);
      const identity = labelledIdentity(raw?.labels);
      if (raw && key !== undefined && identity.key === keyDigest(key) && identity.hash === hash) return this.toPeerGateway(raw);
      throw new ConflictError({ provider: this.ctx.providerName, message: `peer gateway ${id} already exists (another create made it)`, cause: error });
    }
    const done = await this.ctx.ops.settle(op, {}, ctx, this.ctx.createWaitMs, signal);
    const gateway: PeerGateway = done
      ? await this.get(name, signal)
      : { type: 'peer-gateway', id, name, provider: this.ctx.providerName, providerKind: 'gcp', region: 'global', state: 'provisioning', rawState: String(op?.status ?? 'PENDING'), stateReason: undefined, labels, createdAt: new Date().toISOString(), ips, asn, cidrs: ranges };
    published(this.ctx, 'created', 'peer-gateway', gateway.id, gateway.state);
    return gateway;
  }

  /** A peer gateway; `NotFoundError` when GCE has none (a running insert reads `provisioning`). */
  async get(name: string, signal: AbortSignal | undefined): Promise<PeerGateway> {
    const raw = await this.raw(name, signal);
    if (raw) return this.toPeerGateway(raw);
    const id = this.ctx.ids.peerGateway(name);
    if (await this.ctx.ops.insertRunning({}, id, { operation: 'get', resourceType: 'peer-gateway', resourceId: id }, signal)) {
      return { type: 'peer-gateway', id, name, provider: this.ctx.providerName, providerKind: 'gcp', region: 'global', state: 'provisioning', rawState: 'RUNNING', stateReason: undefined, labels: {}, createdAt: new Date().toISOString(), ips: [], asn: undefined, cidrs: [] };
    }
    throw new NotFoundError({ provider: this.ctx.providerName, message: `peer-gateway ${id} not found`, resourceType: 'peer-gateway', resourceId: id });
  }

  /** Every external VPN gateway of the project. */
  async list(signal: AbortSignal | undefined): Promise<PeerGateway[]> {
    return (await this.raws(signal)).map((g) => this.toPeerGateway(g));
  }

  /** The peer gateway a create with this key made. */
  async find(key: string, signal: AbortSignal | undefined): Promise<PeerGateway | undefined> {
    return (await this.keyed(key, signal))?.resource;
  }

  private async keyed(key: string, signal: AbortSignal | undefined): Promise<Keyed<PeerGateway> | undefined> {
    const digest = keyDigest(key);
    const raw = (await this.raws(signal, `labels.${NOVACRON_LABEL.idempotencyKey} = "${digest}"`)).find((g) => labelledIdentity(g.labels).key === digest);
    return raw ? { resource: this.toPeerGateway(raw), hash: labelledIdentity(raw.labels).hash } : undefined;
  }

  /** Starts deleting a peer gateway; GCE refuses one a tunnel uses (`ConflictError`). What is gone succeeds. */
  async delete(name: string, signal: AbortSignal | undefined): Promise<void> {
    const id = this.ctx.ids.peerGateway(name);
    const ctx = { operation: 'delete', resourceType: 'peer-gateway', resourceId: id, mutating: true };
    try {
      await this.ctx.api.run(ctx, signal, ({ externalVpnGateways }, call) => externalVpnGateways.delete({ project: this.ctx.project, externalVpnGateway: name, requestId: requestIdFor(oneOffKey(), 'delete') }, call));
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
      return;
    }
    published(this.ctx, 'deleted', 'peer-gateway', id, 'deleting');
  }

  /** The raw external VPN gateway, `undefined` when GCE has none. */
  raw(name: string, signal: AbortSignal | undefined): Promise<GceExternalVpnGateway | undefined> {
    return this.ctx.reads.one({ operation: 'get', resourceType: 'peer-gateway', resourceId: name }, signal, ({ externalVpnGateways }, call) => externalVpnGateways.get({ project: this.ctx.project, externalVpnGateway: name }, call));
  }

  private raws(signal: AbortSignal | undefined, filter?: string): Promise<GceExternalVpnGateway[]> {
    return this.ctx.reads.all<GceExternalVpnGateway>({ operation: 'list', resourceType: 'peer-gateway' }, signal, ({ externalVpnGateways }, call) =>
      externalVpnGateways.listAsync({ project: this.ctx.project, maxResults: 500, ...(filter === undefined ? {} : { filter }) }, call),
    );
  }

  /** An external VPN gateway as the companion shows it. */
  toPeerGateway(raw: GceExternalVpnGateway): PeerGateway {
    const note = readNote(raw.description);
    const name = raw.name ?? '';
    return {
      type: 'peer-gateway',
      id: this.ctx.ids.peerGateway(name),
      name,
      provider: this.ctx.providerName,
      providerKind: 'gcp',
      region: 'global',
      state: 'available',
      rawState: 'READY',
      stateReason: undefined,
      labels: callerLabels(raw.labels),
      createdAt: raw.creationTimestamp ?? new Date(0).toISOString(),
      ips: [...(raw.interfaces ?? [])].sort((a, b) => Number(a.id ?? 0) - Number(b.id ?? 0)).map((i) => i.ipAddress ?? ''),
      asn: note.asn,
      cidrs: [...(note.cidrs ?? [])],
    };
  }
}
