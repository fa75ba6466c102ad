/**
 * The Azure adapter: `ProviderV1` over Azure Resource Manager (`@azure/arm-compute` 25 for VMs,
 * disks, snapshots and Resource SKUs; `@azure/arm-network` 39 for NICs and public IPs;
 * `@azure/identity` 4 for `DefaultAzureCredential` when no credential is given) and the Azure
 * Retail Prices API. The SDKs load on first use, never on import.
 *
 * Idempotency is Azure's own: a PUT to an existing name updates instead of creating, so every
 * resource of a create is named from its idempotency key (`naming.ts`). A retried create, in any
 * process, lands on its own public IP, NIC and VM; the spec-hash tag tells a repeat from a
 * conflicting reuse of the key. Long-running operations go through the SDK's pollers, and the VM
 * create's resume token is in the state store before anything waits.
 *
 * Export and import, and the formats they produce:
 * - `exportVM` → snapshot of the OS disk (`createOption: Copy`) → `beginGetAccess` (read, VHD)
 *   → a `vhd` artifact whose location is the time-limited SAS URL of the snapshot's VHD; or, with
 *   `export.store`, the VHD streamed into that store (a page blob) and the snapshot removed
 *   (`vm-exporter.ts`);
 * - `importVM` of a `vhd` artifact (an http(s) blob URL) → managed disk `createOption: Import`
 *   (with the blob's storage account id when `import.storageAccounts` names it, see
 *   `import-source.ts`) → a VM booting from it (`createOption: Attach`).
 */
import type { ComputeManagementClient, VirtualMachine } from '@azure/arm-compute';
import type { NetworkManagementClient } from '@azure/arm-network';
import { sleep, throwIfAborted } from '../../provider/abort.js';
import { COST_ESTIMATE_DISPLAY } from '../../provider/display.js';
import { InvalidSpecError, NotFoundError, ProviderUnavailableError, UnsupportedError } from '../../provider/errors.js';
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
import { AzureApi, type AzureTokenCredential } from './azure-api.js';
import type { AzureStateStoreLike } from './create-record.js';
import { azureErrorCode } from './error-mapping.js';
import { LaunchPlanner } from './launch-plan.js';
import { resourceNamesFor } from './naming.js';
import { AzureCatalog, type LocationCatalog } from './offer-catalog.js';
import { OwnedResources } from './owned-resources.js';
import { AzurePollers, type AzurePoller } from './pollers.js';
import { billedDiskGiB, diskPricePerGiBMonth } from './pricing.js';
import { egressPricePerGB, olderDate } from '../../provider/unit-price.js';
import { resourceId, vmNameOf, type ResourceScope } from './resource-id.js';
import { azureVmToVM, terminatedCopy, type AddressBook } from './state-mapping.js';
import { hasLabels, NOVACRON_TAG } from './tags.js';
import { pendingFromRecord, VmCreator } from './vm-creator.js';
import { VmExporter, type AzureExportOptions } from './vm-exporter.js';
import { VmReader } from './vm-reader.js';
import { AzureNetwork } from './network-companion.js';
import { networkSettings, type AzureNetworkOptions } from './network-options.js';
import { storageAccountTypeOf } from './vm-mapping.js';

/** Provider-wide defaults applied where a spec is silent. */
export interface AzureProviderDefaults {
  /** VM size families selection may choose from (`['Standard_D', 'Standard_B']`, see `instanceFamily`); all when absent. */
  readonly vmSizeFamilies?: readonly string[] | undefined;
  /** Virtual network (name in the resource group, or id) of subnets given by name. */
  readonly virtualNetwork?: string | undefined;
  /** Subnet (name in `virtualNetwork`, or id) for specs that name none. */
  readonly subnet?: string | undefined;
  /** Network security group (name in the resource group, or id) for specs that name none. */
  readonly networkSecurityGroup?: string | undefined;
  /** Administrator user name (default `azureuser`). */
  readonly adminUsername?: string | undefined;
  /** SSH public key (OpenSSH format) for Linux VMs. */
  readonly sshPublicKey?: string | undefined;
  /** Administrator password: required for Windows, used for Linux only without an SSH key. A secret: it goes into the VM body and nowhere else. */
  readonly adminPassword?: string | undefined;
  /** OS disk type when a spec gives none (default `ssd`, Standard SSD). */
  readonly osDiskType?: DiskType | undefined;
  /** Ask for Spot capacity when a spec does not say (default `false`). */
  readonly spot?: boolean | undefined;
  /** What Azure does with an evicted Spot VM: `Deallocate` (default; it can be started again) or `Delete`. */
  readonly spotEvictionPolicy?: 'Deallocate' | 'Delete' | undefined;
}

export type { AzureExportOptions } from './vm-exporter.js';

/** Options of `importVM`. */
export interface AzureImportOptions {
  /**
   * Storage account id holding the VHDs to import (ARM's `creationData.storageAccountId`); sent
   * with imports of blobs of that account. Azure needs it when the account is in another subscription.
   */
  readonly storageAccountId?: string | undefined;
  /** More storage account ids, as `storageAccountId`: each sent with imports of its account's blobs. */
  readonly storageAccounts?: readonly string[] | undefined;
}

/** Options of {@link createAzureProvider}. */
export interface AzureProviderOptions {
  /** Name of this provider instance (default `azure-<location>`). */
  readonly name?: string | undefined;
  /** Subscription id. */
  readonly subscriptionId: string;
  /** Resource group holding the VMs and their NICs, IPs and disks (it must exist). */
  readonly resourceGroup: string;
  /** Default location (`westus2`, ...). */
  readonly location: string;
  /** Locations this provider places VMs in and lists (default: `[location]`). */
  readonly locations?: readonly string[] | undefined;
  /** Any Azure credential (`TokenCredential`); `DefaultAzureCredential` from @azure/identity when absent. */
  readonly credential?: AzureTokenCredential | undefined;
  /** ARM endpoint override (default `https://management.azure.com`). */
  readonly endpoint?: string | undefined;
  /** Extra CA (PEM) the clients trust, for an endpoint with a private certificate (an emulator, a TLS proxy). */
  readonly caCertificate?: string | undefined;
  /** Azure Retail Prices API origin (default `https://prices.azure.com`). */
  readonly retailPricesEndpoint?: string | undefined;
  /** A ready compute client (its own credential and pipeline). */
  readonly computeClient?: ComputeManagementClient | undefined;
  /** A ready network client. */
  readonly networkClient?: NetworkManagementClient | undefined;
  /** Defaults for specs. */
  readonly defaults?: AzureProviderDefaults | undefined;
  /** Federation id, written as a tag and used to scope `listVMs`. */
  readonly federationId?: string | undefined;
  /** Records `azure/<name>/creates/<vm name>` (VM id, spec hash, poller resume token) before any wait. */
  readonly stateStore?: AzureStateStoreLike | undefined;
  /** Where `vm.created` / `vm.deleted` events go. */
  readonly events?: EventBus | undefined;
  /** Retries of one HTTP call by the SDK pipeline (default 3; 429 and 503 honour Retry-After). */
  readonly maxRetries?: number | undefined;
  /** Pipeline retry backoff base, ms (default 800). */
  readonly retryDelayMs?: number | undefined;
  /**
   * Longest time one HTTP attempt may take, ms (default 30,000); polls included. A mutating call
   * that gets no answer in time is a `TimeoutError` (it may have acted), a read a
   * `ProviderUnavailableError`.
   */
  readonly requestTimeoutMs?: number | undefined;
  /** Delay between polls of a long-running operation when Azure sends no Retry-After, ms (default 2,000). */
  readonly pollIntervalMs?: number | undefined;
  /** Longest wait for an operation or a state when the caller gives none, ms (default 15 minutes). */
  readonly waitTimeoutMs?: number | undefined;
  /**
   * How long `findByIdempotencyKey` keeps looking before it takes a VM's absence for real, ms
   * (default 3,000; at most four looks). `0` looks once.
   */
  readonly consistencyWindowMs?: number | undefined;
  /** Catalog (sizes, prices) cache lifetime, ms (default one hour). */
  readonly catalogTtlMs?: number | undefined;
  /** After the Retail Prices API failed, how long prices come from the bundled snapshot before it is asked again, ms (default 10 minutes). */
  readonly pricingRetryMs?: number | undefined;
  /** Export options. */
  readonly export?: AzureExportOptions | undefined;
  /** Import options. */
  readonly import?: AzureImportOptions | undefined;
  /** Options of the network companion (`provider.networking`): VPN gateway SKU, active-active, GatewaySubnet size. */
  readonly network?: AzureNetworkOptions | undefined;
}

/** What `JSON.stringify(provider)` shows of an Azure adapter. */
export interface AzureProviderSummary {
  /** Provider name. */
  readonly name: string;
  /** Always `azure`. */
  readonly kind: string;
  /** Resource group. */
  readonly resourceGroup: string;
  /** Configured locations. */
  readonly locations: readonly string[];
}

/** Where each part of a cost estimate came from, and when it was true. */
export interface AzureCostComponents {
  /** The VM size's hourly price (Retail Prices or the bundled snapshot). */
  readonly compute: Provenance;
  /** The managed OS disk's price per GiB-month. */
  readonly storage: Provenance;
  /** The internet egress price per GB. */
  readonly network: Provenance;
}

/** A cost estimate with the provenance of each of its parts. */
export interface AzureCostEstimate extends CostEstimate {
  /** Where each part of the breakdown came from, and when it was true. */
  readonly components: AzureCostComponents;
}

/** How long a deleted VM is still listed as `terminated` (EC2 shows terminated instances about as long). */
const TOMBSTONE_MS = 3_600_000;
const DEFAULT_CONSISTENCY_WINDOW_MS = 3_000;
const LOOKS = 4;

/** The Azure provider. Build it with {@link createAzureProvider}. */
export class AzureProvider implements ProviderV1 {
  /** Version of the Provider specification implemented. */
  readonly specificationVersion = 'v1' as const;
  /** Name of this provider instance. */
  readonly name: string;
  /** Kind of cloud: `azure`. */
  readonly kind = 'azure' as const;
  /** Spot, GPUs, reserved prices, stop/start and deallocate; VHD export and import. */
  readonly capabilities: ProviderCapabilities;
  /** Where this provider publishes its events (the `events` option, or a bus of its own). */
  readonly events: EventBus;
  /** The network companion: VNets, VPN gateways, connections, peerings and routes (`NetworkProviderV1`). */
  readonly networking: AzureNetwork;

  private readonly api: AzureApi;
  private readonly catalog: AzureCatalog;
  private readonly planner: LaunchPlanner;
  private readonly pollers: AzurePollers;
  private readonly owned: OwnedResources;
  private readonly reader: VmReader;
  private readonly scope: ResourceScope;
  private readonly locationList: readonly string[];
  /** Deleted VMs, still reported `terminated` for a while: Azure forgets a VM the moment it is gone. */
  private readonly tombstones = new Map<string, { vm: VM; at: number }>();
  /** The create flow (`vm-creator.ts`). */
  private readonly creator: VmCreator;
  /** The export flow (`vm-exporter.ts`). */
  private readonly exporter: VmExporter;

  /** Use {@link createAzureProvider}. */
  constructor(private readonly options: AzureProviderOptions) {
    const missing = (['subscriptionId', 'resourceGroup', 'location'] as const).filter((k) => typeof options[k] !== 'string' || options[k] === '');
    if (missing.length > 0) throw new InvalidSpecError({ issues: missing.map((field) => ({ field, message: 'an Azure provider needs it (a non-empty string)' })) });
    this.name = options.name ?? `azure-${options.location}`;
    this.scope = { subscriptionId: options.subscriptionId, resourceGroup: options.resourceGroup };
    this.locationList = [...new Set([options.location, ...(options.locations ?? [])])];
    this.events = options.events ?? new EventBus();
    this.api = new AzureApi({ ...options, providerName: this.name });
    this.catalog = new AzureCatalog(this.api, {
      retailPricesEndpoint: options.retailPricesEndpoint,
      caCertificate: options.caCertificate,
      ttlMs: options.catalogTtlMs ?? 3_600_000,
      pricingRetryMs: options.pricingRetryMs,
      // Reported once: every call after it works from the snapshot without a word.
      onFallback: ({ fallback, error }) =>
        this.events.publish('provider.degraded', {
          provider: this.name,
          capability: 'pricing',
          fallback,
          message: `the Azure Retail Prices API could not be used (${error instanceof Error ? error.message : String(error)}); prices come from the bundled snapshot`,
        }),
    });
    const d = options.defaults ?? {};
    this.planner = new LaunchPlanner(
      { providerName: this.name, scope: this.scope, location: options.location, locations: this.locationList, sizeFamilies: d.vmSizeFamilies, virtualNetwork: d.virtualNetwork, subnet: d.subnet, networkSecurityGroup: d.networkSecurityGroup },
      this.catalog,
    );
    this.pollers = new AzurePollers(this.name, { pollIntervalMs: options.pollIntervalMs, waitTimeoutMs: options.waitTimeoutMs });
    this.reader = new VmReader(this.api, this.scope);
    this.owned = new OwnedResources(this.api, this.pollers, this.scope, this.name, this.events, this.reader);
    this.creator = new VmCreator({
      providerName: this.name,
      scope: this.scope,
      options,
      events: this.events,
      api: this.api,
      pollers: this.pollers,
      reader: this.reader,
      owned: this.owned,
      planner: this.planner,
      toVM: (raw, catalog, addresses) => this.toVM(raw, catalog, addresses),
    });
    this.exporter = new VmExporter({ providerName: this.name, scope: this.scope, options, api: this.api, pollers: this.pollers, reader: this.reader, events: this.events, notFound: (id) => this.notFound(id) });
    this.capabilities = { spot: true, gpu: true, reservedPricing: true, stopStart: true, deallocate: true, exportFormats: ['vhd'], importFormats: ['vhd'], vpn: true, peering: true };
    this.networking = new AzureNetwork({
      providerName: this.name,
      scope: this.scope,
      location: options.location,
      locations: this.locationList,
      api: this.api,
      pollers: this.pollers,
      events: this.events,
      federationId: options.federationId,
      settings: networkSettings(options.network),
      now: () => new Date(),
    });
  }

  /** HTTP attempts this provider has made (polls and retries included), for benchmarks and diagnostics. */
  get apiCalls(): number {
    return this.api.tracker.attempts;
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /**
   * Creates a public IP (only when `network.publicIp`), a NIC and the VM, all named from the
   * idempotency key, and, unless `wait: false`, waits for `PowerState/running`.
   */
  async createVM(input: VMSpecInput | VMSpec, options: CreateVMOptions = {}): Promise<VM> {
    const spec = this.parse(input);
    throwIfAborted(options.signal);
    return this.creator.keyed(options.idempotencyKey, (names) => this.creator.create(spec, names, options, undefined));
  }

  /**
   * The VM that a create (or import) with this idempotency key made: found by its deterministic
   * name, whatever its state; a VM this provider deleted comes back `terminated` for an hour. A
   * create whose operation is recorded but whose VM is not visible yet comes back `pending`.
   * `undefined` only after the look has missed across `consistencyWindowMs`.
   */
  async findByIdempotencyKey(idempotencyKey: string, options: CallOptions = {}): Promise<VM | undefined> {
    const { signal } = options;
    throwIfAborted(signal);
    const names = resourceNamesFor(idempotencyKey);
    const vmId = resourceId(this.scope, 'Microsoft.Compute/virtualMachines', names.vm);
    const windowMs = Math.max(0, this.options.consistencyWindowMs ?? DEFAULT_CONSISTENCY_WINDOW_MS);
    const looks = windowMs > 0 ? LOOKS : 1;
    const unit = windowMs / (2 ** (looks - 1) - 1 || 1);
    for (let look = 0; look < looks; look++) {
      if (look > 0) await sleep(unit * 2 ** (look - 1), signal);
      const found = await this.reader.get(names.vm, 'findByIdempotencyKey', signal);
      if (found) return this.toVM(found, await this.catalog.peek(found.location ?? ''), await this.reader.addressesOf(found, signal));
      const tomb = this.tombstone(vmId);
      if (tomb) return tomb;
      const record = await this.creator.readRecord(names.vm);
      if (record?.resumeToken !== undefined) return pendingFromRecord(record, this.name);
    }
    return undefined;
  }

  /** The configured locations (`location` and `locations`): what `regions()` yields, known without a call. */
  get regionNames(): readonly string[] {
    return this.locationList;
  }

  /** What a person (or a log line) sees of this adapter: its name, resource group and locations, never its credentials. */
  toString(): string {
    return `AzureProvider ${this.name} (${this.options.resourceGroup}; ${this.locationList.join(', ')})`;
  }

  /** A credential-free summary for `JSON.stringify`. */
  toJSON(): AzureProviderSummary {
    return { name: this.name, kind: this.kind, resourceGroup: this.options.resourceGroup, locations: this.locationList };
  }

  /** `util.inspect` shows {@link toString}: options (the credential, the admin password) stay out. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Reads one VM with its power state and addresses; `NotFoundError` when the resource group has no such VM. */
  async getVM(id: string, options: CallOptions = {}): Promise<VM> {
    const { signal } = options;
    throwIfAborted(signal);
    const name = vmNameOf(this.scope, id);
    if (name === undefined) throw this.notFound(id);
    const vm = await this.reader.get(name, 'getVM', signal);
    if (!vm) throw this.notFound(id);
    return this.toVM(vm, await this.catalog.peek(vm.location ?? ''), await this.reader.addressesOf(vm, signal));
  }

  /**
   * Streams the resource group's VMs in the configured locations: one listing page (with instance
   * views) per call, and the NICs and public IPs read once per listing. Label, state and location
   * filters are applied here (ARM's VM listing filters on none of them); deleted VMs come back
   * `terminated` for an hour when asked for.
   */
  async *listVMs(filter: ListVMsFilter = {}, options: CallOptions = {}): AsyncIterable<VM> {
    const { signal } = options;
    throwIfAborted(signal);
    if (filter.region !== undefined) this.planner.checkLocation(filter.region);
    const locations = new Set((filter.region !== undefined ? [filter.region] : this.locationList).map((l) => l.toLowerCase()));
    const labels = Object.entries(filter.labels ?? {});
    const wanted = filter.states && filter.states.length > 0 ? new Set<VMState>(filter.states) : undefined;
    const includeTerminated = filter.includeTerminated === true || (wanted?.has('terminated') ?? false);
    const federation = this.options.federationId;
    const book = await this.reader.addressBook(signal);
    const catalogs = new Map<string, LocationCatalog | undefined>();
    const seen = new Set<string>();
    for await (const page of this.reader.pages(signal)) {
      for (const raw of page) {
        const location = raw.location?.toLowerCase() ?? '';
        if (!locations.has(location)) continue;
        if (federation !== undefined && raw.tags?.[NOVACRON_TAG.federation] !== federation) continue;
        if (!hasLabels(raw.tags, labels)) continue;
        if (!catalogs.has(location)) catalogs.set(location, await this.catalog.peek(raw.location!));
        const vm = this.toVM(raw, catalogs.get(location), book);
        seen.add(vm.id.toLowerCase());
        if (vm.state === 'terminated' && !includeTerminated) continue;
        if (wanted && !wanted.has(vm.state)) continue;
        yield vm;
      }
    }
    if (!includeTerminated) return;
    for (const [id, { vm }] of this.liveTombstones()) {
      if (seen.has(id) || !locations.has(vm.region.toLowerCase()) || !labels.every(([k, v]) => vm.labels[k] === v)) continue;
      if (wanted && !wanted.has('terminated')) continue;
      yield vm;
    }
  }

  /**
   * Deletes a VM and, unless `wait: false`, waits for it to be gone, then removes its NIC, public IP
   * and OS disk when they are novacron's and this VM's (see `owned-resources.ts`); with `wait: false`
   * that removal goes on in the background. An unknown VM succeeds.
   */
  async deleteVM(id: string, options: PowerOptions = {}): Promise<void> {
    const { signal } = options;
    throwIfAborted(signal);
    const name = vmNameOf(this.scope, id);
    if (name === undefined) return; // no VM of this resource group can have that id
    const existing = await this.reader.get(name, 'deleteVM', signal);
    const snapshot = existing ? this.toVM(existing, await this.catalog.peek(existing.location ?? ''), undefined) : undefined;
    const done = this.owned.deleteVirtualMachine(name, existing, options.wait === false ? undefined : signal).then(async (known) => {
      await this.owned.removeFor(name, known);
      const record = await this.creator.readRecord(name).catch(() => undefined);
      if (record) await this.creator.forgetOperation(record);
    });
    if (snapshot) this.remember(terminatedCopy(snapshot));
    this.events.publish('vm.deleted', { provider: this.name, vmId: snapshot?.id ?? id });
    if (options.wait === false) {
      done.catch((error: unknown) =>
        this.events.publish('operation.failed', { provider: this.name, operation: 'deleteVM', errorCode: azureErrorCode(error) ?? 'Unknown', message: `deleteVM of ${id}: ${error instanceof Error ? error.message : String(error)}` }),
      );
      return;
    }
    await done;
  }

  /** Starts a stopped or deallocated VM and, unless `wait: false`, waits for it to run. */
  async startVM(id: string, options: PowerOptions = {}): Promise<VM> {
    return this.power('startVM', id, options, (compute, rg, name, o) => compute.virtualMachines.start(rg, name, o));
  }

  /**
   * Stops a VM: `powerOff` (state `stopped`: the VM keeps its hardware and is still billed for
   * compute), or with `deallocate: true`, `deallocate` (state `deallocated`: hardware released, no
   * compute billing). Waits unless `wait: false`.
   */
  async stopVM(id: string, options: StopVMOptions = {}): Promise<VM> {
    return options.deallocate
      ? this.power('stopVM', id, options, (compute, rg, name, o) => compute.virtualMachines.deallocate(rg, name, o))
      : this.power('stopVM', id, options, (compute, rg, name, o) => compute.virtualMachines.powerOff(rg, name, o));
  }

  /** Deallocates a VM: `stopVM(id, { deallocate: true })`. */
  async deallocateVM(id: string, options: PowerOptions = {}): Promise<VM> {
    return this.stopVM(id, { ...options, deallocate: true });
  }

  /** Restarts a running VM. */
  async rebootVM(id: string, options: PowerOptions = {}): Promise<VM> {
    return this.power('rebootVM', id, options, (compute, rg, name, o) => compute.virtualMachines.restart(rg, name, o));
  }

  private async power(
    operation: string,
    id: string,
    options: PowerOptions,
    start: (compute: ComputeManagementClient, rg: string, name: string, o: { updateIntervalInMs: number; abortSignal: AbortSignal | undefined }) => AzurePoller<void>,
  ): Promise<VM> {
    const { signal } = options;
    throwIfAborted(signal);
    const name = vmNameOf(this.scope, id);
    if (name === undefined) throw this.notFound(id);
    await this.api.run({ operation, resourceType: 'vm', resourceId: id, mutating: true }, signal, async ({ compute }) => {
      const poller = start(compute, this.scope.resourceGroup, name, { updateIntervalInMs: this.pollers.pollIntervalMs, abortSignal: signal });
      await this.pollers.submitted(poller);
      if (options.wait !== false) await this.pollers.wait(poller, { signal, resourceId: id, what: `${operation} of ${id}` });
    });
    return this.getVM(id, { signal });
  }

  // -------------------------------------------------------------------------------------------
  // Knowledge

  /** The configured locations, with the zones Resource SKUs lists and their geography. */
  async *regions(options: CallOptions = {}): AsyncIterable<Region> {
    throwIfAborted(options.signal);
    const { bundledRegions } = await import('../../catalog/bundled-snapshot.js');
    const known = new Map(bundledRegions('azure').map((r) => [r.name, r.geo]));
    for (const name of this.locationList) {
      const catalog = await this.catalog.location(name, options.signal);
      yield { name, zones: catalog.zones, geo: known.get(name) };
    }
  }

  /** VM sizes per zone (region-wide where a size has no zones), with pay-as-you-go, Spot and reservation prices. */
  async *offers(region?: string, options: CallOptions = {}): AsyncIterable<Offer> {
    throwIfAborted(options.signal);
    const locations = region !== undefined ? [this.planner.checkLocation(region)] : this.locationList;
    for (const location of locations) yield* await this.catalog.offers(location, options.signal);
  }

  /**
   * Prices a spec: compute (pay-as-you-go or Spot) from Retail Prices (or the snapshot), the
   * managed OS disk at its billed tier, and internet egress; each part says where it came from.
   */
  async estimateCost(input: VMSpecInput | VMSpec, options: CallOptions = {}): Promise<AzureCostEstimate> {
    const spec = this.parse(input);
    throwIfAborted(options.signal);
    const plan = await this.planner.plan({ spec, withImage: false, signal: options.signal });
    if (plan.hourlyPrice === undefined) {
      throw new ProviderUnavailableError({ provider: this.name, message: `estimateCost: no ${spec.spot ? 'Spot ' : ''}price for ${plan.size.name} in ${plan.location}`, retryable: false });
    }
    const { bundledStoragePrices } = await import('../../catalog/bundled-snapshot.js');
    const storagePrices = bundledStoragePrices('azure')!;
    const disk = diskPricePerGiBMonth(storageAccountTypeOf(spec.disk.type), storagePrices);
    const egress = egressPricePerGB(storagePrices);
    const compute = plan.hourlyPrice.amount * HOURS_PER_MONTH;
    const storage = disk.amount * billedDiskGiB(plan.osDiskGiB);
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
      instanceType: plan.size.name,
      region: plan.location,
      spot: spec.spot,
      source: [...new Set([components.compute.source, components.storage.source, components.network.source])].join('+'),
      asOf: olderDate(olderDate(components.compute.asOf, components.storage.asOf), components.network.asOf),
      components,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Portability

  /**
   * Snapshots the VM's OS disk and grants time-limited read access to it as a VHD. Without
   * `export.store`: a `vhd` artifact whose location is the snapshot's SAS URL (valid
   * `export.sasDurationSeconds`; the snapshot is kept, tagged as novacron's and the VM's, while the
   * URL is in use). With it: the VHD streamed into the store, the snapshot removed, and an
   * artifact at `store.locationOf(key)` with the store's size and SHA-256 (see `vm-exporter.ts`).
   */
  exportVM(id: string, options: CallOptions = {}): Promise<ImageArtifact> {
    return this.exporter.export(id, options);
  }

  /** Creates a managed disk from a `vhd` artifact (`createOption: Import`) and a VM booting from it; idempotent by key like `createVM`. */
  async importVM(artifact: ImageArtifact, input: VMSpecInput | VMSpec, options: ImportVMOptions = {}): Promise<VM> {
    const spec = this.parse(input);
    throwIfAborted(options.signal);
    if (!this.capabilities.importFormats.includes(artifact.format)) {
      throw new UnsupportedError({ provider: this.name, capability: `import:${artifact.format}`, message: `importVM: ${artifact.format} images cannot be imported into Azure; use ${this.capabilities.importFormats.join(', ')}` });
    }
    if (!/^https?:\/\//.test(artifact.location)) {
      throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'artifact.location', message: 'Azure imports VHDs from a blob URL (an export SAS URL, or a page blob in a storage account)' }] });
    }
    return this.creator.keyed(options.idempotencyKey, (names) => this.creator.create(spec, names, options, artifact));
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
      if (d?.osDiskType !== undefined && raw.disk !== undefined && (typeof raw.disk !== 'object' || raw.disk.type === undefined)) {
        patch.disk = typeof raw.disk === 'object' ? { ...raw.disk, type: d.osDiskType } : { size: raw.disk, type: d.osDiskType };
      } else if (d?.osDiskType !== undefined && raw.disk === undefined) patch.disk = { size: 30, type: d.osDiskType };
      if (Object.keys(patch).length > 0) value = { ...raw, ...patch };
    }
    return parseVMSpec(value, { provider: this.name });
  }

  private notFound(id: string, cause?: unknown): NotFoundError {
    return new NotFoundError({ provider: this.name, message: `no VM with id ${id}`, resourceType: 'vm', resourceId: id, cause });
  }

  private toVM(raw: VirtualMachine, catalog: LocationCatalog | undefined, addresses: AddressBook | undefined): VM {
    const sizeName = raw.hardwareProfile?.vmSize;
    const size = sizeName ? catalog?.sizes.get(sizeName) : undefined;
    const price = sizeName ? catalog?.prices.get(sizeName) : undefined;
    const spot = raw.priority === 'Spot' || raw.priority === 'Low';
    const amount = spot ? price?.spot : price?.onDemand;
    const hourlyPrice: HourlyPrice | undefined = price && amount !== undefined ? { amount, currency: price.currency, source: price.source, asOf: price.asOf } : undefined;
    return azureVmToVM(raw, { provider: this.name, size, hourlyPrice, addresses });
  }

  private remember(vm: VM): void {
    this.tombstones.set(vm.id.toLowerCase(), { vm, at: Date.now() });
    if (this.tombstones.size > 10_000) {
      const oldest = this.tombstones.keys().next().value;
      if (oldest !== undefined) this.tombstones.delete(oldest);
    }
  }

  private tombstone(id: string): VM | undefined {
    const entry = this.tombstones.get(id.toLowerCase());
    if (!entry) return undefined;
    if (Date.now() - entry.at > TOMBSTONE_MS) {
      this.tombstones.delete(id.toLowerCase());
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

/**
 * Creates an Azure provider. Nothing is loaded or called until the first operation.
 *
 * ```ts
 * const azure = createAzureProvider({
 *   subscriptionId: process.env.AZURE_SUBSCRIPTION_ID!,
 *   resourceGroup: 'novacron-prod',
 *   location: 'westus2',
 *   defaults: { virtualNetwork: 'vnet', subnet: 'default', sshPublicKey: readFileSync('id_ed25519.pub', 'utf8') },
 * });
 * const vm = await azure.createVM({ name: 'web-1', cpu: 2, memory: '4Gi' }, { idempotencyKey: 'web-1' });
 * ```
 */
export function createAzureProvider(options: AzureProviderOptions): AzureProvider {
  return new AzureProvider(options);
}
