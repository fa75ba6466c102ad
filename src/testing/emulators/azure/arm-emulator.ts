/**
 * A local Azure Resource Manager for tests, demos and offline work: an https endpoint (its
 * certificate made at start) that the real `@azure/arm-compute` and `@azure/arm-network` clients
 * talk to through nothing more than `endpoint`, a trusted CA and a credential, with the real
 * bearer-token policy in the path. It serves resource groups, virtual networks and subnets,
 * NSGs, NICs, public IPs, VMs, disks, snapshots and Resource SKUs in ARM's shapes, for the
 * api-versions the SDKs send; runs writes as ARM's asynchronous operations; pages lists with
 * `nextLink`; and takes the kit's faults in ARM's words. Disks carry real guest bytes (files of
 * the kit's `GuestDiskStore`, removed on close): an export SAS URL serves a real fixed VHD, and a
 * disk `Import` reads a page blob of a linked storage account. A Retail Prices emulator runs beside it,
 * priced from the same snapshot as its sizes. It stands on the emulator kit and runs without vitest.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Offer } from '../../../provider/types.js';
import { startAzureRetailPricesEmulator, type AzureRetailPricesEmulator } from '../azure-retail-prices.js';
import { EmulatorBase } from '../kit/emulator-base.js';
import { EmulatorServer } from '../kit/emulator-server.js';
import { GuestDiskStore, type GuestDisk } from '../kit/guest-disks.js';
import { LifecycleClock } from '../kit/lifecycle-clock.js';
import { emulatorStats, type EmulatorStats, type RequestLogEntry } from '../kit/request-log.js';
import type { ArmWorld } from './arm-call.js';
import { armEndpointOptions } from './arm-endpoint.js';
import { ArmFaultPlan } from './arm-fault-plan.js';
import { ArmState, type PowerState } from './arm-state.js';
import { ArmStateViews } from './arm-views.js';
import { ArmResponder } from './arm-wire.js';
import { ArmAsyncOperations } from './async-operations.js';
import { DiskContents } from './disk-contents.js';
import { ArmEmulatorCredential, type ArmTokenCredential } from './emulator-credential.js';
import { RateLimitCounters } from './rate-limit-headers.js';
import { idKey, isIdOfType } from './resource-id.js';
import { seedNetwork, seedVirtualMachines, type SeededNetwork, type SeedVirtualMachinesOptions } from './seed-subscription.js';
import { LinkedStorageAccounts, type ArmStorageAccountLink } from './storage-accounts.js';
import { TokenIssuer } from './token-issuer.js';
import { evictSpotVirtualMachine } from './virtual-machine-actions.js';
import { VhdBlobs } from './vhd-blobs.js';
import { configureGatewayTiming, type GatewayTiming } from './virtual-network-gateway-state.js';
import { setConnectionStatus } from './connection-handlers.js';
import { DEFAULT_SKU_RESTRICTIONS, VmSizeCatalog, type SkuRestrictionSeed } from './vm-size-catalog.js';

/** The defaults an adapter creates VMs with. */
export interface ArmEmulatorDefaults {
  /** Virtual network (seeded in the default location; `{name}-{location}` elsewhere). */
  readonly virtualNetwork: string;
  /** Subnet of it. */
  readonly subnet: string;
  /** NSG (seeded beside the virtual network). */
  readonly networkSecurityGroup: string;
  /** Admin user name for new VMs. */
  readonly adminUsername: string;
  /** An SSH public key (OpenSSH `ssh-ed25519 ...`, made at start). */
  readonly sshPublicKey: string;
}

/** What points an Azure provider (or any Azure SDK client) at the emulator. */
export interface ArmEmulatorProviderOptions {
  /** ARM base URL of the emulator. */
  readonly endpoint: string;
  /** The subscription (a GUID). */
  readonly subscriptionId: string;
  /** The seeded resource group. */
  readonly resourceGroup: string;
  /** Default location. */
  readonly location: string;
  /** Locations the subscription can use. */
  readonly locations: readonly string[];
  /** A credential whose tokens the emulator accepts (structurally a `TokenCredential`). */
  readonly credential: ArmTokenCredential;
  /** PEM of the emulator's certificate, the CA a client must trust. */
  readonly caCertificate: string;
  /** Retail Prices API base URL (the emulator beside it). */
  readonly retailPricesEndpoint: string;
  /** Defaults for new VMs. */
  readonly defaults: ArmEmulatorDefaults;
}

/** Options of {@link startArmEmulator}. */
export interface ArmEmulatorOptions {
  /** Port (default: any free port). */
  readonly port?: number | undefined;
  /** Host to bind (default `127.0.0.1`). */
  readonly host?: string | undefined;
  /** Subscription id (default `5f0c7d5e-2a4b-4c1e-9d7a-0e1f2a3b4c5d`). */
  readonly subscriptionId?: string | undefined;
  /** Tenant id (default `72f988bf-0000-4000-8000-00000000e7e1`). */
  readonly tenantId?: string | undefined;
  /** Client id the token endpoint accepts (default `novacron-emulator-client`). */
  readonly clientId?: string | undefined;
  /** Client secret it accepts (default `emulator-client-secret`). */
  readonly clientSecret?: string | undefined;
  /** Seeded resource group (default `novacron-rg`). */
  readonly resourceGroup?: string | undefined;
  /** Default location (default `westeurope`). */
  readonly location?: string | undefined;
  /** Locations (default `['westeurope', 'eastus']`); each must be one the price snapshot covers. */
  readonly locations?: readonly string[] | undefined;
  /** Overrides of the VM defaults. */
  readonly defaults?: Partial<Omit<ArmEmulatorDefaults, 'sshPublicKey'>> | undefined;
  /** Items per list page (default 50). */
  readonly pageSize?: number | undefined;
  /** How long an asynchronous operation runs, ms (default 100). */
  readonly operationMs?: number | undefined;
  /**
   * How long a VPN gateway's create, update and delete and a connection's create and delete run,
   * ms of the emulator's clock (defaults: 30 minutes, 2 minutes, 10 minutes, 60 seconds; Azure
   * takes 30–45 minutes to provision a gateway). Shorten them, or drive a manual `clock`, in tests.
   */
  readonly gatewayTiming?: Partial<GatewayTiming> | undefined;
  /** `Retry-After` seconds on asynchronous answers (default: none, so clients poll at their own interval). */
  readonly operationRetryAfterSeconds?: number | undefined;
  /** How long a NIC stays reserved after its VM is deleted, ms (Azure: 180,000; default 0). */
  readonly nicReservationMs?: number | undefined;
  /** Access token lifetime, seconds (default 3600). */
  readonly tokenLifetimeSeconds?: number | undefined;
  /** Sizes taken away from locations or zones (default {@link DEFAULT_SKU_RESTRICTIONS}). */
  readonly skuRestrictions?: readonly SkuRestrictionSeed[] | undefined;
  /** Quotas in force from the start, as `faults.quota(name, n)` sets them (`{ cores: 16 }`). */
  readonly quotas?: Readonly<Record<string, number>> | undefined;
  /** Seed of the throttling PRNG. */
  readonly seed?: number | undefined;
  /** Clock, epoch ms (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
  /** Offers the sizes and prices come from (default: the bundled snapshot's Azure offers). */
  readonly offers?: readonly Offer[] | undefined;
  /**
   * Storage accounts whose blobs a disk `Import` reads (an Azurite with its account key, say);
   * more can be linked later with {@link ArmEmulator.linkStorageAccount}.
   */
  readonly storageAccounts?: readonly ArmStorageAccountLink[] | undefined;
  /**
   * Length of the guest disk of a platform image (and of an empty disk), bytes: a whole number of
   * MiB (default 1 MiB). The disk's `diskSizeGB` stays the image's; its bytes are kept this small.
   */
  readonly syntheticDiskBytes?: number | undefined;
  /** Directory the guest disks' files are kept in (default: a fresh one under the system's temporary directory, removed on close). */
  readonly guestDiskDir?: string | undefined;
}

/** Calls counted per operation, for N+1 checks and figures. */
export type ArmEmulatorStats = EmulatorStats;

/** One request as the emulator recorded it, with its api-version. */
export interface ArmRequestRecord extends RequestLogEntry {
  /** The `api-version` sent, when any. */
  readonly apiVersion: string | undefined;
}

/** What `new ComputeManagementClient(credential, sub, { ...emu.sdkClientOptions })` needs. */
export interface ArmSdkClientOptions {
  /** The emulator's base URL. */
  readonly endpoint: string;
  /** TLS settings: the emulator's CA. */
  readonly tlsOptions: {
    /** PEM of the emulator's certificate, the CA to trust. */
    readonly ca: string;
  };
}

/** A fresh OpenSSH public key line: `ssh-ed25519 base64(string "ssh-ed25519" || string key)` (RFC 8709 §4, RFC 4251 §5 strings). */
function sshPublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const part = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([part(Buffer.from('ssh-ed25519')), part(raw)]).toString('base64')} novacron-emulator`;
}

interface ArmEmulatorParts {
  readonly world: ArmWorld;
  readonly state: ArmState;
  readonly faults: ArmFaultPlan;
  readonly credential: ArmEmulatorCredential;
  readonly prices: AzureRetailPricesEmulator;
  readonly networks: ReadonlyMap<string, SeededNetwork>;
  readonly resourceGroup: string;
  readonly defaults: ArmEmulatorDefaults;
  readonly requests: ArmRequestRecord[];
  readonly clientCredentials: { readonly tenantId: string; readonly clientId: string; readonly clientSecret: string };
}

/**
 * A running ARM emulator. Start one with {@link startArmEmulator}.
 *
 * ```ts
 * const emu = await startArmEmulator();
 * const azure = createAzureProvider({ ...emu.providerOptions });
 * emu.faults.throttle(0.3, { retryAfterMs: 1000 });                  // 30 % 429 with Retry-After
 * emu.faults.capacity({ zone: 'westeurope-1', type: 'Standard_D2s_v5' }, 0); // ZonalAllocationFailed
 * emu.faults.quota('cores', 8);                                      // OperationNotAllowed beyond
 * emu.faults.dropResponse('virtualMachines.createOrUpdate');         // PUT applied, answer lost
 * const vm = emu.state.virtualMachine('web-1');                      // the stored ARM JSON
 * const guest = await emu.guestDiskOf('web-1');                      // its OS disk's raw bytes: { path, sizeBytes, sha256 }
 * emu.linkStorageAccount({ name: azurite.accountName, blobEndpoint: azurite.blobEndpoint, accountKey: azurite.accountKey }); // disk imports read its page blobs
 * console.log(emu.stats.byOperation());
 * await emu.close();
 * ```
 */
export class ArmEmulator extends EmulatorBase {
  /** Spread into `createAzureProvider({ ...emu.providerOptions })`. */
  readonly providerOptions: ArmEmulatorProviderOptions;
  /** Spread into an SDK client's options: `endpoint` and `tlsOptions: { ca }`. */
  readonly sdkClientOptions: ArmSdkClientOptions;
  /** Read-only views of the stored resources. */
  readonly state: ArmStateViews;
  /** Calls per operation (a view of the request log). */
  readonly stats: ArmEmulatorStats;
  /** A poll interval that suits the emulator's operation times, ms (pass as `updateIntervalInMs`). */
  readonly pollIntervalMs: number;

  private constructor(
    server: EmulatorServer,
    private readonly parts: ArmEmulatorParts,
  ) {
    super(server);
    const ca = server.ca!;
    const defaultLocation = parts.world.defaultLocation;
    this.providerOptions = {
      endpoint: server.endpoint,
      subscriptionId: parts.state.subscriptionId,
      resourceGroup: parts.resourceGroup,
      location: defaultLocation,
      locations: parts.state.locations,
      credential: parts.credential,
      caCertificate: ca,
      retailPricesEndpoint: parts.prices.endpoint,
      defaults: parts.defaults,
    };
    this.sdkClientOptions = { endpoint: server.endpoint, tlsOptions: { ca } };
    this.state = new ArmStateViews(parts.state, parts.resourceGroup);
    this.pollIntervalMs = 20;
    const { log } = server;
    this.stats = emulatorStats(log, () => {
      parts.requests.length = 0;
    });
  }

  /** Starts an emulator; see {@link startArmEmulator}. */
  static async start(options: ArmEmulatorOptions = {}): Promise<ArmEmulator> {
    const location = options.location ?? 'westeurope';
    const locations = [...new Set([location, ...(options.locations ?? ['westeurope', 'eastus'])])];
    const offers = options.offers ?? (await import('../../../catalog/bundled-snapshot.js')).bundledOffers({ provider: 'azure' });
    const catalog = new VmSizeCatalog(offers, locations, options.skuRestrictions ?? DEFAULT_SKU_RESTRICTIONS);
    const missing = locations.filter((l) => !catalog.locations().includes(l));
    if (missing.length > 0) throw new Error(`[novacron] [arm-emulator] no sizes for location(s) ${missing.join(', ')}; the price snapshot covers ${[...new Set(offers.map((o) => o.region))].join(', ')}`);
    const clock = new LifecycleClock(options.clock ?? Date.now);
    const faults = new ArmFaultPlan(options.seed ?? 1);
    for (const [name, limit] of Object.entries(options.quotas ?? {})) faults.quota(name, limit);
    const subscriptionId = options.subscriptionId ?? '5f0c7d5e-2a4b-4c1e-9d7a-0e1f2a3b4c5d';
    const tenantId = options.tenantId ?? '72f988bf-0000-4000-8000-00000000e7e1';
    // The handlers need the endpoint, which is known once the server listens.
    const started: { server?: EmulatorServer } = {};
    const endpoint = (): string => started.server?.endpoint ?? '';
    const operations = new ArmAsyncOperations(clock, options.operationMs ?? 100, (kind) => faults.extraOperationMs(kind), { endpoint, subscriptionId });
    const resourceGroup = options.resourceGroup ?? 'novacron-rg';
    const contents = new DiskContents({ store: new GuestDiskStore({ dir: options.guestDiskDir }), syntheticDiskBytes: options.syntheticDiskBytes });
    const storageAccounts = new LinkedStorageAccounts(subscriptionId, resourceGroup);
    for (const account of options.storageAccounts ?? []) storageAccounts.link(account);
    const state = new ArmState({ subscriptionId, tenantId, locations, clock, catalog, operations, blobs: new VhdBlobs(clock.now, endpoint), contents, storageAccounts, nicReservationMs: options.nicReservationMs ?? 0 });
    configureGatewayTiming(state, options.gatewayTiming);
    state.putResourceGroup(resourceGroup, location);
    const names = { virtualNetwork: options.defaults?.virtualNetwork ?? 'novacron-vnet', subnet: options.defaults?.subnet ?? 'default', networkSecurityGroup: options.defaults?.networkSecurityGroup ?? 'novacron-nsg' };
    const networks = new Map<string, SeededNetwork>();
    locations.forEach((l, i) => {
      const suffixed = l === location ? names : { ...names, virtualNetwork: `${names.virtualNetwork}-${l}`, networkSecurityGroup: `${names.networkSecurityGroup}-${l}` };
      networks.set(l, seedNetwork(state, resourceGroup, l, suffixed, i));
    });
    const world: ArmWorld = {
      state,
      faults,
      endpoint,
      ca: () => started.server?.ca,
      defaultLocation: location,
      pageSize: options.pageSize ?? 50,
      operationRetryAfterSeconds: options.operationRetryAfterSeconds,
    };
    const issuer = new TokenIssuer(tenantId, clock.now, options.tokenLifetimeSeconds ?? 3600);
    const credentials = { tenantId, clientId: options.clientId ?? 'novacron-emulator-client', clientSecret: options.clientSecret ?? 'emulator-client-secret' };
    const requests: ArmRequestRecord[] = [];
    const responder = new ArmResponder({ subscriptionId, tenantId, routingRegion: location, now: clock.now, counters: new RateLimitCounters(clock.now) });
    const server = await EmulatorServer.start({
      host: options.host,
      port: options.port,
      tls: true,
      ...armEndpointOptions({ world, responder, issuer, credentials, onCall: (entry, apiVersion) => requests.push({ ...entry, apiVersion }) }),
    });
    started.server = server;
    const prices = await startAzureRetailPricesEmulator({ offers });
    const credential = new ArmEmulatorCredential({ authorityHost: server.endpoint, ...credentials, caCertificate: server.ca! });
    const defaults: ArmEmulatorDefaults = { ...names, adminUsername: options.defaults?.adminUsername ?? 'azureuser', sshPublicKey: sshPublicKey() };
    return new ArmEmulator(server, { world, state, faults, credential, prices, networks, resourceGroup, defaults, requests, clientCredentials: credentials });
  }

  /** The kit's fault plan, with ARM's failed provisioning and slow operations. */
  override get faults(): ArmFaultPlan {
    return this.parts.faults;
  }

  /** The tenant, client id and secret the token endpoint accepts (for `ClientSecretCredential`). */
  get clientCredentials(): {
    /** Tenant id. */
    readonly tenantId: string;
    /** Client (application) id. */
    readonly clientId: string;
    /** Client secret. */
    readonly clientSecret: string;
    /** Authority host for `ClientSecretCredential`: the emulator, which serves the token endpoint. */
    readonly authorityHost: string;
  } {
    return { ...this.parts.clientCredentials, authorityHost: this.endpoint };
  }

  /** The Retail Prices emulator beside this one (its own faults and request log). */
  get retailPrices(): AzureRetailPricesEmulator {
    return this.parts.prices;
  }

  /** Every request, oldest first, with its api-version. */
  requests(operation?: string): readonly ArmRequestRecord[] {
    return operation === undefined ? [...this.parts.requests] : this.parts.requests.filter((r) => r.operation === operation);
  }

  /** The seeded virtual network, subnet and NSG of a location (default: the emulator's). */
  network(location = this.parts.world.defaultLocation): SeededNetwork {
    const found = this.parts.networks.get(location);
    if (!found) throw new Error(`[novacron] [arm-emulator] no seeded network in ${location}`);
    return found;
  }

  /** Adds `count` running VMs (with NICs and OS disks) directly to the state, no API call; returns their ids. */
  seedVirtualMachines(count: number, options: SeedVirtualMachinesOptions = {}): string[] {
    const location = options.location ?? this.parts.world.defaultLocation;
    return seedVirtualMachines(this.parts.state, this.network(location), options.resourceGroup ?? this.parts.resourceGroup, this.parts.defaults.adminUsername, count, options);
  }

  /** Evicts a spot VM now (its eviction policy applies: deallocated, or deleted). */
  evictSpot(vmId: string): void {
    this.parts.state.advance();
    evictSpotVirtualMachine(this.parts.state, this.resolveVmId(vmId));
  }

  /** Sets the current spot price of a size in a location (USD per hour). */
  setSpotPrice(size: string, location: string, price: number): void {
    this.parts.state.catalog.setSpotPrice(size, location, price);
  }

  /**
   * Declares a blob a disk import may read by its size alone (no bytes are read: the disk gets a
   * small synthetic guest disk). For imports of real bytes, link the blob's storage account
   * ({@link ArmEmulatorOptions.storageAccounts}, {@link linkStorageAccount}).
   */
  registerBlob(url: string, sizeBytes: number, options: { readonly vhd?: boolean | undefined } = {}): void {
    this.parts.state.blobs.register(url, sizeBytes, options);
  }

  /** Links a storage account whose blobs disk imports read (e.g. Azurite's); returns its ARM id, for `creationData.storageAccountId`. */
  linkStorageAccount(account: ArmStorageAccountLink): string {
    return this.parts.state.storageAccounts.link(account);
  }

  /**
   * The guest disk (raw bytes, size, SHA-256) of a VM's OS disk, by the VM's name (in the seeded
   * resource group) or id; also takes the id of a managed disk or snapshot. `undefined` when
   * there is no such resource. The file belongs to the emulator: read it, never change it.
   */
  async guestDiskOf(vmNameOrId: string): Promise<GuestDisk | undefined> {
    const state = this.parts.state;
    const id = isIdOfType(vmNameOrId, 'Microsoft.Compute/disks') || isIdOfType(vmNameOrId, 'Microsoft.Compute/snapshots') ? vmNameOrId : undefined;
    const diskId = id ?? state.virtualMachines.get(idKey(this.resolveVmId(vmNameOrId)))?.body.properties.storageProfile.osDisk.managedDisk.id;
    if (diskId === undefined) return undefined;
    const holder = state.disks.get(idKey(diskId))?.body ?? state.snapshots.get(idKey(diskId));
    return holder ? state.contents.of(holder) : undefined;
  }

  /** Sets a VM's power state directly (no API call), e.g. to prepare a listing. */
  setPowerState(vmId: string, power: PowerState): void {
    const vm = this.parts.state.virtualMachines.get(this.resolveVmId(vmId).toLowerCase());
    if (!vm) throw new Error(`[novacron] [arm-emulator] no VM ${vmId}`);
    vm.power = power;
  }

  /**
   * Sets what a site-to-site connection (id, or name in the seeded group) reports once provisioned
   * (`Connected`, `NotConnected`, ...): the far side's answer, which an emulator cannot see.
   */
  setConnectionStatus(connectionIdOrName: string, status: 'Connecting' | 'Connected' | 'NotConnected' | 'Unknown'): void {
    const id = connectionIdOrName.startsWith('/') ? connectionIdOrName : `/subscriptions/${this.parts.state.subscriptionId}/resourceGroups/${this.parts.resourceGroup}/providers/Microsoft.Network/connections/${connectionIdOrName}`;
    this.parts.state.advance();
    setConnectionStatus(this.parts.state, id, status);
  }

  /** Closes the emulator and the Retail Prices emulator beside it. */
  override async close(): Promise<void> {
    await Promise.all([super.close(), this.parts.prices.close()]);
    await this.parts.state.contents.close();
  }

  private resolveVmId(idOrName: string): string {
    return idOrName.startsWith('/') ? idOrName : `/subscriptions/${this.parts.state.subscriptionId}/resourceGroups/${this.parts.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${idOrName}`;
  }
}

/**
 * Starts an ARM emulator (and a Retail Prices emulator beside it) on 127.0.0.1. Works in plain
 * Node (no test runner needed); see {@link ArmEmulator} for an example.
 */
export function startArmEmulator(options: ArmEmulatorOptions = {}): Promise<ArmEmulator> {
  return ArmEmulator.start(options);
}
