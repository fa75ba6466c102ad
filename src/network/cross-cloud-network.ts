/**
 * `CrossCloudNetwork`: connects the networks of a federation. It chooses how two sites are
 * joined ({@link CrossCloudNetwork.chooseMode}), runs each setup as a durable operation
 * (`connectivity-run.ts`) that records every resource it creates, and plans and renders the
 * WireGuard overlay (`wireguard-overlay.ts`, `wireguard-config.ts`, `wireguard-cloud-init.ts`).
 *
 * The choice, unless a mode is forced: networks of the same cloud are peered (cheaper and
 * faster than a VPN between two of one cloud's networks, and AWS cannot build a VPN between two
 * of its own gateways); networks of two clouds that both offer a managed VPN get one; anything
 * else joins the WireGuard overlay. The specification tries VPN before peering; peering goes
 * first here only where both would work, for the reasons above.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DurableOperation, readOperation } from '../federation/operations/durable-operation.js';
import type { OperationRecord } from '../federation/operations/operation-record.js';
import { ConflictError, InvalidSpecError, NotFoundError, UnsupportedError } from '../provider/errors.js';
import { networkOf, type NetworkProviderV1 } from '../provider/network-provider-v1.js';
import { canonicalJson } from '../provider/offer-selection.js';
import type { CallOptions, ProviderV1 } from '../provider/provider-v1.js';
import type { VM, VMSpecInput } from '../provider/types.js';
import { createMemoryStore } from '../state/memory-store.js';
import type { JsonValue, StateStore } from '../state/state-store.js';
import { ConnectivityRun, type ConnectivitySide, type ConnectivityTimeouts, type PendingWait, type RecordedResource } from './connectivity-run.js';
import type { SecretVault } from './secret-vault.js';
import { renderOverlayCloudInit } from './wireguard-cloud-init.js';
import { renderWireGuardConfig } from './wireguard-config.js';
import { addOverlayNode, overlayNode, planOverlay, removeOverlayNode, setOverlayNodeEndpoint, setOverlayNodeListenPort, type OverlayNode, type OverlayNodeInput, type OverlayPlan, type OverlayPlanInput } from './wireguard-overlay.js';

/** How two sites are joined. */
export type ConnectivityMode = 'vpn' | 'peering' | 'overlay';

/** One site to connect: a provider, its network, and the overlay node that stands for it. */
export interface ConnectivityEndpoint {
  /** The provider; VPN and peering use its network companion (`provider.networking`). */
  readonly provider: ProviderV1;
  /** The network (VPC, VNet) to connect; required for VPN and peering. */
  readonly networkId?: string | undefined;
  /** The site's gateway node in the overlay; required for the overlay. */
  readonly overlayNode?: OverlayNodeInput | undefined;
}

/** Overlay settings of a {@link CrossCloudNetwork}. */
export interface OverlaySettings extends Omit<OverlayPlanInput, 'nodes' | 'name'> {
  /** Overlay name (default `novacron`). */
  readonly name?: string | undefined;
}

/** Options of {@link CrossCloudNetwork}. */
export interface CrossCloudNetworkOptions {
  /** Where private keys and pre-shared keys are kept. */
  readonly vault: SecretVault;
  /** Where setups are recorded (default: in memory, for this process only). */
  readonly store?: StateStore | undefined;
  /** Providers whose recorded resources a resumed run or a teardown may touch (endpoints add theirs). */
  readonly providers?: readonly ProviderV1[] | undefined;
  /** Forces one mode for every pair (the configuration's `networking.mode`); default: chosen per pair. */
  readonly mode?: ConnectivityMode | undefined;
  /** Overlay settings (the configuration's `networking.overlay`). */
  readonly overlay?: OverlaySettings | undefined;
  /** Deadlines and budgets of setups. */
  readonly timeouts?: ConnectivityTimeouts | undefined;
  /** Range of the VPN tunnels' inside /30s (default `169.254.21.0/24`). */
  readonly insideCidrPool?: string | undefined;
  /** Clock in epoch ms (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
  /** This replica, as lease holder (default random). */
  readonly replicaId?: string | undefined;
  /**
   * Lifetime of the lease a setup holds while it runs, in ms (default 30,000; renewed every third
   * of it). After a crash another replica resumes the setup once the lease lapses, so a shorter
   * lease resumes sooner and a longer one rides out longer pauses of a live replica.
   */
  readonly leaseTtlMs?: number | undefined;
}

/**
 * What {@link CrossCloudNetwork.deployNode} needs of a federation to create a gateway VM: a
 * `FederationManager` is one (its `createVM` places, fails over and is idempotent by key).
 */
export interface OverlayNodeDeployer {
  /** Creates one VM, as `FederationManager.createVM` does. */
  createVM(
    input: VMSpecInput,
    options: {
      readonly idempotencyKey: string;
      readonly request: { readonly constraints: readonly { readonly type: 'provider'; readonly operator: 'in'; readonly values: readonly string[] }[] };
      readonly signal?: AbortSignal | undefined;
    },
  ): Promise<{
    /** The VM created (or found again by key). */
    readonly vm: VM;
  }>;
}

/** Options of {@link CrossCloudNetwork.deployNode}. */
export interface DeployNodeOptions extends CallOptions {
  /**
   * The gateway VM (its `userData` is the node's cloud-init and `network.publicIp` is turned on;
   * both are set here). Default: 2 vCPUs, 2 GiB, `ubuntu-22.04`.
   */
  readonly spec?: Omit<VMSpecInput, 'userData'> | undefined;
  /** Makes the deployment safe to repeat (default: derived from the overlay, the node and its key version). */
  readonly idempotencyKey?: string | undefined;
  /** Install `wireguard-go` where the kernel has no WireGuard module (default `true`). */
  readonly userspaceFallback?: boolean | undefined;
}

/** A node deployed on a gateway VM. */
export interface DeployedOverlayNode {
  /** The gateway VM. */
  readonly vm: VM;
  /** The node, with its endpoint set to the VM's public IP when it got one. */
  readonly node: OverlayNode;
  /** The stored plan after the deployment: render the peers' configs again, they now list the endpoint. */
  readonly plan: OverlayPlan;
}

/** The decision for one pair, and why. */
export interface ConnectivityChoice {
  /** The mode. */
  readonly mode: ConnectivityMode;
  /** Why, in words. */
  readonly reason: string;
}

/** Options of {@link CrossCloudNetwork.establishConnectivity}. */
export interface EstablishOptions extends CallOptions {
  /** Forces a mode for this pair. */
  readonly mode?: ConnectivityMode | undefined;
  /** Makes the setup safe to repeat and to resume (default: derived from the two sites and the mode). */
  readonly idempotencyKey?: string | undefined;
}

/** What a setup (or one run of it) came to. */
export interface ConnectivityResult {
  /** The durable operation's id: resume or tear down by it. */
  readonly operationId: string;
  /** The mode used. */
  readonly mode: ConnectivityMode;
  /** Why that mode. */
  readonly reason: string;
  /** `connected`; `provisioning` while a long wait goes on (call `resume`); `torn-down` after a teardown. */
  readonly status: 'connected' | 'provisioning' | 'torn-down';
  /** Every resource the setup created so far. */
  readonly resources: readonly RecordedResource[];
  /** What a `provisioning` setup waits for, and its recorded deadline. */
  readonly waitingFor?: PendingWait | undefined;
  /** For the overlay: the plan after the setup. */
  readonly overlay?: OverlayPlan | undefined;
}

/** Options of the render calls. */
export interface RenderNodeOptions extends CallOptions {
  /** `wg-quick` (default), `setconf` or `cloud-init`. */
  readonly format?: 'wg-quick' | 'setconf' | 'cloud-init' | undefined;
}

/** Where overlay plans are stored (secret-free). */
const OVERLAY_PREFIX = 'network-overlays/';
/** Longest wait for another replica working on the same setup, in ms. */
const OTHER_REPLICA_WAIT_MS = 60_000;

/** Connects a federation's networks: VPN, peering or the WireGuard overlay, each setup durable. */
export class CrossCloudNetwork {
  private readonly store: StateStore;
  private readonly vault: SecretVault;
  private readonly now: () => number;
  private readonly replicaId: string;
  private readonly networks = new Map<string, NetworkProviderV1>();
  private readonly overlaySettings: OverlaySettings;

  /** Creates the network layer over a vault and (optionally) a state store. */
  constructor(private readonly options: CrossCloudNetworkOptions) {
    if (options?.vault === undefined) throw new InvalidSpecError({ issues: [{ field: 'vault', message: 'is required: private keys and pre-shared keys are kept through it' }] });
    this.store = options.store ?? createMemoryStore();
    this.vault = options.vault;
    this.now = options.clock ?? Date.now;
    this.replicaId = options.replicaId ?? `network-${randomUUID().slice(0, 8)}`;
    this.overlaySettings = options.overlay ?? {};
    for (const p of options.providers ?? []) this.register(p);
  }

  /** The overlay's name. */
  get overlayName(): string {
    return this.overlaySettings.name ?? 'novacron';
  }

  /**
   * How `a` and `b` would be joined, and why: a forced mode (`mode` here, then the options'),
   * else peering within one cloud, a VPN between two clouds that both offer one, else the overlay.
   */
  chooseMode(a: ConnectivityEndpoint, b: ConnectivityEndpoint, mode?: ConnectivityMode): ConnectivityChoice {
    const forced = mode ?? this.options.mode;
    if (forced !== undefined) return { mode: forced, reason: `mode ${forced} was asked for` };
    const na = networkOf(a.provider);
    const nb = networkOf(b.provider);
    const sameCloud = a.provider.kind === b.provider.kind;
    if (sameCloud && na?.capabilities.peering && nb?.capabilities.peering && a.networkId && b.networkId) {
      return { mode: 'peering', reason: `both networks are in ${a.provider.kind}, which peers networks` };
    }
    if (!sameCloud && na?.capabilities.vpn && nb?.capabilities.vpn && a.networkId && b.networkId && !(na.capabilities.gatewayIpsFrom === 'connection' && nb.capabilities.gatewayIpsFrom === 'connection')) {
      return { mode: 'vpn', reason: `${a.provider.name} (${a.provider.kind}) and ${b.provider.name} (${b.provider.kind}) both offer a managed site-to-site VPN` };
    }
    const missing = [a, b].filter((e) => !networkOf(e.provider)?.capabilities.vpn).map((e) => e.provider.name);
    return { mode: 'overlay', reason: missing.length > 0 ? `no managed VPN on ${missing.join(', ')}: the WireGuard overlay joins them` : 'no network ids to peer or join by VPN: the WireGuard overlay joins them' };
  }

  /** Plans the overlay for these nodes (new keys in the vault) and stores the plan. */
  async planOverlay(nodes: readonly OverlayNodeInput[], options: CallOptions = {}): Promise<OverlayPlan> {
    const plan = await planOverlay({ ...this.overlaySettings, name: this.overlayName, nodes }, { vault: this.vault, signal: options.signal });
    await this.store.put(OVERLAY_PREFIX + plan.name, plan as unknown as JsonValue, { signal: options.signal });
    return plan;
  }

  /** The stored overlay plan, if any. */
  async overlayPlan(options: CallOptions = {}): Promise<OverlayPlan | undefined> {
    return (await this.store.get<OverlayPlan>(OVERLAY_PREFIX + this.overlayName, options))?.value;
  }

  /** A node's config (`wg-quick`, `setconf`) or cloud-init user data, with its private key read from the vault. */
  async renderNode(plan: OverlayPlan, nodeName: string, options: RenderNodeOptions = {}): Promise<string> {
    const format = options.format ?? 'wg-quick';
    if (format === 'cloud-init') return renderOverlayCloudInit(plan, nodeName, { vault: this.vault, signal: options.signal });
    return renderWireGuardConfig(plan, nodeName, { vault: this.vault, form: format, signal: options.signal });
  }

  /**
   * Runs an overlay node on a new gateway VM of `provider`, created through the federation (so
   * placement, failover and idempotency are the federation's): the node listens on its port, its
   * cloud-init (the wg-quick config with its private key, read from the vault) is the VM's user
   * data, and the VM's public IP becomes the node's endpoint in the stored plan. Repeating the call
   * finds the same VM. The node must be in the stored plan already (`planOverlay`, or an overlay
   * setup); a node planned for another provider is a `ConflictError`.
   */
  async deployNode(federation: OverlayNodeDeployer, provider: string, nodeName: string, options: DeployNodeOptions = {}): Promise<DeployedOverlayNode> {
    const { signal } = options;
    let plan = await this.updatePlan((current) => {
      const node = overlayNode(current, nodeName);
      if (node.provider !== undefined && node.provider !== provider) {
        throw new ConflictError({ message: `overlay node "${nodeName}" is planned for provider ${node.provider}, not ${provider}` });
      }
      // A gateway VM has a public IP: it listens, so that peers can reach it.
      return setOverlayNodeListenPort(current, nodeName);
    }, signal);
    const node = overlayNode(plan, nodeName);
    const userData = await renderOverlayCloudInit(plan, nodeName, { vault: this.vault, signal, userspaceFallback: options.userspaceFallback });
    const spec: VMSpecInput = { cpu: 2, memory: '2Gi', image: 'ubuntu-22.04', ...options.spec, name: options.spec?.name ?? `${this.overlayName}-${nodeName}`, userData, network: { ...options.spec?.network, publicIp: true } };
    const idempotencyKey = options.idempotencyKey ?? `overlay-node/${this.overlayName}/${nodeName}/v${node.key.version}`;
    const { vm } = await federation.createVM(spec, { idempotencyKey, request: { constraints: [{ type: 'provider', operator: 'in', values: [provider] }] }, signal });
    const ip = vm.publicIps[0];
    if (ip !== undefined) plan = await this.updatePlan((current) => setOverlayNodeEndpoint(current, nodeName, ip), signal);
    return { vm, node: overlayNode(plan, nodeName), plan };
  }

  /**
   * Joins two sites, as a durable operation: repeating the call (same key), from this process
   * or another sharing the store, resumes it and creates nothing twice. A long wait (an Azure
   * gateway) ends the call with status `provisioning`; call {@link CrossCloudNetwork.resume}
   * (or this again) later.
   */
  async establishConnectivity(a: ConnectivityEndpoint, b: ConnectivityEndpoint, options: EstablishOptions = {}): Promise<ConnectivityResult> {
    this.register(a.provider);
    this.register(b.provider);
    // A companion that learns its capabilities from the cloud (OpenStack: is Neutron VPNaaS
    // enabled?) is asked before the mode is chosen by them.
    for (const e of [a, b]) await (networkOf(e.provider) as { discover?: (o: CallOptions) => Promise<unknown> } | undefined)?.discover?.({ signal: options.signal });
    const choice = this.chooseMode(a, b, options.mode);
    const request = {
      mode: choice.mode,
      a: { provider: a.provider.name, networkId: a.networkId ?? null, node: a.overlayNode?.name ?? null },
      b: { provider: b.provider.name, networkId: b.networkId ?? null, node: b.overlayNode?.name ?? null },
    };
    const key = options.idempotencyKey ?? canonicalJson(request);
    const id = `network-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
    const input = { ...request, reason: choice.reason, overlayNodes: choice.mode === 'overlay' ? ([a.overlayNode, b.overlayNode] as unknown as JsonValue) : null } as unknown as JsonValue;
    return this.runOperation(id, createHash('sha256').update(canonicalJson(request)).digest('hex'), input, options.signal, 'setup');
  }

  /** Runs a setup left `provisioning` (or interrupted by a crash) on from its record. */
  async resume(operationId: string, options: CallOptions = {}): Promise<ConnectivityResult> {
    const record = await this.record(operationId, options);
    return this.runOperation(operationId, record.fingerprint, record.input ?? null, options.signal, 'setup');
  }

  /** Deletes everything a setup created (last created first) and its pre-shared keys; safe to repeat and to resume. */
  async teardown(operationId: string, options: CallOptions = {}): Promise<ConnectivityResult> {
    const record = await this.record(operationId, options);
    return this.runOperation(operationId, record.fingerprint, record.input ?? null, options.signal, 'teardown');
  }

  /** Changes the stored overlay plan by compare-and-swap, retrying when another writer got there first. */
  private async updatePlan(change: (plan: OverlayPlan) => OverlayPlan, signal: AbortSignal | undefined): Promise<OverlayPlan> {
    const key = OVERLAY_PREFIX + this.overlayName;
    for (let attempt = 0; ; attempt++) {
      const stored = await this.store.get<OverlayPlan>(key, { signal });
      if (stored === undefined) throw new NotFoundError({ message: `no overlay plan "${this.overlayName}": plan the overlay first`, resourceType: 'overlay', resourceId: this.overlayName });
      const next = change(stored.value);
      if (next === stored.value) return next;
      try {
        await this.store.put(key, next as unknown as JsonValue, { expectedVersion: stored.version, signal });
        return next;
      } catch (error) {
        if (!ConflictError.isInstance(error) || attempt >= 8) throw error;
      }
    }
  }

  private register(provider: ProviderV1): void {
    const net = networkOf(provider);
    if (net !== undefined) this.networks.set(provider.name, net);
  }

  private async record(operationId: string, options: CallOptions): Promise<OperationRecord> {
    const record = await readOperation(this.store, operationId, options);
    if (record === undefined || record.kind !== 'connectNetworks') throw new NotFoundError({ message: `no network setup ${operationId}`, resourceType: 'operation', resourceId: operationId });
    return record;
  }

  private async runOperation(id: string, fingerprint: string, input: JsonValue, signal: AbortSignal | undefined, what: 'setup' | 'teardown'): Promise<ConnectivityResult> {
    const opened = await DurableOperation.open({
      store: this.store,
      id,
      kind: 'connectNetworks',
      fingerprint,
      input,
      holder: this.replicaId,
      leaseTtlMs: this.options.leaseTtlMs,
      waitMs: OTHER_REPLICA_WAIT_MS,
      now: this.now,
      signal,
      conflictMessage: `network setup ${id} was started for other sites or another mode`,
    });
    const req = input as unknown as { mode: ConnectivityMode; reason: string; a: { provider: string; networkId: string | null }; b: { provider: string; networkId: string | null }; overlayNodes: (OverlayNodeInput | null)[] | null };
    if ('settled' in opened) return this.resultOf(opened.settled, req);
    const op = opened.operation;
    try {
      const result = (op.record.result ?? null) as { status?: string } | null;
      if (what === 'setup' && op.record.status === 'succeeded') {
        if (result?.status === 'torn-down') throw new ConflictError({ message: `network setup ${id} was torn down; connect again with a new idempotencyKey`, operationId: id });
        return this.resultOf(op.record, req);
      }
      if (what === 'teardown' && result?.status === 'torn-down') return this.resultOf(op.record, req);
      const run = new ConnectivityRun(op, { vault: this.vault, now: this.now, timeouts: this.options.timeouts ?? {}, insideCidrPool: this.options.insideCidrPool, networks: this.networks, signal });
      let outcome;
      try {
        if (what === 'teardown') {
          outcome = await run.teardown();
          if (outcome.status === 'done' && req.mode === 'overlay') await this.leaveOverlay(op, signal);
        } else if (req.mode === 'overlay') {
          outcome = { status: 'done' as const, result: await this.joinOverlay(op, req.overlayNodes ?? [], signal) };
        } else {
          const a = this.side('a', req.a);
          const b = this.side('b', req.b);
          outcome = req.mode === 'vpn' ? await run.vpn(a, b) : await run.peering(a, b);
        }
      } catch (error) {
        await op.fail(error).catch(() => undefined);
        throw error;
      }
      if (outcome.status === 'provisioning') return { ...(await this.resultOf(op.record, req)), status: 'provisioning', waitingFor: outcome.waitingFor };
      await op.succeed({ ...(outcome.result as Record<string, JsonValue>), status: what === 'teardown' ? 'torn-down' : 'connected' });
      return this.resultOf(op.record, req);
    } finally {
      await op.close();
    }
  }

  private side(label: 'a' | 'b', site: { provider: string; networkId: string | null }): ConnectivitySide {
    const net = this.networks.get(site.provider);
    if (net === undefined) throw new UnsupportedError({ provider: site.provider, message: 'the provider has no network companion (provider.networking)', capability: 'vpn' });
    if (site.networkId === null) throw new InvalidSpecError({ issues: [{ field: `${label}.networkId`, message: 'is required for VPN and peering' }] });
    return { label, net, networkId: site.networkId };
  }

  private async resultOf(record: OperationRecord, req: { mode: ConnectivityMode; reason: string }): Promise<ConnectivityResult> {
    const result = (record.result ?? null) as { status?: string } | null;
    const status = result?.status === 'torn-down' ? 'torn-down' : record.status === 'succeeded' ? 'connected' : 'provisioning';
    const overlay = req.mode === 'overlay' ? await this.overlayPlan() : undefined;
    return { operationId: record.id, mode: req.mode, reason: req.reason, status, resources: ConnectivityRun.resourcesOf(record.steps), ...(overlay ? { overlay } : {}) };
  }

  /** Adds the two sites' nodes to the stored overlay plan (compare-and-swap on its version), recording which ones this setup added. */
  private async joinOverlay(op: DurableOperation, nodes: readonly (OverlayNodeInput | null)[], signal: AbortSignal | undefined): Promise<JsonValue> {
    const key = OVERLAY_PREFIX + this.overlayName;
    const added: string[] = [];
    for (const [i, node] of nodes.entries()) {
      const label = i === 0 ? 'a' : 'b';
      if (node === null || node === undefined) throw new InvalidSpecError({ issues: [{ field: `${label}.overlayNode`, message: 'is required for the overlay: name the site’s gateway node' }] });
      const stepName = `overlay-node:${label}`;
      const done = op.record.steps.find((s) => s.name === stepName && s.status === 'succeeded');
      if (done) continue;
      const index = await op.startStep({ name: stepName, input: { overlay: this.overlayName, node: node.name } });
      const stored = await this.store.get<OverlayPlan>(key, { signal });
      let plan = stored?.value;
      const exists = plan?.nodes.some((n) => n.name === node.name) ?? false;
      if (!exists) plan = plan === undefined ? await planOverlay({ ...this.overlaySettings, name: this.overlayName, nodes: [node] }, { vault: this.vault, signal }) : await addOverlayNode(plan, node, { vault: this.vault, signal });
      if (!exists) await this.store.put(key, plan as unknown as JsonValue, { expectedVersion: stored?.version ?? null, signal });
      if (!exists) added.push(node.name);
      await op.settleStep(index, 'succeeded', { output: { overlay: this.overlayName, node: node.name, added: !exists } });
    }
    return { mode: 'overlay', overlay: this.overlayName, added };
  }

  /** Removes from the overlay the nodes this setup added (their keys leave the vault). */
  private async leaveOverlay(op: DurableOperation, signal: AbortSignal | undefined): Promise<void> {
    const key = OVERLAY_PREFIX + this.overlayName;
    for (const s of op.record.steps) {
      const out = s.output as { node?: string; added?: boolean } | undefined;
      if (!s.name.startsWith('overlay-node:') || s.status !== 'succeeded' || out?.added !== true || out.node === undefined) continue;
      const stepName = `leave-overlay:${out.node}`;
      if (op.record.steps.some((t) => t.name === stepName && t.status === 'succeeded')) continue;
      const index = await op.startStep({ name: stepName });
      const stored = await this.store.get<OverlayPlan>(key, { signal });
      if (stored && stored.value.nodes.some((n) => n.name === out.node)) {
        const plan = await removeOverlayNode(stored.value, out.node, { vault: this.vault, signal });
        await this.store.put(key, plan as unknown as JsonValue, { expectedVersion: stored.version, signal });
      }
      await op.settleStep(index, 'succeeded');
    }
  }
}
