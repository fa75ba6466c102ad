/**
 * A local Compute Engine for tests, demos and offline work: an http endpoint that the real
 * `@google-cloud/compute` clients (REST transport) talk to through nothing more than
 * `apiEndpoint`, `port`, `protocol: 'http'` and the emulator's `authClient`. It serves instances
 * (insert, get, list, aggregated list, delete, start, stop, suspend, resume, reset, setLabels),
 * zone and global operations (get, list, wait), machine types, accelerator types, zones, regions,
 * public and imported images, disks and snapshots, and VPC networking (networks and peerings,
 * subnetworks, HA VPN and external VPN gateways, VPN tunnels, Cloud Routers, routes, region
 * operations: `network-*.ts`) in Compute Engine's v1 JSON; runs writes as
 * operations that go PENDING → RUNNING → DONE; deduplicates writes by `requestId`; pages and
 * filters lists; keeps GCE's strictness on the insert body; and takes the kit's faults in GCE's
 * words (see `gce-fault-plan.ts`; operation names in {@link GCE_OPERATIONS}). A Cloud Billing
 * Catalog emulator runs beside it, pricing the machine types from the same bundled snapshot.
 *
 * Cloud Storage is held as a registry of objects (`registerStorageObject`), read by image
 * imports and by the JSON API's object metadata read (`GET /storage/v1/b/{bucket}/o/{object}`,
 * bearer token required). An export worker is real in these terms: an instance whose metadata
 * names a `novacron-export-destination` (`gs://bucket/object.tar.gz`) and which has a non-boot
 * disk created from an image runs like any instance, then writes that object (sized from the
 * image) and moves STOPPING → TERMINATED, as its startup script's `poweroff` would. It stands on
 * the emulator kit and runs without vitest.
 *
 * Linked to a Cloud Storage emulator (the `storage` option), the bytes are real: image imports
 * read the archive from it (a gzip'd tar holding `disk.raw`, a whole number of GB, refused in
 * GCE's words otherwise), export workers write a real `disk.raw` tar.gz of their disk to it, and
 * the adapter reads object metadata from it with the same token (one Google token serves both
 * APIs). Every disk, image and snapshot carries guest bytes (a 1 GiB synthetic disk for a public
 * image, made when first asked for), shared by what is made from one another; {@link
 * GceEmulator.guestDiskOf} gives those of an instance's boot disk.
 */
import type { Offer } from '../../../provider/types.js';
import { startGcpBillingCatalogEmulator, type GcpBillingCatalogEmulator, type GcpGpuRateSeed } from '../gcp-billing-catalog.js';
import { EmulatorBase } from '../kit/emulator-base.js';
import { EmulatorServer } from '../kit/emulator-server.js';
import { LifecycleClock } from '../kit/lifecycle-clock.js';
import { GuestDiskStore, type GuestDisk } from '../kit/guest-disks.js';
import { emulatorStats, type EmulatorStats, type RequestLogEntry } from '../kit/request-log.js';
import { GceEmulatorAuthClient, GceTokenIssuer } from './gce-auth-client.js';
import type { GceWorld, StorageObjectInfo } from './gce-call.js';
import { gceEndpointOptions } from './gce-endpoint.js';
import { GceFaultPlan } from './gce-fault-plan.js';
import type { GceInstanceStatus } from './gce-shapes.js';
import { GceState, type InstanceRecord } from './gce-state.js';
import { GceStateViews } from './gce-views.js';
import { COMPUTE_BASE, MachineCatalog } from './machine-catalog.js';
import { GceNetworkFabric } from './network-fabric.js';
import { GceNetworkState } from './network-state.js';
import { GceNetworkViews } from './network-views.js';
import { OperationStore } from './operation-store.js';
import type { GceLinkedStorage } from './storage-link.js';

/** Defaults an adapter creates instances with. */
export interface GceEmulatorDefaults {
  /** Network name (the emulator's one network). */
  readonly network: string;
  /** Subnetwork name (one per region, same name). */
  readonly subnetwork: string;
}

/** What points a GCP provider (or any `@google-cloud/compute` client) at the emulator. */
export interface GceEmulatorProviderOptions {
  /** Project id. */
  readonly project: string;
  /** Default region. */
  readonly region: string;
  /** Every emulated zone (across regions). */
  readonly zones: readonly string[];
  /** Base URL (`http://127.0.0.1:port`). */
  readonly endpoint: string;
  /** Host for the client's `apiEndpoint` (`127.0.0.1`). */
  readonly apiEndpoint: string;
  /** Port for the client's `port`. */
  readonly port: number;
  /** `http`: the client's `protocol`. */
  readonly protocol: 'http';
  /** An auth client whose token the emulator accepts (pass as the client's `authClient`). */
  readonly authClient: GceEmulatorAuthClient;
  /** Base URL of the Cloud Billing Catalog emulator beside it. */
  readonly billingCatalogEndpoint: string;
  /** Base URL of the Cloud Storage JSON API (object metadata, `GET /storage/v1/b/{bucket}/o/{object}`): the linked Cloud Storage emulator's, else this emulator's own. */
  readonly storageEndpoint: string;
  /** The bucket `exportVM` writes disk images to (default `novacron-exports`; created in a linked Cloud Storage emulator, any bucket without one). */
  readonly exportBucket: string;
  /** Defaults for new instances. */
  readonly defaults: GceEmulatorDefaults;
}

/** What `new InstancesClient({ ...emu.clientOptions })` needs. */
export interface GceClientOptions {
  /** Emulator host. */
  readonly apiEndpoint: string;
  /** Emulator port. */
  readonly port: number;
  /** `http`. */
  readonly protocol: 'http';
  /** The REST transport. */
  readonly fallback: true;
  /** The emulator's auth client. */
  readonly authClient: GceEmulatorAuthClient;
}

/** Options of {@link startGceEmulator}. */
export interface GceEmulatorOptions {
  /** Project id (default `novacron-emulator`). */
  readonly project?: string | undefined;
  /** Default region (default `us-central1`). */
  readonly region?: string | undefined;
  /**
   * Zones (default: those of the default region the snapshot knows: us-central1-a/b/c/f); zones
   * of several regions make a multi-region project. Each must be a zone the price snapshot covers.
   */
  readonly zones?: readonly string[] | undefined;
  /** Port (default: any free port). */
  readonly port?: number | undefined;
  /** Host to bind (default `127.0.0.1`). */
  readonly host?: string | undefined;
  /** How long an operation is PENDING, ms (default 20). */
  readonly operationPendingMs?: number | undefined;
  /** How long an operation is RUNNING, ms (default 200). */
  readonly operationRunningMs?: number | undefined;
  /** How long `operations.wait` holds at most, ms (GCE: about 2 minutes; default 120,000). */
  readonly waitTimeoutMs?: number | undefined;
  /** How long a `requestId` is remembered, ms (default one hour). */
  readonly requestIdRetentionMs?: number | undefined;
  /** Defaults for new instances (network `default`, subnetwork `default`). */
  readonly defaults?: Partial<GceEmulatorDefaults> | undefined;
  /** Quotas in force from the start, as `faults.quota(name, n)` sets them (`{ CPUS: 24 }`). */
  readonly quotas?: Readonly<Record<string, number>> | undefined;
  /** Bucket named in `providerOptions.exportBucket` (default `novacron-exports`). */
  readonly exportBucket?: string | undefined;
  /** Finds Cloud Storage objects for image imports (default: those registered with `registerStorageObject`); not read when `storage` is given. */
  readonly storageObject?: ((url: string) => StorageObjectInfo | undefined) | undefined;
  /**
   * A Cloud Storage emulator (`startGcsEmulator()`) this Compute Engine reads image archives from
   * and export workers write to, in process; `providerOptions.storageEndpoint` is then its
   * endpoint, the auth client's token is good there too, and the export bucket is created in it.
   * The caller starts and closes it.
   */
  readonly storage?: GceLinkedStorage | undefined;
  /** Seed of the throttling PRNG. */
  readonly seed?: number | undefined;
  /** Clock, epoch ms (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
  /** Offers the machine types and prices come from (default: the bundled snapshot's GCP offers). */
  readonly offers?: readonly Offer[] | undefined;
  /**
   * Networking shared with other emulators (projects that peer networks and whose VPN tunnels
   * meet; see `GceNetworkFabric`); default a fabric of its own.
   */
  readonly networkFabric?: GceNetworkFabric | undefined;
}

/** Calls counted per operation, for N+1 checks and figures. */
export type GceEmulatorStats = EmulatorStats;

/** One request as the emulator recorded it, with the list and dedupe parameters it carried. */
export interface GceRequestRecord extends RequestLogEntry {
  /** `requestId`, when sent. */
  readonly requestId: string | undefined;
  /** `filter`, when sent. */
  readonly filter: string | undefined;
  /** `maxResults`, when sent. */
  readonly maxResults: number | undefined;
  /** True when a `pageToken` was sent. */
  readonly paged: boolean;
}

/** Options of {@link GceEmulator.seedInstances}. */
export interface SeedInstancesOptions {
  /** Zones to spread over, round-robin (default: every zone). */
  readonly zones?: readonly string[] | undefined;
  /** Machine type name (default `e2-standard-2`). */
  readonly machineType?: string | undefined;
  /** Name prefix (default `seed`); names are `{prefix}-{n}`. */
  readonly namePrefix?: string | undefined;
  /** Labels of every seeded instance. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** Status (default `RUNNING`). */
  readonly status?: GceInstanceStatus | undefined;
}

interface GceEmulatorParts {
  readonly state: GceState;
  readonly faults: GceFaultPlan;
  readonly issuer: GceTokenIssuer;
  readonly authClient: GceEmulatorAuthClient;
  readonly billing: GcpBillingCatalogEmulator;
  readonly region: string;
  readonly exportBucket: string;
  readonly defaults: GceEmulatorDefaults;
  readonly requests: GceRequestRecord[];
  readonly storage: GceLinkedStorage | undefined;
  readonly network: GceNetworkState;
}

/** GCP's GPU list price per hour, T4 (`bundled-snapshot.ts`: "T4 $0.35/h, read 2025"), scaled per region. */
const T4_HOURLY = 0.35;
/** N1 per-vCPU and per-GiB hourly list prices in us-central1 (the snapshot's N1 rows are composed from them). */
const N1_VCPU_HOURLY = 0.031611;
const N1_GIB_HOURLY = 0.004237;

/**
 * A running Compute Engine emulator. Start one with {@link startGceEmulator}.
 *
 * ```ts
 * const emu = await startGceEmulator({ operationRunningMs: 20 });
 * const gcp = createGcpProvider({ ...emu.providerOptions });
 * const instances = new InstancesClient({ ...emu.clientOptions });
 * emu.faults.throttle(0.3, { retryAfterMs: 1000 });                     // 429 rateLimitExceeded
 * emu.faults.capacity({ zone: 'us-central1-a', type: 'n2-standard-4' }, 0); // ZONE_RESOURCE_POOL_EXHAUSTED
 * emu.faults.quota('CPUS', 8);                                          // QUOTA_EXCEEDED in the operation
 * emu.faults.dropResponse('instances.insert');                          // applied, connection reset
 * emu.state.instanceInsert('web-1');                                    // the body the client sent
 * console.log(emu.stats.byOperation());
 * await emu.close();
 * ```
 */
export class GceEmulator extends EmulatorBase {
  /** Spread into `createGcpProvider({ ...emu.providerOptions })`. */
  readonly providerOptions: GceEmulatorProviderOptions;
  /** Spread into a `@google-cloud/compute` client's options. */
  readonly clientOptions: GceClientOptions;
  /** Read-only views of the stored resources. */
  readonly state: GceStateViews;
  /** Calls per operation (a view of the request log). */
  readonly stats: GceEmulatorStats;

  private constructor(
    server: EmulatorServer,
    private readonly parts: GceEmulatorParts,
  ) {
    super(server);
    const url = new URL(server.endpoint);
    const zones = parts.state.catalog.zones().map((z) => z.name);
    this.providerOptions = {
      project: parts.state.project,
      region: parts.region,
      zones,
      endpoint: server.endpoint,
      apiEndpoint: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      authClient: parts.authClient,
      billingCatalogEndpoint: parts.billing.endpoint,
      storageEndpoint: parts.storage?.endpoint ?? server.endpoint,
      exportBucket: parts.exportBucket,
      defaults: parts.defaults,
    };
    this.clientOptions = { apiEndpoint: url.hostname, port: Number(url.port), protocol: 'http', fallback: true, authClient: parts.authClient };
    this.state = new GceStateViews(parts.state);
    const { log } = server;
    this.stats = emulatorStats(log, () => {
      parts.requests.length = 0;
    });
  }

  /** Starts an emulator; see {@link startGceEmulator}. */
  static async start(options: GceEmulatorOptions = {}): Promise<GceEmulator> {
    const snapshot = await import('../../../catalog/bundled-snapshot.js');
    const region = options.region ?? 'us-central1';
    const known = new Map(snapshot.bundledRegions('gcp').map((r) => [r.name, r]));
    const zones = [...new Set(options.zones ?? known.get(region)?.zones ?? [])];
    const regionZones = new Map([...known.values()].map((r) => [r.name, r.zones]));
    const unknown = zones.filter((z) => !regionZones.get(z.replace(/-[a-z]$/, ''))?.includes(z));
    if (zones.length === 0 || unknown.length > 0) {
      throw new Error(`[novacron] [gce-emulator] unknown zone(s) ${unknown.join(', ') || '(none given)'}; the price snapshot covers ${[...known.values()].flatMap((r) => r.zones).join(', ')}`);
    }
    const regions = [...new Set(zones.map((z) => z.replace(/-[a-z]$/, '')))];
    if (!regions.includes(region)) throw new Error(`[novacron] [gce-emulator] no zone of the default region ${region} among ${zones.join(', ')}`);
    const offers = options.offers ?? snapshot.bundledOffers({ provider: 'gcp', regions });
    const project = options.project ?? 'novacron-emulator';
    const clock = new LifecycleClock(options.clock ?? Date.now);
    const timings = { pendingMs: options.operationPendingMs ?? 20, runningMs: options.operationRunningMs ?? 200 };
    const faults = new GceFaultPlan(options.seed ?? 1);
    for (const [name, limit] of Object.entries(options.quotas ?? {})) faults.quota(name, limit);
    const serviceAccount = `123456789012-compute@developer.gserviceaccount.com`;
    const operations = new OperationStore(clock, timings, serviceAccount);
    const storage = options.storage;
    const state = new GceState(project, new MachineCatalog(offers, zones, regionZones), clock, operations, options.requestIdRetentionMs ?? 3_600_000, { guestDisks: new GuestDiskStore(), storage });
    const defaults: GceEmulatorDefaults = { network: options.defaults?.network ?? 'default', subnetwork: options.defaults?.subnetwork ?? 'default' };
    const network = new GceNetworkState(project, options.networkFabric ?? new GceNetworkFabric(), clock.now, () => state.newId(), options.requestIdRetentionMs ?? 3_600_000);
    const world: GceWorld = {
      network,
      state,
      faults,
      defaults,
      waitTimeoutMs: options.waitTimeoutMs ?? 120_000,
      timings,
      storageObject: options.storageObject ?? ((url) => state.storage.get(url)),
      defaultServiceAccount: serviceAccount,
    };
    const issuer = new GceTokenIssuer();
    const requests: GceRequestRecord[] = [];
    const server = await EmulatorServer.start({
      host: options.host,
      port: options.port,
      ...gceEndpointOptions(world, issuer),
      onAnswer: (entry, request) => {
        const max = request.query.get('maxResults');
        requests.push({ ...entry, requestId: request.query.get('requestId') ?? undefined, filter: request.query.get('filter') ?? undefined, maxResults: max === null ? undefined : Number(max), paged: request.query.has('pageToken') });
      },
    });
    const gpus: GcpGpuRateSeed[] = regions.filter((r) => known.get(r)?.gpu).map((r) => ({ model: 'Tesla T4', region: r, hourly: T4_HOURLY * (known.get(r)?.priceMultiplier ?? 1), spotHourly: T4_HOURLY * (known.get(r)?.priceMultiplier ?? 1) * 0.3 }));
    // The snapshot prices N1 only in its fixed GPU rows; the real catalog has N1 core and RAM SKUs, and so does this one.
    const families = snapshot.bundledGcpRates();
    const n1 = regions.flatMap((r) => {
      const like = families.find((f) => f.region === r);
      const multiplier = known.get(r)?.priceMultiplier ?? 1;
      return like ? [{ ...like, family: 'n1', vcpuHourly: N1_VCPU_HOURLY * multiplier, gibHourly: N1_GIB_HOURLY * multiplier, spotFraction: 0.3 }] : [];
    });
    const billing = await startGcpBillingCatalogEmulator({ families: [...families, ...n1], gpus });
    const exportBucket = options.exportBucket ?? 'novacron-exports';
    storage?.createBucket(exportBucket);
    const authClient = new GceEmulatorAuthClient({ token: sharedToken(issuer, storage), projectId: project });
    return new GceEmulator(server, { state, faults, issuer, authClient, billing, region, exportBucket, defaults, requests, storage, network });
  }

  /** The kit's fault plan, with GCE's failed operations. */
  override get faults(): GceFaultPlan {
    return this.parts.faults;
  }

  /** Read-only views of the project's VPC networking (networks, subnetworks, VPN gateways and tunnels, routers, routes). */
  get networks(): GceNetworkViews {
    return new GceNetworkViews(this.parts.state, this.parts.network);
  }

  /** The Cloud Billing Catalog emulator beside this one (its own faults and request log). */
  get billingCatalog(): GcpBillingCatalogEmulator {
    return this.parts.billing;
  }

  /** Every request, oldest first (of one operation when given). */
  requests(operation?: string): readonly GceRequestRecord[] {
    return operation === undefined ? [...this.parts.requests] : this.parts.requests.filter((r) => r.operation === operation);
  }

  /** A new auth client with a fresh token the emulator accepts (e.g. after {@link revokeTokens}). */
  newAuthClient(): GceEmulatorAuthClient {
    return new GceEmulatorAuthClient({ token: sharedToken(this.parts.issuer, this.parts.storage), projectId: this.parts.state.project });
  }

  /** Revokes every token issued so far: calls with them are 401 until a new one is used. */
  revokeTokens(): void {
    this.parts.issuer.revokeAll();
  }

  /**
   * Makes a Cloud Storage object known to image imports (`rawDisk.source`) and to object reads
   * (`/storage/v1/b/{bucket}/o/{object}`): an object without bytes. Linked to a Cloud Storage
   * emulator, write the object there instead (this throws).
   */
  registerStorageObject(url: string, info: StorageObjectInfo): void {
    if (this.parts.storage) throw new Error('[novacron] [gce-emulator] this emulator reads a linked Cloud Storage emulator: write the object there');
    this.parts.state.storage.set(url, { ...info, createdAt: this.parts.state.clock.now() });
  }

  /**
   * The guest bytes of an instance's boot disk — by name (in `zone`, or the first zone that has
   * one), numeric id, or the adapter's VM id (`projects/p/zones/z/instances/name`, or its URL).
   * A VM imported from an archive has exactly that archive's `disk.raw`; one from a public image
   * that image's 1 GiB synthetic disk. Read the file with `fs`, never change it.
   */
  async guestDiskOf(instance: string, zone?: string): Promise<GuestDisk> {
    const { state } = this.parts;
    state.advance();
    const ref = /(?:^|\/)projects\/[^/]+\/zones\/([^/]+)\/instances\/([^/]+)$/.exec(instance);
    const [inZone, name] = ref ? [ref[1], ref[2]!] : [zone, instance];
    const found = [...state.instances.values()].find((i) => (i.name === name && (inZone === undefined || i.zone === inZone)) || i.id === instance);
    if (!found) throw new Error(`[novacron] [gce-emulator] no instance ${instance}`);
    const guest = state.bootGuest(found);
    if (!guest) throw new Error(`[novacron] [gce-emulator] instance ${instance} has no guest bytes (a blank boot disk)`);
    return guest.resolve();
  }

  /**
   * Adds `count` instances (with boot disks, no API call) across the zones, round-robin: fast
   * enough for listing benchmarks of thousands of VMs. Returns their names.
   */
  seedInstances(count: number, options: SeedInstancesOptions = {}): string[] {
    const { state } = this.parts;
    const zones = options.zones ?? state.catalog.zones().map((z) => z.name);
    const prefix = options.namePrefix ?? 'seed';
    const typeName = options.machineType ?? 'e2-standard-2';
    const image = state.imageFromFamily('debian-cloud', 'debian-12')!;
    const names: string[] = [];
    const offset = state.instances.size;
    for (let n = 0; n < count; n++) {
      const zone = zones[n % zones.length]!;
      const type = state.catalog.machineType(zone, typeName);
      if (type === undefined || typeof type === 'string') throw new Error(`[novacron] [gce-emulator] no machine type ${typeName} in ${zone}`);
      const name = `${prefix}-${offset + n}`;
      const now = state.clock.now();
      const addresses = state.newAddresses();
      const region = state.catalog.zone(zone)!.region;
      state.disks.set(`${zone}/${name}`, { id: state.newId(), name, zone, sizeGb: 10, type: 'pd-balanced', sourceImage: state.imageUrl(image.project, image.name), architecture: 'X86_64', labels: {}, users: [state.instanceUrl(zone, name)], createdAt: now, guest: image.guest });
      const record: InstanceRecord = {
        id: state.newId(),
        name,
        zone,
        createdAt: now,
        sent: { name, machineType: `zones/${zone}/machineTypes/${typeName}` },
        machineType: type,
        description: undefined,
        labels: { ...options.labels },
        metadata: [],
        tags: [],
        networkInterfaces: [{ network: `${COMPUTE_BASE}/projects/${state.project}/global/networks/${this.parts.defaults.network}`, subnetwork: `${COMPUTE_BASE}/projects/${state.project}/regions/${region}/subnetworks/${this.parts.defaults.subnetwork}`, networkIP: addresses.internal, accessConfigs: undefined }],
        disks: [{ diskKey: `${zone}/${name}`, deviceName: name, boot: true, autoDelete: true, interface: 'SCSI' }],
        scheduling: { onHostMaintenance: 'MIGRATE', automaticRestart: true, preemptible: false, provisioningModel: 'STANDARD' },
        guestAccelerators: [],
        serviceAccounts: undefined,
        canIpForward: false,
        deletionProtection: false,
        lastStart: now,
        lastStop: undefined,
        lastSuspended: undefined,
        leaving: false,
        state: options.status ?? 'RUNNING',
        transition: undefined,
        queue: [],
      };
      state.instances.set(`${zone}/${name}`, record);
      names.push(name);
    }
    return names;
  }

  /** Sets an instance's status directly (no API call), e.g. `REPAIRING` to prepare a listing. */
  setInstanceStatus(name: string, status: GceInstanceStatus, zone?: string): void {
    const { state } = this.parts;
    const found = zone !== undefined ? state.instances.get(`${zone}/${name}`) : [...state.instances.values()].find((i) => i.name === name);
    if (!found) throw new Error(`[novacron] [gce-emulator] no instance ${name}`);
    state.schedule(found, status, []);
  }

  /** Closes the emulator and the Billing Catalog emulator beside it, and removes its guest disks (a linked Cloud Storage emulator stays). */
  override async close(): Promise<void> {
    await Promise.all([super.close(), this.parts.billing.close()]);
    this.parts.network.fabric.unregister(this.parts.network);
    await this.parts.state.settled();
    await this.parts.state.guestDisks.close();
  }
}

/** A token this emulator accepts, and the linked Cloud Storage emulator too (a Google token serves both APIs). */
function sharedToken(issuer: GceTokenIssuer, storage: GceLinkedStorage | undefined): string {
  if (!storage) return issuer.issue();
  const token = storage.issueToken();
  issuer.adopt(token);
  return token;
}

/**
 * Starts a Compute Engine emulator (and a Cloud Billing Catalog emulator beside it) on
 * 127.0.0.1. Works in plain Node (no test runner needed); see {@link GceEmulator} for an example.
 */
export function startGceEmulator(options: GceEmulatorOptions = {}): Promise<GceEmulator> {
  return GceEmulator.start(options);
}
