/**
 * The OpenStack adapter: `ProviderV1` over Keystone v3, Nova (compute API 2.79), Glance v2 and
 * Neutron v2.0, spoken with the platform's `fetch` (no OpenStack SDK exists for Node), priced by
 * the operator's rate card.
 *
 * Idempotency is the key in the server's name and metadata (`naming.ts`): a retried create, in
 * any process, finds its own server (and its own port and floating IP) instead of making more,
 * and `findByIdempotencyKey` answers the core's question the same way. A server Nova accepted is
 * in the state store before anything waits.
 *
 * Export and import go through Glance (`image-transfer.ts`): a server snapshot becomes a
 * `qcow2`/`raw` artifact whose location is its Glance URL; an artifact from elsewhere is streamed
 * into a new image and checked against its checksum before a server boots from it.
 */
import { sleep, throwIfAborted } from '../../provider/abort.js';
import { COST_ESTIMATE_DISPLAY } from '../../provider/display.js';
import { ConflictError, InvalidSpecError, NotFoundError, ProviderUnavailableError, TimeoutError } from '../../provider/errors.js';
import { EventBus } from '../../provider/events.js';
import type { CallOptions, CreateVMOptions, ImportVMOptions, ListVMsFilter, PowerOptions, ProviderV1, StopVMOptions } from '../../provider/provider-v1.js';
import { parseVMSpec } from '../../provider/spec-schema.js';
import { HOURS_PER_MONTH, type CostEstimate, type ImageArtifact, type Offer, type ProviderCapabilities, type Region, type RegionGeo, type VM, type VMSpec, type VMSpecInput, type VMState } from '../../provider/types.js';
import type { RateCard } from '../../optimizer/loaders/openstack-rate-card.js';
import type { OpenStackStateStoreLike } from './create-record.js';
import { GlanceImages } from './glance-images.js';
import { OPENSTACK_IMAGE_FORMATS, ImageTransfer, type ArtifactReader } from './image-transfer.js';
import type { KeystoneSession } from './keystone-session.js';
import { LaunchPlanner } from './launch-plan.js';
import { hasMetadata, NOVACRON_METADATA } from './metadata.js';
import { isUuid, serverNameFor } from './naming.js';
import { NeutronResources } from './neutron-resources.js';
import { OpenStackCatalog, type FlavorCatalog } from './offer-catalog.js';
import type { OpenStackApi } from './openstack-api.js';
import { OpenStackConnection, type OpenStackConnectionOptions } from './openstack-connection.js';
import { ServerReader } from './server-reader.js';
import { ServerRemoval } from './server-removal.js';
import { isNoValidHost } from './error-mapping.js';
import { novaServerToVM, terminatedCopy } from './state-mapping.js';
import { VmCreator } from './vm-creator.js';
import { OpenStackNetwork } from './network-companion.js';
import type { NovaServer } from './wire-types.js';

/** Options of {@link createOpenStackProvider}: the connection's (Keystone, region, transport) and the adapter's own. */
export interface OpenStackProviderOptions extends Omit<OpenStackConnectionOptions, 'name'> {
  /** Name of this provider instance (default `openstack-<region>`). */
  readonly name?: string | undefined;
  /** Network (name or id) for specs that name none (default: the project's only tenant network). */
  readonly network?: string | undefined;
  /** External network (name or id) floating IPs come from (default: the only external network). */
  readonly floatingNetwork?: string | undefined;
  /** Security groups (names or ids) for specs that name none (Neutron's `default` when absent). */
  readonly securityGroups?: readonly string[] | undefined;
  /** Nova key pair for new servers. */
  readonly keyName?: string | undefined;
  /** Availability zone for specs that name none (Nova's default when absent). */
  readonly availabilityZone?: string | undefined;
  /** Where the region is, for residency and latency decisions. */
  readonly geo?: RegionGeo | undefined;
  /**
   * The operator's prices. Without one, flavors are chosen by size, `offers()` yields nothing and
   * `estimateCost` refuses: a figure that drives a decision needs a source.
   */
  readonly rateCard?: RateCard | undefined;
  /** Federation id, written as metadata and used to scope `listVMs`. */
  readonly federationId?: string | undefined;
  /** Records `openstack/<name>/creates/<server>` (server id, spec hash, port) before any wait. */
  readonly stateStore?: OpenStackStateStoreLike | undefined;
  /** Where `vm.created` / `vm.deleted` / `operation.retried` / `operation.failed` events go. */
  readonly events?: EventBus | undefined;
  /** Reads the bytes of artifacts at locations this adapter does not read itself (`s3://`, `gs://`, `memory://`, …). */
  readonly artifactReader?: ArtifactReader | undefined;
  /** Pause between state reads while waiting, ms (default 2,000). */
  readonly pollIntervalMs?: number | undefined;
  /** Longest wait for a state when the caller gives none, ms (default 15 minutes). */
  readonly waitTimeoutMs?: number | undefined;
  /** Longest wait for a snapshot or an upload to become an active image, ms (default one hour). */
  readonly imageTimeoutMs?: number | undefined;
  /** Flavor, network and security-group look-ups are kept this long, ms (default one hour). */
  readonly catalogTtlMs?: number | undefined;
  /** Servers and flavors per page (default 100). */
  readonly pageSize?: number | undefined;
  /**
   * Site-to-site VPN through Neutron VPNaaS, an optional extension: `'auto'` (default) reads
   * `GET /v2.0/extensions` at the first network call (`capabilities.vpn` is assumed until then;
   * `provider.networking.discover()` reads it at once), `true` assumes it, `false` turns VPN off.
   */
  readonly vpn?: 'auto' | boolean | undefined;
}

/** What `JSON.stringify(provider)` shows of an OpenStack adapter. */
export interface OpenStackProviderSummary {
  /** Provider name. */
  readonly name: string;
  /** Always `openstack`. */
  readonly kind: string;
  /** Keystone URL. */
  readonly authUrl: string;
  /** Region. */
  readonly region: string;
}

/** How long a deleted VM is still listed as `terminated`. */
const TOMBSTONE_MS = 3_600_000;

/** The OpenStack provider. Build it with {@link createOpenStackProvider}. */
export class OpenStackProvider implements ProviderV1 {
  /** Version of the Provider specification implemented. */
  readonly specificationVersion = 'v1' as const;
  /** Name of this provider instance. */
  readonly name: string;
  /** Kind of cloud: `openstack`. */
  readonly kind = 'openstack' as const;
  /** GPUs (flavors that pass them through), stop/start, qcow2/raw export, and import of what Glance stores; no spot, no reserved prices. */
  readonly capabilities: ProviderCapabilities;
  /** Where this provider publishes its events (the `events` option, or a bus of its own). */
  readonly events: EventBus;

  /** The network companion on Neutron (networks, subnets, routes; VPN through VPNaaS where the cloud has it; no peering). */
  readonly networking: OpenStackNetwork;

  /** The authenticated connection this provider calls through; share it with `createGlanceArtifactStore({ connection })` so both use one token. */
  readonly connection: OpenStackConnection;
  private readonly api: OpenStackApi;
  private readonly session: KeystoneSession;
  private readonly catalog: OpenStackCatalog;
  private readonly reader: ServerReader;
  private readonly neutron: NeutronResources;
  private readonly removal: ServerRemoval;
  private readonly creator: VmCreator;
  private readonly transfer: ImageTransfer;
  private readonly planner: LaunchPlanner;
  private readonly pollIntervalMs: number;
  private readonly waitTimeoutMs: number;
  private readonly tombstones = new Map<string, { vm: VM; at: number; name?: string | undefined }>();

  /** Use {@link createOpenStackProvider}. */
  constructor(private readonly options: OpenStackProviderOptions) {
    const missing = (['authUrl', 'region'] as const).filter((k) => typeof options[k] !== 'string' || options[k] === '');
    if (missing.length > 0) throw new InvalidSpecError({ issues: missing.map((field) => ({ field, message: 'an OpenStack provider needs it (a non-empty string)' })) });
    this.name = options.name ?? `openstack-${options.region}`;
    const networking = (): OpenStackNetwork => this.networking;
    this.capabilities = {
      spot: false,
      gpu: true,
      reservedPricing: false,
      stopStart: true,
      deallocate: false,
      exportFormats: ['qcow2', 'raw'],
      importFormats: OPENSTACK_IMAGE_FORMATS,
      // Neutron VPNaaS is optional: the companion knows (see its `capabilities`).
      get vpn(): boolean {
        return networking().capabilities.vpn;
      },
      peering: false,
    };
    this.events = options.events ?? new EventBus();
    this.pollIntervalMs = options.pollIntervalMs ?? 2_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 15 * 60_000;
    this.connection = new OpenStackConnection({
      name: this.name,
      authUrl: options.authUrl,
      region: options.region,
      auth: options.auth,
      projectId: options.projectId,
      interface: options.interface,
      ca: options.ca,
      fetch: options.fetch,
      requestTimeoutMs: options.requestTimeoutMs,
      maxAttempts: options.maxAttempts,
      retryDelayMs: options.retryDelayMs,
      tokenRenewMarginMs: options.tokenRenewMarginMs,
      events: this.events,
    });
    this.session = this.connection.session;
    this.api = this.connection.api;
    const ttlMs = options.catalogTtlMs ?? 3_600_000;
    const pageSize = options.pageSize ?? 100;
    this.catalog = new OpenStackCatalog(this.api, { region: options.region, rateCard: options.rateCard, ttlMs, pageSize, availabilityZone: options.availabilityZone });
    this.reader = new ServerReader(this.api, pageSize);
    this.neutron = new NeutronResources(this.api, {
      providerName: this.name,
      network: options.network,
      floatingNetwork: options.floatingNetwork,
      securityGroups: options.securityGroups,
      ttlMs,
      events: this.events,
      projectId: (signal) => this.session.projectId(signal),
    });
    this.networking = new OpenStackNetwork({
      provider: this.name,
      region: options.region,
      api: this.api,
      events: this.events,
      projectId: (signal) => this.session.projectId(signal),
      configuredProject: options.projectId ?? (options.auth?.type === 'password' ? (options.auth.projectId ?? options.auth.projectName) : undefined),
      externalNetwork: options.floatingNetwork,
      vpn: options.vpn,
      pageSize,
      ttlMs,
    });
    const images = new GlanceImages(this.api, this.name, this.pollIntervalMs);
    this.planner = new LaunchPlanner({ providerName: this.name, region: options.region, availabilityZone: options.availabilityZone }, this.catalog, images, this.neutron);
    this.removal = new ServerRemoval(this.api, this.reader, this.neutron, { pollIntervalMs: this.pollIntervalMs, waitTimeoutMs: this.waitTimeoutMs, providerName: this.name });
    this.transfer = new ImageTransfer(this.api, images, { providerName: this.name, artifactReader: options.artifactReader, timeoutMs: options.imageTimeoutMs ?? 3_600_000 });
    this.creator = new VmCreator({
      providerName: this.name,
      options: { federationId: options.federationId, stateStore: options.stateStore, keyName: options.keyName, waitTimeoutMs: this.waitTimeoutMs, pollIntervalMs: this.pollIntervalMs },
      events: this.events,
      api: this.api,
      reader: this.reader,
      planner: this.planner,
      neutron: this.neutron,
      removal: this.removal,
      toVM: (server, catalog) => this.toVM(server, catalog),
    });
  }

  /** HTTP attempts this provider has made (token requests included), for benchmarks and diagnostics. */
  get apiCalls(): number {
    return this.api.calls;
  }

  /** The configured region: what `regions()` yields, known without a call. */
  get regionNames(): readonly string[] {
    return [this.options.region];
  }

  /** What a person (or a log line) sees of this adapter: its name, Keystone URL and region, never its credentials. */
  toString(): string {
    return `OpenStackProvider ${this.name} (${this.options.authUrl}; ${this.options.region})`;
  }

  /** A credential-free summary for `JSON.stringify`. */
  toJSON(): OpenStackProviderSummary {
    return { name: this.name, kind: this.kind, authUrl: this.options.authUrl, region: this.options.region };
  }

  /** `util.inspect` shows {@link toString}: options (the password, the credential secret, the token) stay out. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /** Creates the server (named from the idempotency key, with its port and, when asked, a floating IP) and, unless `wait: false`, waits for ACTIVE. */
  async createVM(input: VMSpecInput | VMSpec, options: CreateVMOptions = {}): Promise<VM> {
    const spec = this.parse(input);
    throwIfAborted(options.signal);
    return this.creator.keyed(options.idempotencyKey, (key, name) => this.creator.create(spec, key, name, options));
  }

  /**
   * The VM a create (or import) with this key made: the recorded server, else the server of the
   * key's name carrying the key's digest (Nova's database answers at once: one look suffices); a
   * VM this provider deleted comes back `terminated` for an hour, and so does a server whose
   * build failed for want of a host (which is then removed). `undefined` when there is none.
   */
  async findByIdempotencyKey(idempotencyKey: string, options: CallOptions = {}): Promise<VM | undefined> {
    const { signal } = options;
    throwIfAborted(signal);
    const name = serverNameFor(idempotencyKey);
    const record = await this.creator.readRecord(name);
    const server = (record ? await this.reader.get(record.vmId, 'findByIdempotencyKey', signal) : undefined) ?? (await this.creator.findOwn(name, idempotencyKey, 'findByIdempotencyKey', signal));
    if (server) {
      const vm = this.toVM(server, await this.catalog.peek());
      if (server.status === 'ERROR' && isNoValidHost(server.fault?.message)) {
        await this.removal.remove(server.id, name, { operation: 'findByIdempotencyKey', signal });
        const gone = terminatedCopy(vm);
        this.remember(gone);
        return gone;
      }
      return vm;
    }
    const tomb = [...this.liveTombstones()].find(([, t]) => t.vm.id === record?.vmId || t.name === name);
    if (tomb) return tomb[1].vm;
    return undefined;
  }

  /** Reads one VM; `NotFoundError` when Nova has no such server. */
  async getVM(id: string, options: CallOptions = {}): Promise<VM> {
    throwIfAborted(options.signal);
    const server = isUuid(id) ? await this.reader.get(id, 'getVM', options.signal) : undefined;
    if (!server) {
      const tomb = this.tombstone(id);
      if (tomb) return tomb;
      throw this.notFound(id);
    }
    return this.toVM(server, await this.catalog.peek());
  }

  /** Streams the project's servers (paged with `limit`/`marker`); labels, states and the federation are filtered here. Deleted VMs come back `terminated` for an hour when asked for. */
  async *listVMs(filter: ListVMsFilter = {}, options: CallOptions = {}): AsyncIterable<VM> {
    throwIfAborted(options.signal);
    if (filter.region !== undefined) this.planner.checkRegion(filter.region);
    const wanted: Record<string, string> = { ...(filter.labels ?? {}) };
    if (this.options.federationId !== undefined) wanted[NOVACRON_METADATA.federation] = this.options.federationId;
    const states = filter.states && filter.states.length > 0 ? new Set<VMState>(filter.states) : undefined;
    const includeTerminated = filter.includeTerminated === true || (states?.has('terminated') ?? false);
    const catalog = await this.catalog.peek();
    const seen = new Set<string>();
    for await (const server of this.reader.list({}, 'listVMs', options.signal)) {
      if (!hasMetadata(server.metadata, wanted)) continue;
      const vm = this.toVM(server, catalog);
      seen.add(vm.id);
      if (vm.state === 'terminated' && !includeTerminated) continue;
      if (states && !states.has(vm.state)) continue;
      yield vm;
    }
    if (!includeTerminated) return;
    for (const [id, { vm }] of this.liveTombstones()) {
      if (seen.has(id) || !Object.entries(filter.labels ?? {}).every(([k, v]) => vm.labels[k] === v)) continue;
      if (states && !states.has('terminated')) continue;
      yield vm;
    }
  }

  /** Deletes the server, its floating IPs and the port its create made, and, unless `wait: false`, waits until Nova no longer shows it. An unknown VM succeeds. */
  async deleteVM(id: string, options: PowerOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    if (!isUuid(id)) return;
    const server = await this.reader.get(id, 'deleteVM', options.signal);
    if (!server) return;
    const vm = this.toVM(server, await this.catalog.peek());
    await this.removal.remove(id, server.name ?? '', { wait: options.wait, signal: options.signal });
    this.remember(terminatedCopy(vm), server.name);
    this.events.publish('vm.deleted', { provider: this.name, vmId: id });
  }

  /** Starts a stopped server (`os-start`) and, unless `wait: false`, waits for ACTIVE. */
  startVM(id: string, options: PowerOptions = {}): Promise<VM> {
    return this.power('startVM', id, { 'os-start': null }, 'running', options);
  }

  /** Stops a server (`os-stop`: SHUTOFF; the host keeps its resources) and, unless `wait: false`, waits for it. */
  stopVM(id: string, options: StopVMOptions = {}): Promise<VM> {
    return this.power('stopVM', id, { 'os-stop': null }, 'stopped', options);
  }

  /** Reboots a server (`reboot` SOFT: the guest is asked to restart) and, unless `wait: false`, waits for ACTIVE. */
  rebootVM(id: string, options: PowerOptions = {}): Promise<VM> {
    return this.power('rebootVM', id, { reboot: { type: 'SOFT' } }, 'running', options, true);
  }

  private async power(operation: string, id: string, action: Record<string, unknown>, resting: VMState, options: PowerOptions, always = false): Promise<VM> {
    const { signal } = options;
    throwIfAborted(signal);
    const current = isUuid(id) ? await this.reader.get(id, operation, signal) : undefined;
    if (!current) throw this.notFound(id);
    const catalog = await this.catalog.peek();
    if (!always && this.toVM(current, catalog).state === resting) return this.toVM(current, catalog);
    try {
      await this.api.json({ service: 'compute', method: 'POST', path: `/servers/${id}/action`, json: action, ctx: { operation, resourceType: 'vm', resourceId: id, mutating: true } }, signal);
    } catch (error) {
      // Another actor got there first ("Cannot 'stop' instance … while it is in vm_state stopped").
      if (!ConflictError.isInstance(error)) throw error;
      const now = await this.reader.get(id, operation, signal);
      if (!now || this.toVM(now, catalog).state !== resting) throw error;
    }
    if (options.wait === false) return this.getVM(id, { signal });
    const deadline = Date.now() + this.waitTimeoutMs;
    for (;;) {
      const vm = await this.getVM(id, { signal });
      if (vm.state === resting) return vm;
      if (vm.state === 'error' || vm.state === 'terminated') throw new ProviderUnavailableError({ provider: this.name, retryable: false, resourceId: id, message: `${operation}: server ${id} is ${vm.rawState}${vm.stateReason ? ` (${vm.stateReason})` : ''}` });
      if (Date.now() > deadline) throw new TimeoutError({ provider: this.name, resourceId: id, message: `${operation}: server ${id} did not reach ${resting} within ${this.waitTimeoutMs} ms (it is ${vm.rawState})` });
      await sleep(this.pollIntervalMs, signal);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Knowledge

  /** The configured region, with its availability zones (the configured one, or those Nova lists). */
  async *regions(options: CallOptions = {}): AsyncIterable<Region> {
    throwIfAborted(options.signal);
    yield { name: this.options.region, zones: await this.catalog.zones(options.signal), geo: this.options.geo };
  }

  /** Nova's flavors priced by the rate card (none without one). */
  async *offers(region?: string, options: CallOptions = {}): AsyncIterable<Offer> {
    throwIfAborted(options.signal);
    this.planner.checkRegion(region);
    yield* await this.catalog.offers(options.signal);
  }

  /** Prices a spec by the rate card: the flavor per hour, a boot volume per GiB-month when the flavor's disk is too small, egress per GB. */
  async estimateCost(input: VMSpecInput | VMSpec, options: CallOptions = {}): Promise<CostEstimate> {
    const spec = this.parse(input);
    throwIfAborted(options.signal);
    const card = this.options.rateCard;
    if (!card) throw new ProviderUnavailableError({ provider: this.name, retryable: false, requestSent: false, message: 'estimateCost: no rateCard option; an OpenStack cloud has no price list, so give the operator\'s rate card' });
    const plan = await this.planner.plan({ spec, forCreate: false, signal: options.signal });
    if (!plan.hourlyPrice) throw new ProviderUnavailableError({ provider: this.name, retryable: false, message: `estimateCost: the rate card does not price flavor ${plan.flavor.flavor.name}` });
    const compute = plan.hourlyPrice.amount * HOURS_PER_MONTH;
    const storage = plan.bootFromVolume ? plan.diskGiB * (card.perVolumeGiBMonth ?? 0) : 0;
    const network = spec.egressGBPerMonth * (card.perEgressGB ?? 0);
    const monthly = compute + storage + network;
    return COST_ESTIMATE_DISPLAY.attach({
      hourly: monthly / HOURS_PER_MONTH,
      monthly,
      breakdown: { compute, storage, network },
      currency: card.currency,
      instanceType: plan.flavor.flavor.name,
      region: plan.region,
      spot: false,
      source: card.source,
      asOf: card.asOf,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Portability

  /** Snapshots the server into Glance (`createImage`) and answers the image as a `qcow2`/`raw` artifact (see `image-transfer.ts`). */
  async exportVM(id: string, options: CallOptions = {}): Promise<ImageArtifact> {
    throwIfAborted(options.signal);
    const server = isUuid(id) ? await this.reader.get(id, 'exportVM', options.signal) : undefined;
    if (!server) throw this.notFound(id);
    const vm = this.toVM(server, await this.catalog.peek());
    return this.transfer.export({ id, name: server.name ?? id, baseImage: vm.image }, options.signal);
  }

  /** Boots a VM from an artifact: this cloud's Glance image as it is, anything else streamed into a new image and checked against its checksum; idempotent by key like `createVM`. */
  async importVM(artifact: ImageArtifact, input: VMSpecInput | VMSpec, options: ImportVMOptions = {}): Promise<VM> {
    const spec = this.parse(input);
    throwIfAborted(options.signal);
    return this.creator.keyed(options.idempotencyKey, async (key, name) => {
      const image = await this.transfer.imageFor(artifact, name, options.signal);
      return this.creator.create(spec, key, name, options, { artifact, image });
    });
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private parse(input: VMSpecInput | VMSpec): VMSpec {
    return parseVMSpec(input, { provider: this.name });
  }

  private notFound(id: string): NotFoundError {
    return new NotFoundError({ provider: this.name, message: `no VM with id ${id}`, resourceType: 'vm', resourceId: id });
  }

  private toVM(server: NovaServer, catalog: FlavorCatalog | undefined): VM {
    const flavor = server.flavor?.original_name !== undefined ? catalog?.byName.get(server.flavor.original_name) : undefined;
    const offer = flavor?.priced ? flavor.offer : undefined;
    return novaServerToVM(server, {
      provider: this.name,
      region: this.options.region,
      hourlyPrice: offer ? { amount: offer.onDemandHourly, currency: offer.currency, source: offer.source, asOf: offer.asOf } : undefined,
    });
  }

  private remember(vm: VM, name?: string): void {
    this.tombstones.set(vm.id, { vm, at: Date.now(), name });
    if (this.tombstones.size > 10_000) {
      const oldest = this.tombstones.keys().next().value;
      if (oldest !== undefined) this.tombstones.delete(oldest);
    }
  }

  private tombstone(id: string): VM | undefined {
    const entry = this.tombstones.get(id);
    if (!entry) return undefined;
    if (Date.now() - entry.at > TOMBSTONE_MS) {
      this.tombstones.delete(id);
      return undefined;
    }
    return entry.vm;
  }

  private liveTombstones(): [string, { vm: VM; at: number; name?: string | undefined }][] {
    const now = Date.now();
    for (const [id, entry] of this.tombstones) if (now - entry.at > TOMBSTONE_MS) this.tombstones.delete(id);
    return [...this.tombstones];
  }
}

/**
 * Creates an OpenStack provider. Nothing is loaded or called until the first operation.
 *
 * ```ts
 * const onPrem = createOpenStackProvider({
 *   authUrl: 'https://openstack.internal:5000/v3',
 *   region: 'RegionOne',
 *   auth: { type: 'application_credential', id: process.env.OS_APPLICATION_CREDENTIAL_ID!, secret: process.env.OS_APPLICATION_CREDENTIAL_SECRET! },
 *   ca: readFileSync('/etc/ssl/private-ca.pem'),
 *   rateCard: { regions: ['RegionOne'], perVcpuHour: 0.012, perGiBHour: 0.004, currency: 'EUR', source: 'finance 2026', asOf: '2026-01-01' },
 * });
 * const vm = await onPrem.createVM({ name: 'web-1', cpu: 2, memory: '4Gi' }, { idempotencyKey: 'web-1' });
 * ```
 */
export function createOpenStackProvider(options: OpenStackProviderOptions): OpenStackProvider {
  return new OpenStackProvider(options);
}
