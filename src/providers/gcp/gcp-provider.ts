/**
 * The GCE adapter: `ProviderV1` over Compute Engine through `@google-cloud/compute` 7 on its REST
 * transport, with prices from the Cloud Billing Catalog (or the bundled snapshot). The library
 * loads on first use, never on import.
 *
 * Idempotency is GCE's own `requestId` on every mutating call, derived from the idempotency key
 * for a create (`naming.ts`), with the instance named from the key and labelled with the key's
 * digest and the spec's hash: a retried create, in any process, is deduplicated by GCE or meets
 * its own instance, and the core's lookup finds it by name. Every insert's zone operation is in
 * the state store before anything waits, so another process resumes the same wait.
 *
 * Export and import:
 * - `exportVM` (with the `exportBucket` option) does what `gcloud compute images export` does,
 *   since Compute Engine has no API call that writes a disk image to Cloud Storage: an image of
 *   the boot disk (`forceCreate`, so a running VM need not stop), a short-lived worker VM that
 *   streams it into `gs://bucket/….tar.gz` as a `disk.raw` and powers off, a check that the
 *   object exists, and cleanup of worker and image whatever happened (`image-export.ts`);
 * - `importVM` takes a `raw` artifact in Cloud Storage (`gs://bucket/object.tar.gz` holding a
 *   `disk.raw`, GCE's import format), checks the object against the artifact's checksum (MD5 with
 *   Cloud Storage's `md5Hash`, SHA-256 with the `novacron-sha256` the artifact stores record),
 *   creates an image from it (`images.insert` with `rawDisk.source`) and boots a VM from that
 *   image, its boot disk raised to the image's size (GCE refuses a smaller one). An archive GCE
 *   refuses (missing, not a valid image: `INVALID_IMAGE_TAR`) is an `InvalidSpecError` naming
 *   `artifact.location`, and the image is removed — also when the VM cannot be created.
 */
import { randomUUID } from 'node:crypto';
import { sleep, throwIfAborted } from '../../provider/abort.js';
import { COST_ESTIMATE_DISPLAY } from '../../provider/display.js';
import { ConflictError, InvalidSpecError, NotFoundError, ProviderUnavailableError, TimeoutError, UnsupportedError } from '../../provider/errors.js';
import { EventBus } from '../../provider/events.js';
import type { CallOptions, CreateVMOptions, ImportVMOptions, ListVMsFilter, PowerOptions, ProviderV1, StopVMOptions } from '../../provider/provider-v1.js';
import { parseVMSpec } from '../../provider/spec-schema.js';
import {
  HOURS_PER_MONTH,
  type CostEstimate,
  type DiskType,
  type HourlyPrice,
  type ImageArtifact,
  type Offer,
  type Provenance,
  type ProviderCapabilities,
  type Region,
  type VM,
  type VMSpec,
  type VMSpecInput,
  type VMState,
} from '../../provider/types.js';
import type { GcpStateStoreLike } from './create-record.js';
import { diskPricePerGiBMonth } from './disk-types.js';
import { egressPricePerGB, olderDate } from '../../provider/unit-price.js';
import { GcpApi, type GcpAuthClient, type GcpCredentialsObject, type GcpReadyClients } from './gcp-api.js';
import { InstanceReader } from './instance-reader.js';
import { NOVACRON_LABEL, encodeLabelValue, labelFilter } from './labels.js';
import { LaunchPlanner } from './launch-plan.js';
import { instanceId, instanceNameFor, parseInstanceId, regionOfZone, requestIdFor, type InstanceRef } from './naming.js';
import { composePrice, GcpCatalog, type RegionCatalog } from './offer-catalog.js';
import { OperationWaiter } from './operation-waiter.js';
import { CUSTOM_PREMIUM, familyOf } from './machine-types.js';
import { customShapeOf, gceInstanceToVM, terminatedCopy, type GceInstance } from './state-mapping.js';
import { refOf, VmCreator } from './vm-creator.js';
import { ImageExporter } from './image-export.js';
import { GcpNetwork } from './network-companion.js';
import { isDefinitiveRefusal } from './vm-creator.js';
import { md5Hex, parseGsLocation, StorageObjects } from './storage-objects.js';

/** Provider-wide defaults applied where a spec is silent. */
export interface GcpProviderDefaults {
  /** Machine families selection may choose from (`['e2', 'n2', 'n2d']`); all when absent. */
  readonly machineFamilies?: readonly string[] | undefined;
  /** Consider custom machine types where cheaper (default `true`; N1, N2, N2D and E2 allow them). */
  readonly customMachineTypes?: boolean | undefined;
  /** VPC network (name or path) for specs that name none (default `default`). */
  readonly network?: string | undefined;
  /** Subnetwork (name in the VM's region, or path) for specs that name none. */
  readonly subnetwork?: string | undefined;
  /** Service account e-mail for specs without `iamRole`; none when absent. */
  readonly serviceAccount?: string | undefined;
  /** OAuth scopes of the service account (default cloud-platform). */
  readonly scopes?: readonly string[] | undefined;
  /** Boot disk type when a spec gives none (default `ssd`, pd-balanced). */
  readonly diskType?: DiskType | undefined;
  /** `ssh-keys` metadata (`user:ssh-ed25519 AAAA… comment`, one per line). */
  readonly sshKeys?: string | undefined;
  /** Ask for spot capacity when a spec does not say (default `false`). */
  readonly spot?: boolean | undefined;
  /** What GCE does with a preempted spot VM: `STOP` (default; it can be started again) or `DELETE`. */
  readonly spotTerminationAction?: 'STOP' | 'DELETE' | undefined;
}

/** Options of {@link createGcpProvider}. */
export interface GcpProviderOptions {
  /** Name of this provider instance (default `gcp-<region>`). */
  readonly name?: string | undefined;
  /** Project id. */
  readonly project: string;
  /** Default region (`us-central1`). */
  readonly region: string;
  /** Regions this provider places VMs in and lists (default `[region]`, plus the regions of `zones`). */
  readonly regions?: readonly string[] | undefined;
  /** Zones to use (default: every zone of the regions that the API lists machine types in). */
  readonly zones?: readonly string[] | undefined;
  /** Compute API endpoint override (`http://127.0.0.1:8085` for an emulator; default `https://compute.googleapis.com`). */
  readonly endpoint?: string | undefined;
  /** Credentials: a service account key file path, or the key as an object; Application Default Credentials when absent. */
  readonly credentials?: string | GcpCredentialsObject | undefined;
  /** Any google-auth-library auth client (`AuthClient`), instead of `credentials`. */
  readonly authClient?: GcpAuthClient | undefined;
  /** Ready clients of `@google-cloud/compute` (their own auth and transport). */
  readonly clients?: GcpReadyClients | undefined;
  /** Cloud Billing Catalog origin (default `https://cloudbilling.googleapis.com`). */
  readonly billingCatalogEndpoint?: string | undefined;
  /** Cloud Billing Catalog API key. A secret: it goes into the price requests and nowhere else. */
  readonly billingApiKey?: string | undefined;
  /** Defaults for specs. */
  readonly defaults?: GcpProviderDefaults | undefined;
  /** Federation id, written as a label and used to scope `listVMs`. */
  readonly federationId?: string | undefined;
  /** Records `gcp/<name>/creates/<instance>` (VM id, zone, spec hash, insert operation) before any wait. */
  readonly stateStore?: GcpStateStoreLike | undefined;
  /** Where `vm.created` / `vm.deleted` / `operation.retried` events go. */
  readonly events?: EventBus | undefined;
  /** Longest time one call may take, ms (default 30,000); a mutating call without an answer in time is a `TimeoutError`. */
  readonly requestTimeoutMs?: number | undefined;
  /** Attempts per call for throttling and transient failures (default 8; every mutating call carries a `requestId`). */
  readonly maxAttempts?: number | undefined;
  /** Retry backoff base, ms (default 200). */
  readonly retryDelayMs?: number | undefined;
  /** Pause between operation waits and state reads, ms (default 1,000). */
  readonly pollIntervalMs?: number | undefined;
  /** Longest wait for an operation or a state when the caller gives none, ms (default 15 minutes). */
  readonly waitTimeoutMs?: number | undefined;
  /** How long `findByIdempotencyKey` keeps looking before it takes an absence for real, ms (default 3,000; at most four looks). `0` looks once. */
  readonly consistencyWindowMs?: number | undefined;
  /** Catalog (machine types, prices) lifetime, ms (default one hour). */
  readonly catalogTtlMs?: number | undefined;
  /** After the Billing Catalog failed, how long prices come from the bundled snapshot before it is asked again, ms (default 10 minutes). */
  readonly pricingRetryMs?: number | undefined;
  /** Instances per listing page (default 500, GCE's maximum). */
  readonly pageSize?: number | undefined;
  /** Cloud Storage bucket `exportVM` writes disk images to (`gs://<exportBucket>/<prefix><instance>-<stamp>.tar.gz`); without it there is no export. */
  readonly exportBucket?: string | undefined;
  /** Object name prefix of exports (default `novacron-exports/`). */
  readonly exportPrefix?: string | undefined;
  /** Longest time an export's worker VM may take, ms (default one hour). */
  readonly exportTimeoutMs?: number | undefined;
  /** Machine type of the export worker (default `e2-small`). */
  readonly exportWorkerMachineType?: string | undefined;
  /** Boot image of the export worker; it needs bash, curl, python3 and the gcloud CLI (default `projects/debian-cloud/global/images/family/debian-12`). */
  readonly exportWorkerImage?: string | undefined;
  /** Cloud Storage JSON API origin (default `https://storage.googleapis.com`): `exportVM` reads the object it wrote there, `importVM` the archive's checksum, with this provider's credentials. */
  readonly storageEndpoint?: string | undefined;
}

/** What `JSON.stringify(provider)` shows of a GCE adapter. */
export interface GcpProviderSummary {
  /** Provider name. */
  readonly name: string;
  /** Always `gcp`. */
  readonly kind: string;
  /** Project id. */
  readonly project: string;
  /** Configured regions. */
  readonly regions: readonly string[];
}

/** Where each part of a cost estimate came from, and when it was true. */
export interface GcpCostComponents {
  /** The machine's hourly price (with its GPUs). */
  readonly compute: Provenance;
  /** The boot disk's price per GiB-month. */
  readonly storage: Provenance;
  /** The internet egress price per GB. */
  readonly network: Provenance;
}

/** A cost estimate with the provenance of each of its parts. */
export interface GcpCostEstimate extends CostEstimate {
  /** Where each part of the breakdown came from, and when it was true. */
  readonly components: GcpCostComponents;
}

/** How long a deleted VM is still listed as `terminated`. */
const TOMBSTONE_MS = 3_600_000;
const DEFAULT_CONSISTENCY_WINDOW_MS = 3_000;
const LOOKS = 4;

/** The GCE provider. Build it with {@link createGcpProvider}. */
export class GcpProvider implements ProviderV1 {
  /** Version of the Provider specification implemented. */
  readonly specificationVersion = 'v1' as const;
  /** Name of this provider instance. */
  readonly name: string;
  /** Kind of cloud: `gcp`. */
  readonly kind = 'gcp' as const;
  /** Spot, GPUs, committed-use prices, stop/start; `raw` import, and `raw` export when `exportBucket` is set. */
  readonly capabilities: ProviderCapabilities;
  /** Where this provider publishes its events (the `events` option, or a bus of its own). */
  readonly events: EventBus;
  /** The network companion: VPC networks, HA VPN with Cloud Router BGP, external VPN gateways, peering, routes (`network-companion.ts`). */
  readonly networking: GcpNetwork;

  private readonly api: GcpApi;
  private readonly catalog: GcpCatalog;
  private readonly planner: LaunchPlanner;
  private readonly waiter: OperationWaiter;
  private readonly reader: InstanceReader;
  private readonly creator: VmCreator;
  private readonly exporter: ImageExporter | undefined;
  private readonly storage: StorageObjects;
  private readonly regionList: readonly string[];
  private readonly project: string;
  /** Deleted VMs, still reported `terminated` for a while: GCE forgets an instance the moment it is gone. */
  private readonly tombstones = new Map<string, { vm: VM; at: number }>();

  /** Use {@link createGcpProvider}. */
  constructor(private readonly options: GcpProviderOptions) {
    const missing = (['project', 'region'] as const).filter((k) => typeof options[k] !== 'string' || options[k] === '');
    if (missing.length > 0) throw new InvalidSpecError({ issues: missing.map((field) => ({ field, message: 'a GCP provider needs it (a non-empty string)' })) });
    this.name = options.name ?? `gcp-${options.region}`;
    this.project = options.project;
    const exportBucket = options.exportBucket === '' ? undefined : options.exportBucket;
    this.capabilities = { spot: true, gpu: true, reservedPricing: true, stopStart: true, deallocate: false, exportFormats: exportBucket !== undefined ? ['raw'] : [], importFormats: ['raw'], vpn: true, peering: true };
    this.regionList = [...new Set([options.region, ...(options.regions ?? []), ...(options.zones ?? []).map(regionOfZone)])];
    this.events = options.events ?? new EventBus();
    const credentials = options.credentials;
    this.api = new GcpApi({
      providerName: this.name,
      project: options.project,
      endpoint: options.endpoint,
      keyFilename: typeof credentials === 'string' ? credentials : undefined,
      credentials: typeof credentials === 'object' ? credentials : undefined,
      authClient: options.authClient,
      clients: options.clients,
      requestTimeoutMs: options.requestTimeoutMs,
      maxAttempts: options.maxAttempts,
      retryDelayMs: options.retryDelayMs,
      events: this.events,
    });
    this.catalog = new GcpCatalog(this.api, {
      project: options.project,
      zones: options.zones,
      billingCatalogEndpoint: options.billingCatalogEndpoint,
      billingApiKey: options.billingApiKey,
      ttlMs: options.catalogTtlMs ?? 3_600_000,
      pricingRetryMs: options.pricingRetryMs,
      // Reported once: every call after it works from the snapshot without a word.
      onFallback: ({ fallback, error }) =>
        this.events.publish('provider.degraded', {
          provider: this.name,
          capability: 'pricing',
          fallback,
          message: `the Cloud Billing Catalog could not be used (${error instanceof Error ? error.message : String(error)}); prices come from the bundled snapshot`,
        }),
    });
    const d = options.defaults ?? {};
    this.planner = new LaunchPlanner(
      { providerName: this.name, project: options.project, region: options.region, regions: this.regionList, machineFamilies: d.machineFamilies, customMachineTypes: d.customMachineTypes ?? true, network: d.network, subnetwork: d.subnetwork },
      this.catalog,
    );
    const pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.waiter = new OperationWaiter(this.api, options.project, this.name, { pollIntervalMs, waitTimeoutMs: options.waitTimeoutMs });
    this.reader = new InstanceReader(this.api, options.project, options.pageSize ?? 500);
    this.storage = new StorageObjects(this.api, this.name, options.storageEndpoint ?? 'https://storage.googleapis.com');
    this.exporter =
      exportBucket === undefined
        ? undefined
        : new ImageExporter(this.api, this.waiter, this.storage, {
            providerName: this.name,
            project: options.project,
            bucket: exportBucket,
            prefix: options.exportPrefix ?? 'novacron-exports/',
            machineType: options.exportWorkerMachineType ?? 'e2-small',
            workerImage: options.exportWorkerImage ?? 'projects/debian-cloud/global/images/family/debian-12',
            network: d.network,
            subnetwork: d.subnetwork,
            serviceAccount: d.serviceAccount ?? 'default',
            timeoutMs: options.exportTimeoutMs ?? 3_600_000,
          });
    if (this.exporter) {
      this.exporter.onLeftBehind = (message) => this.events.publish('provider.degraded', { provider: this.name, capability: 'export', fallback: 'none', message });
    }
    this.networking = new GcpNetwork({
      providerName: this.name,
      project: options.project,
      region: options.region,
      regions: this.regionList,
      api: this.api,
      transport: { endpoint: options.endpoint, keyFilename: typeof credentials === 'string' ? credentials : undefined, credentials: typeof credentials === 'object' ? credentials : undefined, authClient: options.authClient },
      events: this.events,
      pollIntervalMs,
      consistencyWindowMs: options.consistencyWindowMs,
    });
    this.creator = new VmCreator({
      providerName: this.name,
      project: options.project,
      options: { federationId: options.federationId, stateStore: options.stateStore, sshKeys: d.sshKeys, serviceAccount: d.serviceAccount, scopes: d.scopes, spotTerminationAction: d.spotTerminationAction, waitTimeoutMs: options.waitTimeoutMs, pollIntervalMs },
      events: this.events,
      api: this.api,
      waiter: this.waiter,
      reader: this.reader,
      planner: this.planner,
      toVM: (raw, catalog) => this.toVM(raw, catalog),
    });
  }

  /** Calls this provider has made (each attempt counted), for benchmarks and diagnostics. */
  get apiCalls(): number {
    return this.api.calls;
  }

  /** The configured regions (`region`, `regions` and those of `zones`): what `regions()` yields, known without a call. */
  get regionNames(): readonly string[] {
    return this.regionList;
  }

  /** What a person (or a log line) sees of this adapter: its name, project and regions, never its credentials. */
  toString(): string {
    return `GcpProvider ${this.name} (${this.project}; ${this.regionList.join(', ')})`;
  }

  /** A credential-free summary for `JSON.stringify`. */
  toJSON(): GcpProviderSummary {
    return { name: this.name, kind: this.kind, project: this.project, regions: this.regionList };
  }

  /** `util.inspect` shows {@link toString}: options (credentials, the auth client, the billing key) stay out. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /** Inserts the instance (named from the idempotency key, deduplicated by its `requestId`) and, unless `wait: false`, waits for RUNNING. */
  async createVM(input: VMSpecInput | VMSpec, options: CreateVMOptions = {}): Promise<VM> {
    const spec = this.parse(input);
    throwIfAborted(options.signal);
    return this.creator.keyed(options.idempotencyKey, (key, name) => this.creator.create(spec, key, name, options));
  }

  /**
   * The VM that a create (or import) with this idempotency key made: the recorded instance (a
   * strongly consistent `get`), else the instance of the key's name anywhere in the project
   * (`aggregatedList` filtered by name: one call); a VM this provider deleted comes back
   * `terminated` for an hour; a recorded insert whose instance is not visible yet comes back
   * `pending`. `undefined` only after the look has missed across `consistencyWindowMs`.
   */
  async findByIdempotencyKey(idempotencyKey: string, options: CallOptions = {}): Promise<VM | undefined> {
    const { signal } = options;
    throwIfAborted(signal);
    const name = instanceNameFor(idempotencyKey);
    const windowMs = Math.max(0, this.options.consistencyWindowMs ?? DEFAULT_CONSISTENCY_WINDOW_MS);
    const looks = windowMs > 0 ? LOOKS : 1;
    const unit = windowMs / (2 ** (looks - 1) - 1 || 1);
    for (let look = 0; look < looks; look++) {
      if (look > 0) await sleep(unit * 2 ** (look - 1), signal);
      const record = await this.creator.readRecord(name);
      if (record) {
        const found = await this.reader.get({ project: this.project, zone: record.zone, name }, 'findByIdempotencyKey', signal);
        if (found) return this.toVM(found, await this.catalog.peek(regionOfZone(record.zone)));
      }
      for await (const found of this.reader.list({ filter: `name = "${name}"`, operation: 'findByIdempotencyKey', signal })) {
        if (found.name === name) return this.toVM(found, await this.catalog.peek(regionOfZone(refOf(this.project, found).zone)));
      }
      const tomb = [...this.liveTombstones()].find(([id]) => parseInstanceId(id)?.name === name);
      if (tomb) return tomb[1].vm;
      if (record?.operation !== undefined) return pendingFromRecord(record.vmId, this.name, record.startedAt);
    }
    return undefined;
  }

  /** Reads one VM; `NotFoundError` when the project has no such instance. */
  async getVM(id: string, options: CallOptions = {}): Promise<VM> {
    const { signal } = options;
    throwIfAborted(signal);
    const ref = this.refOfId(id);
    if (!ref) throw this.notFound(id);
    const raw = await this.reader.get(ref, 'getVM', signal);
    if (!raw) {
      const tomb = this.tombstone(id);
      if (tomb) return tomb;
      throw this.notFound(id);
    }
    return this.toVM(raw, await this.catalog.peek(regionOfZone(ref.zone)));
  }

  /**
   * Streams the project's VMs in the configured regions: one `aggregatedList` across zones, paged,
   * with the label (and federation) filter pushed down; states are filtered here. Deleted VMs come
   * back `terminated` for an hour when asked for.
   */
  async *listVMs(filter: ListVMsFilter = {}, options: CallOptions = {}): AsyncIterable<VM> {
    const { signal } = options;
    throwIfAborted(signal);
    if (filter.region !== undefined) this.planner.checkRegion(filter.region);
    const regions = new Set(filter.region !== undefined ? [filter.region] : this.regionList);
    const configuredZones = this.options.zones?.filter((z) => regions.has(regionOfZone(z)));
    const labels: Record<string, string> = { ...(filter.labels ?? {}) };
    if (this.options.federationId !== undefined) labels[NOVACRON_LABEL.federation] = encodeLabelValue(this.options.federationId);
    const wanted = filter.states && filter.states.length > 0 ? new Set<VMState>(filter.states) : undefined;
    const includeTerminated = filter.includeTerminated === true || (wanted?.has('terminated') ?? false);
    const catalogs = new Map<string, RegionCatalog | undefined>();
    const seen = new Set<string>();
    for await (const raw of this.reader.list({ filter: labelFilter(labels), zones: configuredZones ? new Set(configuredZones) : undefined, operation: 'listVMs', signal })) {
      const region = regionOfZone(refOf(this.project, raw).zone);
      if (!regions.has(region)) continue;
      if (!Object.entries(labels).every(([k, v]) => raw.labels?.[k] === v)) continue;
      if (!catalogs.has(region)) catalogs.set(region, await this.catalog.peek(region));
      const vm = this.toVM(raw, catalogs.get(region));
      seen.add(vm.id);
      if (wanted && !wanted.has(vm.state)) continue;
      yield vm;
    }
    if (!includeTerminated) return;
    for (const [id, { vm }] of this.liveTombstones()) {
      if (seen.has(id) || !regions.has(vm.region) || !Object.entries(filter.labels ?? {}).every(([k, v]) => vm.labels[k] === v)) continue;
      yield vm;
    }
  }

  /** Deletes the instance (its boot disk goes with it) and, unless `wait: false`, waits for the operation. An unknown VM succeeds. */
  async deleteVM(id: string, options: PowerOptions = {}): Promise<void> {
    const { signal } = options;
    throwIfAborted(signal);
    const ref = this.refOfId(id);
    if (!ref) return;
    const existing = await this.reader.get(ref, 'deleteVM', signal);
    if (!existing) return;
    const vm = this.toVM(existing, await this.catalog.peek(regionOfZone(ref.zone)));
    const ctx = { operation: 'deleteVM', zone: ref.zone, region: regionOfZone(ref.zone), resourceType: 'vm', resourceId: vm.id, mutating: true };
    const requestId = randomUUID();
    let operation: string | undefined;
    try {
      const [op] = await this.api.run(ctx, signal, async ({ instances }, call) => instances.delete({ project: ref.project, zone: ref.zone, instance: ref.name, requestId }, call));
      operation = op.latestResponse?.name ?? undefined;
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
    this.remember(terminatedCopy(vm));
    this.events.publish('vm.deleted', { provider: this.name, vmId: vm.id });
    const record = await this.creator.readRecord(ref.name).catch(() => undefined);
    if (record) await this.creator.forgetOperation(record);
    if (options.wait === false || operation === undefined) return;
    await this.waiter.wait({ zone: ref.zone, operation, ctx, signal, what: `the delete of ${vm.id}` }).catch((error: unknown) => {
      if (!NotFoundError.isInstance(error)) throw error;
    });
  }

  /** Starts a stopped VM (`instances.start`; a SUSPENDED one is resumed) and, unless `wait: false`, waits for RUNNING. */
  async startVM(id: string, options: PowerOptions = {}): Promise<VM> {
    const ref = this.refOfId(id);
    if (!ref) throw this.notFound(id);
    const current = await this.reader.get(ref, 'startVM', options.signal);
    if (!current) throw this.notFound(id);
    if (current.status === 'SUSPENDED') return this.resumeVM(id, options);
    return this.power('startVM', ref, options, 'running', (c, r, call) => c.start(r, call));
  }

  /** Stops a VM (`instances.stop`: GCE status TERMINATED, no compute billing; disks stay) and, unless `wait: false`, waits for it. */
  async stopVM(id: string, options: StopVMOptions = {}): Promise<VM> {
    const ref = this.refOfId(id);
    if (!ref) throw this.notFound(id);
    return this.power('stopVM', ref, options, 'stopped', (c, r, call) => c.stop(r, call));
  }

  /** Suspends a VM (`instances.suspend`: memory saved to disk, status SUSPENDED). */
  async suspendVM(id: string, options: PowerOptions = {}): Promise<VM> {
    const ref = this.refOfId(id);
    if (!ref) throw this.notFound(id);
    return this.power('suspendVM', ref, options, 'stopped', (c, r, call) => c.suspend(r, call));
  }

  /** Resumes a SUSPENDED VM (`instances.resume`). */
  async resumeVM(id: string, options: PowerOptions = {}): Promise<VM> {
    const ref = this.refOfId(id);
    if (!ref) throw this.notFound(id);
    return this.power('startVM', ref, options, 'running', (c, r, call) => c.resume(r, call));
  }

  /** Resets a running VM (`instances.reset`: a hard reboot). */
  async rebootVM(id: string, options: PowerOptions = {}): Promise<VM> {
    const ref = this.refOfId(id);
    if (!ref) throw this.notFound(id);
    return this.power('rebootVM', ref, options, 'running', (c, r, call) => c.reset(r, call));
  }

  private async power(
    operation: string,
    ref: InstanceRef,
    options: PowerOptions,
    resting: VMState,
    send: (
      instances: Awaited<ReturnType<GcpApi['clients']>>['instances'],
      request: { project: string; zone: string; instance: string; requestId: string },
      call: ReturnType<GcpApi['callOptions']>,
    ) => Promise<[{ latestResponse?: { name?: string | null } | null }, ...unknown[]]>,
  ): Promise<VM> {
    const { signal } = options;
    throwIfAborted(signal);
    const id = instanceId(ref);
    const ctx = { operation, zone: ref.zone, region: regionOfZone(ref.zone), resourceType: 'vm', resourceId: id, mutating: true };
    const requestId = randomUUID();
    const [op] = await this.api.run(ctx, signal, ({ instances }, call) => send(instances, { project: ref.project, zone: ref.zone, instance: ref.name, requestId }, call));
    const name = op.latestResponse?.name;
    if (options.wait !== false && name) {
      await this.waiter.wait({ zone: ref.zone, operation: name, ctx, signal, what: `${operation} of ${id}` });
      const deadline = Date.now() + (this.options.waitTimeoutMs ?? 15 * 60_000);
      for (;;) {
        const vm = await this.getVM(id, { signal });
        if (vm.state === resting || Date.now() > deadline) return vm;
        await sleep(this.waiter.pollIntervalMs, signal);
      }
    }
    return this.getVM(id, { signal });
  }

  // -------------------------------------------------------------------------------------------
  // Knowledge

  /** The configured regions with their zones (as configured, or as the API lists them) and geography. */
  async *regions(options: CallOptions = {}): AsyncIterable<Region> {
    throwIfAborted(options.signal);
    const { bundledRegions } = await import('../../catalog/bundled-snapshot.js');
    const known = new Map(bundledRegions('gcp').map((r) => [r.name, r.geo]));
    for (const name of this.regionList) {
      const zones = this.options.zones?.filter((z) => regionOfZone(z) === name);
      yield { name, zones: zones && zones.length > 0 ? zones : (await this.catalog.region(name, options.signal)).zones, geo: known.get(name) };
    }
  }

  /** Machine types per zone, and N1 types with each GPU the zone attaches, with on-demand, spot and committed-use prices. */
  async *offers(region?: string, options: CallOptions = {}): AsyncIterable<Offer> {
    throwIfAborted(options.signal);
    const regions = region !== undefined ? [this.planner.checkRegion(region)] : this.regionList;
    for (const r of regions) yield* await this.catalog.offers(r, options.signal);
  }

  /** Prices a spec: the machine (with GPUs; spot or on demand), the boot disk and internet egress; each part says where it came from. */
  async estimateCost(input: VMSpecInput | VMSpec, options: CallOptions = {}): Promise<GcpCostEstimate> {
    const spec = this.parse(input);
    throwIfAborted(options.signal);
    const plan = await this.planner.plan({ spec, withImage: false, signal: options.signal });
    if (plan.hourlyPrice === undefined) {
      throw new ProviderUnavailableError({ provider: this.name, message: `estimateCost: no ${spec.spot ? 'spot ' : ''}price for ${plan.machine.name} in ${plan.region}`, retryable: false });
    }
    const { bundledStoragePrices } = await import('../../catalog/bundled-snapshot.js');
    const storagePrices = bundledStoragePrices('gcp')!;
    const disk = diskPricePerGiBMonth(plan.diskType, storagePrices);
    const egress = egressPricePerGB(storagePrices);
    const compute = plan.hourlyPrice.amount * HOURS_PER_MONTH;
    const storage = disk.amount * Math.ceil(plan.diskGiB);
    const network = egress.amount * spec.egressGBPerMonth;
    const monthly = compute + storage + network;
    const components = {
      compute: { source: plan.hourlyPrice.source, asOf: plan.hourlyPrice.asOf },
      storage: { source: disk.source, asOf: disk.asOf },
      network: { source: egress.source, asOf: egress.asOf },
    };
    return COST_ESTIMATE_DISPLAY.attach({
      hourly: monthly / HOURS_PER_MONTH,
      monthly,
      breakdown: { compute, storage, network },
      currency: plan.hourlyPrice.currency,
      instanceType: plan.machine.name,
      region: plan.region,
      spot: spec.spot,
      source: [...new Set([components.compute.source, components.storage.source, components.network.source])].join('+'),
      asOf: olderDate(olderDate(components.compute.asOf, components.storage.asOf), components.network.asOf),
      components,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Portability

  /**
   * Exports the VM's boot disk to Cloud Storage as a `raw` artifact (`gs://<exportBucket>/….tar.gz`
   * holding a `disk.raw`, what {@link importVM} and `gcloud compute images import` take), the way
   * `gcloud compute images export` does it: an image of the boot disk (`forceCreate: true`: a
   * running VM is exported as it runs, crash-consistent; stop it first for a clean file system),
   * a short-lived `e2-small` worker that streams that image into the object and powers off, a
   * read of the object's metadata, and removal of worker and image, on failure too. The artifact's
   * `sizeBytes` and `checksum` are the object's size and MD5 as Cloud Storage reports them. Without
   * the `exportBucket` option it is an `UnsupportedError` naming that option.
   */
  async exportVM(id: string, options: CallOptions = {}): Promise<ImageArtifact> {
    const { signal } = options;
    throwIfAborted(signal);
    if (!this.exporter) {
      throw new UnsupportedError({
        provider: this.name,
        capability: 'export',
        message: `exportVM of ${id}: set the exportBucket option (a Cloud Storage bucket the export worker may write) to export disk images from GCE`,
      });
    }
    const ref = this.refOfId(id);
    if (!ref) throw this.notFound(id);
    const raw = await this.reader.get(ref, 'exportVM', signal);
    if (!raw) throw this.notFound(id);
    const bootDisk = raw.disks?.find((disk) => disk.boot)?.source;
    if (!bootDisk) throw new ProviderUnavailableError({ provider: this.name, retryable: false, message: `exportVM of ${id}: the instance shows no boot disk` });
    const vm = this.toVM(raw, await this.catalog.peek(regionOfZone(ref.zone)));
    return this.exporter.export({ ref, bootDisk, baseImage: vm.image }, signal);
  }

  /**
   * Creates an image from a `raw` artifact in Cloud Storage (`images.insert`, `rawDisk.source`)
   * and a VM booting from it; idempotent by key like `createVM`. The object is checked against
   * the artifact's checksum first (a `ConflictError` when it differs; a missing object is left to
   * GCE to report). An import GCE refuses, or a VM that cannot be made of it, removes the image.
   */
  async importVM(artifact: ImageArtifact, input: VMSpecInput | VMSpec, options: ImportVMOptions = {}): Promise<VM> {
    const spec = this.parse(input);
    throwIfAborted(options.signal);
    if (!this.capabilities.importFormats.includes(artifact.format)) {
      throw new UnsupportedError({ provider: this.name, capability: `import:${artifact.format}`, message: `importVM: artifact.format ${artifact.format} cannot be imported into GCE; give a raw disk (disk.raw in a tar.gz) in Cloud Storage` });
    }
    const source = storageUrlOf(artifact.location);
    if (source === undefined) throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'artifact.location', message: 'GCE imports images from Cloud Storage: gs://bucket/object.tar.gz (or its https://storage.googleapis.com URL)' }] });
    return this.creator.keyed(options.idempotencyKey, async (key, name) => {
      const image = `${name}-image`;
      const sourceImage = `projects/${this.project}/global/images/${image}`;
      const ctx = { operation: 'importVM', resourceType: 'image', resourceId: sourceImage, mutating: true };
      await this.checkArchive(artifact, options.signal);
      try {
        const [op] = await this.api.run(ctx, options.signal, ({ images }, call) =>
          images.insert({ project: this.project, requestId: requestIdFor(key, 'image'), imageResource: { name: image, rawDisk: { source }, labels: { [NOVACRON_LABEL.managed]: 'true', [NOVACRON_LABEL.provider]: encodeLabelValue(this.name) } } }, call),
        );
        const operation = op.latestResponse?.name;
        if (operation) await this.waiter.wait({ operation, ctx, signal: options.signal, timeoutMs: options.waitTimeoutMs, what: `the import of ${source}` });
      } catch (error) {
        if (!ConflictError.isInstance(error)) throw await this.withoutImage(image, ctx, error); // an image of this key exists: boot from it
      }
      const diskGiB = await this.readyImageDiskGiB(image, ctx, options);
      try {
        return await this.creator.create(spec, key, name, options, { artifact, sourceImage, diskGiB });
      } catch (error) {
        throw await this.withoutImage(image, ctx, error);
      }
    });
  }

  /** Compares the archive with the artifact's checksum, when Cloud Storage shows the object and a digest of that kind. */
  private async checkArchive(artifact: ImageArtifact, signal: AbortSignal | undefined): Promise<void> {
    const where = parseGsLocation(artifact.location);
    if (!where) return;
    const found = await this.storage.metadata(where.bucket, where.object, 'importVM', signal);
    if (!found) return; // images.insert says, in GCE's words, what is missing
    const have = artifact.checksum.algorithm === 'md5' ? md5Hex(found.md5Hash) : found.metadata?.['novacron-sha256'];
    if (have !== undefined && have.toLowerCase() !== artifact.checksum.value.toLowerCase()) {
      throw new ConflictError({ provider: this.name, message: `importVM: ${artifact.location} does not match the artifact's ${artifact.checksum.algorithm} checksum ${artifact.checksum.value} (Cloud Storage has ${have}); nothing was imported` });
    }
  }

  /**
   * Removes the key's image after a failure that proves the import (or its VM) did not happen,
   * and returns the error to throw. Bounded, without the caller's signal (it may be aborted).
   */
  private async withoutImage(image: string, ctx: { operation: string; resourceType: string; resourceId: string }, error: unknown): Promise<unknown> {
    if (!isDefinitiveRefusal(error) && !NotFoundError.isInstance(error)) return error;
    try {
      const [op] = await this.api.run({ ...ctx, operation: 'importVM.cleanup' }, undefined, ({ images }, call) => images.delete({ project: this.project, image, requestId: randomUUID() }, call));
      const name = op.latestResponse?.name;
      if (name) await this.waiter.wait({ operation: name, ctx, timeoutMs: 120_000, what: `the removal of the image ${image}` });
    } catch (cleanup) {
      if (!NotFoundError.isInstance(cleanup)) {
        this.events.publish('provider.degraded', { provider: this.name, capability: 'import', fallback: 'none', message: `importVM could not remove its image ${image} (${cleanup instanceof Error ? cleanup.message : String(cleanup)})` });
      }
    }
    return error;
  }

  /** Reads an imported image until it is READY (an import of the same key elsewhere may still run); its disk size, GiB. */
  private async readyImageDiskGiB(image: string, ctx: { operation: string; resourceType: string; resourceId: string }, options: ImportVMOptions): Promise<number> {
    const limitMs = options.waitTimeoutMs ?? this.options.waitTimeoutMs ?? 15 * 60_000;
    const deadline = Date.now() + limitMs;
    for (;;) {
      const [found] = await this.api.run({ ...ctx, mutating: false }, options.signal, ({ images }, call) => images.get({ project: this.project, image }, call));
      if (found.status === 'FAILED') {
        const failed = new InvalidSpecError({ provider: this.name, issues: [{ field: 'artifact.location', message: `GCE could not make an image of it (image ${ctx.resourceId} is FAILED)` }] });
        throw await this.withoutImage(image, ctx, failed);
      }
      if (found.status !== 'PENDING') return Number(found.diskSizeGb ?? 0);
      if (Date.now() > deadline) throw new TimeoutError({ provider: this.name, resourceId: ctx.resourceId, message: `importVM: image ${ctx.resourceId} was not READY within ${limitMs} ms` });
      await sleep(this.waiter.pollIntervalMs, options.signal);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private parse(input: VMSpecInput | VMSpec): VMSpec {
    const d = this.options.defaults;
    let value: VMSpecInput | VMSpec = input;
    if (typeof input === 'object' && input !== null && !('memoryGiB' in input)) {
      const raw = input as VMSpecInput;
      const patch: Partial<VMSpecInput> = {};
      if (d?.spot && raw.spot === undefined) patch.spot = true;
      if (d?.diskType !== undefined && raw.disk !== undefined && (typeof raw.disk !== 'object' || raw.disk.type === undefined)) {
        patch.disk = typeof raw.disk === 'object' ? { ...raw.disk, type: d.diskType } : { size: raw.disk, type: d.diskType };
      } else if (d?.diskType !== undefined && raw.disk === undefined) patch.disk = { size: 20, type: d.diskType };
      if (Object.keys(patch).length > 0) value = { ...raw, ...patch };
    }
    return parseVMSpec(value, { provider: this.name });
  }

  private refOfId(id: string): InstanceRef | undefined {
    const ref = parseInstanceId(id);
    return ref && ref.project === this.project ? ref : undefined;
  }

  private notFound(id: string, cause?: unknown): NotFoundError {
    return new NotFoundError({ provider: this.name, message: `no VM with id ${id}`, resourceType: 'vm', resourceId: id, cause });
  }

  private toVM(raw: GceInstance, catalog: RegionCatalog | undefined): VM {
    const type = (raw.machineType ?? '').split('/').pop() ?? '';
    const facts = catalog?.machineTypes.get(type);
    // A custom machine type is in no catalog: it is priced from its name, as the plan priced it.
    const custom = facts ? undefined : customShapeOf(type);
    const priced = facts ?? (custom && { name: type, family: familyOf(type), ...custom });
    const accel = raw.guestAccelerators?.[0];
    const gpu = accel?.acceleratorType ? { model: (accel.acceleratorType.split('/').pop() ?? '').replace(/^nvidia-/, '').replace(/^tesla-/, ''), count: Number(accel.acceleratorCount ?? 1) } : facts?.gpu;
    const spot = raw.scheduling?.provisioningModel === 'SPOT';
    const amount = catalog && priced ? composePrice(catalog.rates, priced, gpu, spot ? 'spot' : 'onDemand', custom ? CUSTOM_PREMIUM : 1) : undefined;
    const hourlyPrice: HourlyPrice | undefined = catalog && amount !== undefined ? { amount, currency: catalog.rates.currency, source: catalog.rates.source, asOf: catalog.rates.asOf } : undefined;
    return gceInstanceToVM(raw, { provider: this.name, project: this.project, shape: facts, hourlyPrice });
  }

  private remember(vm: VM): void {
    this.tombstones.set(vm.id, { vm, at: Date.now() });
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

  private liveTombstones(): [string, { vm: VM; at: number }][] {
    const now = Date.now();
    for (const [id, entry] of this.tombstones) if (now - entry.at > TOMBSTONE_MS) this.tombstones.delete(id);
    return [...this.tombstones];
  }
}

/** `gs://b/o` or `https://storage.googleapis.com/b/o` as the URL `rawDisk.source` takes; `undefined` for anything else. */
export function storageUrlOf(location: string): string | undefined {
  const gs = /^gs:\/\/([^/]+)\/(.+)$/.exec(location);
  if (gs) return `https://storage.googleapis.com/${gs[1]}/${gs[2]}`;
  return /^https:\/\/storage\.googleapis\.com\/[^/]+\/.+/.test(location) ? location : undefined;
}

/** A VM of a create that GCE accepted but does not show yet. */
function pendingFromRecord(vmId: string, provider: string, startedAt: string): VM {
  const ref = parseInstanceId(vmId)!;
  return {
    id: vmId,
    name: ref.name,
    provider,
    providerKind: 'gcp',
    region: regionOfZone(ref.zone),
    zone: ref.zone,
    state: 'pending',
    rawState: 'PROVISIONING',
    instanceType: 'unknown',
    cpu: undefined,
    memoryGiB: undefined,
    spot: false,
    privateIps: [],
    publicIps: [],
    labels: {},
    image: undefined,
    createdAt: startedAt,
    hourlyPrice: undefined,
    stateReason: undefined,
  };
}

/**
 * Creates a GCE provider. Nothing is loaded or called until the first operation.
 *
 * ```ts
 * const gcp = createGcpProvider({
 *   project: 'my-project',
 *   region: 'us-central1',
 *   credentials: '/secrets/sa-key.json',
 *   defaults: { machineFamilies: ['e2', 'n2'], subnetwork: 'apps' },
 * });
 * const vm = await gcp.createVM({ name: 'web-1', cpu: 2, memory: '4Gi' }, { idempotencyKey: 'web-1' });
 * ```
 */
export function createGcpProvider(options: GcpProviderOptions): GcpProvider {
  return new GcpProvider(options);
}
