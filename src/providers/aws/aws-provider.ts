/**
 * The AWS adapter: `ProviderV1` over EC2 (`@aws-sdk/client-ec2`) and the Price List API
 * (`@aws-sdk/client-pricing`). The SDKs load on first use, never on import.
 *
 * Export and import paths, and the formats they produce:
 * - within AWS (region moves): `exportVM` → CreateImage → an `ami` artifact
 *   (`ec2://<region>/<ami-id>`); `importVM` of an `ami` artifact → CopyImage into the target
 *   region when it differs, then RunInstances.
 * - across clouds: with `export.bucket` set, `exportVM` → CreateImage → ExportImage to S3 in
 *   `vmdk` (default, stream-optimized VMDK), `vhd` or `raw`, then the object's size and checksum
 *   read from S3 (exported-objects.ts); `importVM` of a `vmdk`, `vhd`, `vhdx`, `raw` or `ova`
 *   artifact at an `s3://` location → ImportImage → RunInstances. A refused bucket is an
 *   `InvalidSpecError` on `export.bucket`, a failed import task one on `artifact.location`.
 */
import type { EC2Client, EC2ClientConfig, Instance } from '@aws-sdk/client-ec2';
import type { PricingClient } from '@aws-sdk/client-pricing';
import { createHash } from 'node:crypto';
import { sleep, throwIfAborted } from '../../provider/abort.js';
import { COST_ESTIMATE_DISPLAY } from '../../provider/display.js';
import {
  ConflictError,
  type ErrorCause,
  InvalidSpecError,
  NotFoundError,
  NovacronError,
  ProviderUnavailableError,
  CapacityError,
  UnsupportedError,
  withProviderName,
} from '../../provider/errors.js';
import { EventBus } from '../../provider/events.js';
import { requirementOf, selectOffer, specArchitectures, specFingerprint } from '../../provider/offer-selection.js';
import type { CallOptions, CreateVMOptions, ImportVMOptions, ListVMsFilter, PowerOptions, ProviderV1, StopVMOptions } from '../../provider/provider-v1.js';
import { parseVMSpec } from '../../provider/spec-schema.js';
import {
  ARCHITECTURES,
  HOURS_PER_MONTH,
  type Architecture,
  type CostEstimate,
  type HourlyPrice,
  type ImageArtifact,
  type ImageFormat,
  type Offer,
  type ProviderCapabilities,
  type Region,
  type VM,
  type VMSpec,
  type VMSpecInput,
} from '../../provider/types.js';
import { AwsApi, type Ec2Module } from './aws-api.js';
import { AwsCatalog, PRICE_SOURCES, type RegionCatalog, type SpotPrices } from './offer-catalog.js';
import { awsErrorCode, toNovacronError } from './error-mapping.js';
import { AmiResolver, isAmiId, type ResolvedImage } from './image-resolution.js';
import { AwsNetworkResolver, type SubnetFacts } from './network-resolution.js';
import { AwsNetwork, type AwsNetworkOptions } from './network-companion.js';
import { AwsWaiters, WaiterGaveUp, type InstanceTarget } from './aws-waiters.js';
import { bucketRefusal } from './export-errors.js';
import { ExportedObjects, type AwsS3Options, type ExportedObject } from './exported-objects.js';
import { tieredCost } from './pricing.js';
import { regionGeo } from './region-geo.js';
import { clientTokenFor, ebsVolumeTypeOf, launchTags, NOVACRON_TAG, toRunInstancesInput } from './run-instances-mapping.js';
import { ec2StateNamesOf, instanceToVM, isSpotInterruption } from './state-mapping.js';

/**
 * The part of a state store the adapter writes to (structural, so any `StateStore` fits):
 * the instance id of each keyed create, before any wait.
 */
export interface AwsStateStoreLike {
  /** Writes `value` at `key`. */
  put(key: string, value: unknown, opts?: { expectedVersion?: number | null }): Promise<unknown>;
}

/** Provider-wide defaults applied where a spec is silent. */
export interface AwsProviderDefaults {
  /** Instance families selection may choose from (`['t3', 'm5']`); all when absent. */
  readonly instanceFamilies?: readonly string[] | undefined;
  /**
   * Subnet id for specs that name none (the default subnet of the zone otherwise). It fixes the
   * zone: a spec asking for another zone is refused.
   */
  readonly subnetId?: string | undefined;
  /** Security groups for specs that name none: ids, or names looked up in the subnet's VPC (the default VPC without a subnet). */
  readonly securityGroupIds?: readonly string[] | undefined;
  /** Ask for spot capacity when a spec does not say (default `false`). */
  readonly spot?: boolean | undefined;
  /** KMS key for encrypted root volumes (the account's default EBS key otherwise). */
  readonly kmsKeyId?: string | undefined;
}

/** Where `exportVM` writes disk images for other clouds. */
export interface AwsExportOptions {
  /** S3 bucket; without it `exportVM` produces AMIs only. */
  readonly bucket?: string | undefined;
  /** Key prefix inside the bucket (default `novacron-exports/`). */
  readonly prefix?: string | undefined;
  /** IAM role VM Import/Export assumes (default `vmimport`). */
  readonly roleName?: string | undefined;
  /** Disk format of S3 exports (default `vmdk`). */
  readonly format?: 'vmdk' | 'vhd' | 'raw' | undefined;
  /**
   * Reads the size and SHA-256 of an exported object instead of the adapter (for a store it
   * cannot reach with `s3`). Without it, the adapter reads the object once from S3 after the
   * export task completes and hashes it (see the `s3` option).
   */
  readonly describeObject?: ((uri: string, options: CallOptions) => Promise<ExportedObjectInfo>) | undefined;
}

/** Size and digest of an exported disk image, as its store reports them. */
export interface ExportedObjectInfo {
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** SHA-256 of the content, hex. */
  readonly sha256: string;
}

/** How often the SDK waiters poll. */
export interface AwsWaiterOptions {
  /** Shortest delay between polls, seconds (default 15, AWS's own for instances). */
  readonly minDelaySeconds?: number | undefined;
  /** Longest delay between polls, seconds (default 120). */
  readonly maxDelaySeconds?: number | undefined;
}

/** Options of {@link createAwsProvider}. */
export interface AwsProviderOptions {
  /** Name of this provider instance (default `aws-<region>`). */
  readonly name?: string | undefined;
  /** Default region. */
  readonly region: string;
  /** Regions this provider places VMs in and lists (default: `[region]`). */
  readonly regions?: readonly string[] | undefined;
  /** Any AWS SDK credential identity or provider; the SDK's default chain when absent. */
  readonly credentials?: EC2ClientConfig['credentials'] | undefined;
  /** A ready EC2 client for the default region. */
  readonly ec2Client?: EC2Client | undefined;
  /** A ready Price List client. */
  readonly pricingClient?: PricingClient | undefined;
  /** EC2 endpoint override. */
  readonly endpoint?: string | undefined;
  /** Price List endpoint override. */
  readonly pricingEndpoint?: string | undefined;
  /** Price List region (default `us-east-1`; the API is also served from `eu-central-1` and `ap-south-1`). */
  readonly pricingRegion?: string | undefined;
  /**
   * After the Price List API failed (unreachable, `AccessDenied`, 5xx), how long list prices come
   * from the bundled snapshot before the API is asked again, in ms (default 10 minutes). The
   * fallback is reported once as a `provider.degraded` event.
   */
  readonly pricingRetryMs?: number | undefined;
  /** Defaults for specs. */
  readonly defaults?: AwsProviderDefaults | undefined;
  /** Federation id, written as a tag and used to scope `listVMs`. */
  readonly federationId?: string | undefined;
  /** Records `aws/<name>/instances/<idempotencyKey>` → instance id before any wait. */
  readonly stateStore?: AwsStateStoreLike | undefined;
  /** Where `vm.created` / `vm.deleted` events go. */
  readonly events?: EventBus | undefined;
  /** SDK attempts per call, the first included (default 5). */
  readonly maxAttempts?: number | undefined;
  /** SDK retry backoff base in milliseconds (default 100; throttling uses five times this). */
  readonly retryBaseDelayMs?: number | undefined;
  /**
   * Longest time one HTTP attempt may take, connection included, in milliseconds (default
   * 30,000). Without a bound, a server that accepts the connection and never answers would hang
   * the call forever. The SDK retries a timed-out attempt (up to `maxAttempts`; RunInstances is
   * retried with the same ClientToken, so no instance is created twice), so one call is bounded
   * by about `maxAttempts × requestTimeoutMs` plus backoff. When the attempts run out, a
   * mutating call (RunInstances, TerminateInstances, Start/Stop/RebootInstances, CreateImage,
   * ExportImage, CopyImage, ImportImage) rejects with `TimeoutError`, since the cloud may have
   * acted; a read rejects with `ProviderUnavailableError`. Not applied to an injected `ec2Client`
   * or `pricingClient`, which keep their own handlers.
   */
  readonly requestTimeoutMs?: number | undefined;
  /**
   * Longest time to establish the connection of one attempt, in milliseconds (default 5,000).
   * Running out proves the request was never sent: `ProviderUnavailableError` on any call.
   */
  readonly connectionTimeoutMs?: number | undefined;
  /**
   * How long {@link AwsProvider.findByIdempotencyKey} keeps looking for an instance before it
   * takes its absence for real, in milliseconds (default 5,000). DescribeInstances is eventually
   * consistent (AWS documents that a new instance may be missing from describe results for a
   * short while after RunInstances), and an `undefined` answer lets a federation fail over, so
   * absence is only reported after the lookup has missed repeatedly across this window (at most
   * six looks, spaced by doubling delays). `0` looks once.
   */
  readonly consistencyWindowMs?: number | undefined;
  /** Waiter polling delays in seconds (defaults: AWS's 15 s and 120 s for instances). */
  readonly waiter?: AwsWaiterOptions | undefined;
  /** Longest wait for a state when the caller gives none, in milliseconds (default 10 minutes). */
  readonly waitTimeoutMs?: number | undefined;
  /** DescribeInstances page size, 5–1000 (default 1000). */
  readonly listPageSize?: number | undefined;
  /** Catalog (types, list prices) cache lifetime in milliseconds (default one hour). */
  readonly catalogTtlMs?: number | undefined;
  /** Spot price cache lifetime in milliseconds (default five minutes). */
  readonly spotTtlMs?: number | undefined;
  /** Export to S3 for other clouds. */
  readonly export?: AwsExportOptions | undefined;
  /** The network companion (`networking`): the account id, when it should not be learned from EC2. */
  readonly network?: AwsNetworkOptions | undefined;
  /**
   * How `exportVM` reads the object ExportImage wrote (its size and checksum): by default an
   * `S3Client` with this provider's credentials, the VM's region, these timeouts and S3's public
   * endpoint; `clientConfig` overrides (an emulator's or a VPC endpoint), or `client` replaces it.
   * `@aws-sdk/client-s3` is loaded on the first S3 export only.
   */
  readonly s3?: AwsS3Options | undefined;
}

const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** How long after a create an unknown id is taken for eventual consistency, not absence. */
const CONSISTENCY_WINDOW_MS = 120_000;
/** Default of `consistencyWindowMs`: how long a lookup by ClientToken looks before it reports absence. */
const DEFAULT_TOKEN_LOOKUP_WINDOW_MS = 5_000;
/** Looks of a lookup by ClientToken across its window. */
const TOKEN_LOOKUPS = 6;
const EXPORT_FORMATS: Record<'vmdk' | 'vhd' | 'raw', 'VMDK' | 'VHD' | 'RAW'> = { vmdk: 'VMDK', vhd: 'VHD', raw: 'RAW' };
const IMPORT_FORMATS: Partial<Record<ImageFormat, string>> = { vmdk: 'VMDK', vhd: 'VHD', vhdx: 'VHDX', raw: 'RAW', ova: 'OVA' };

/** What `JSON.stringify(provider)` shows of an AWS adapter. */
export interface AwsProviderSummary {
  /** Provider name. */
  readonly name: string;
  /** Always `aws`. */
  readonly kind: string;
  /** Configured regions. */
  readonly regions: readonly string[];
}

/** What a create needs once the catalog and the image are known. */
interface LaunchPlan {
  readonly region: string;
  /** The zone the type was chosen for: the subnet's when there is one, else the spec's. */
  readonly zone: string | undefined;
  /** The subnet (spec's, else the provider default), when one is set. */
  readonly subnet: SubnetFacts | undefined;
  readonly instanceType: string;
  readonly catalog: RegionCatalog;
  readonly image: ResolvedImage | undefined;
  readonly hourlyPrice: HourlyPrice | undefined;
}

/** The AWS provider. Build it with {@link createAwsProvider}. */
export class AwsProvider implements ProviderV1 {
  /** Version of the Provider specification implemented. */
  readonly specificationVersion = 'v1' as const;
  /** Name of this provider instance. */
  readonly name: string;
  /** Kind of cloud: `aws`. */
  readonly kind = 'aws' as const;
  /** Spot, GPUs, reserved prices, stop/start; AMI export (and S3 disk images with `export.bucket`); imports of AMIs and VMDK/VHD/VHDX/RAW/OVA from S3; site-to-site VPN and VPC peering (`networking`). */
  readonly capabilities: ProviderCapabilities;
  /** Where this provider publishes its events (the `events` option, or a bus of its own). */
  readonly events: EventBus;
  /** The network companion: VPCs, subnets, site-to-site VPN, VPC peering and routes, in this provider's regions. */
  readonly networking: AwsNetwork;

  private readonly api: AwsApi;
  private readonly catalog: AwsCatalog;
  private readonly region: string;
  private readonly regionList: readonly string[];
  private readonly images: AmiResolver;
  private readonly network: AwsNetworkResolver;
  private readonly waiters: AwsWaiters;
  private readonly exportedObjects: ExportedObjects;
  /** Instances this process created or saw, with their region and when they were created. */
  private readonly known = new Map<string, { region: string; createdAt: number }>();

  /** Use {@link createAwsProvider}. */
  constructor(private readonly options: AwsProviderOptions) {
    if (!options.region) throw new InvalidSpecError({ issues: [{ field: 'region', message: 'an AWS provider needs a default region' }] });
    this.region = options.region;
    this.name = options.name ?? `aws-${options.region}`;
    this.regionList = [...new Set([options.region, ...(options.regions ?? [])])];
    this.events = options.events ?? new EventBus();
    this.api = new AwsApi({ ...options, providerName: this.name });
    this.catalog = new AwsCatalog(this.api, this.region, { catalogMs: options.catalogTtlMs ?? 3_600_000, spotMs: options.spotTtlMs ?? 300_000 }, Date.now, {
      retryMs: options.pricingRetryMs,
      // Reported once: every call after it works from the snapshot without a word.
      onFallback: ({ fallback, error }) =>
        this.events.publish('provider.degraded', {
          provider: this.name,
          capability: 'pricing',
          fallback,
          message: `the AWS Price List API could not be used (${error instanceof Error ? error.message : String(error)}); list prices come from the bundled snapshot`,
        }),
    });
    this.images = new AmiResolver(this.api, this.name);
    this.network = new AwsNetworkResolver(this.api, this.name);
    this.waiters = new AwsWaiters(this.api, this.name, { ...options.waiter, waitTimeoutMs: options.waitTimeoutMs });
    this.networking = new AwsNetwork({ ...options.network, api: this.api, provider: this.name, region: this.region, regions: this.regionList, events: this.events, consistencyWindowMs: options.consistencyWindowMs });
    this.exportedObjects = new ExportedObjects({ ...options, providerName: this.name });
    this.capabilities = {
      spot: true,
      gpu: true,
      reservedPricing: true,
      stopStart: true,
      deallocate: false,
      exportFormats: options.export?.bucket ? ['ami', 'vmdk', 'vhd', 'raw'] : ['ami'],
      importFormats: ['ami', 'vmdk', 'vhd', 'vhdx', 'raw', 'ova'],
      vpn: true,
      peering: true,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /** Launches an instance (RunInstances; the idempotency key becomes the ClientToken) and, unless `wait: false`, waits for `running` with the SDK waiter. */
  async createVM(input: VMSpecInput | VMSpec, options: CreateVMOptions = {}): Promise<VM> {
    const spec = this.parse(input);
    throwIfAborted(options.signal);
    const plan = await this.plan(spec, options.signal, true);
    return this.launch(spec, plan, plan.image!, options);
  }

  private async launch(spec: VMSpec, plan: LaunchPlan, image: ResolvedImage, options: CreateVMOptions): Promise<VM> {
    const { signal } = options;
    const key = options.idempotencyKey;
    const specHash = specFingerprint(spec);
    if (spec.disk.sizeGiB < image.minDiskGiB) {
      throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'disk', message: `the image needs a boot disk of at least ${image.minDiskGiB} GiB, got ${spec.disk.sizeGiB}` }] });
    }
    const clientToken = key !== undefined ? clientTokenFor(key) : undefined;
    const defaults = this.options.defaults ?? {};
    // Names are resolved to ids in the subnet's VPC (the default VPC without one): EC2 takes only ids here.
    const groups = spec.network.securityGroups.length > 0 ? spec.network.securityGroups : (defaults.securityGroupIds ?? []);
    const securityGroupIds = await this.network.groupIds(plan.region, plan.subnet?.vpcId, groups, signal);
    const runInput = this.wrapSpecErrors(() =>
      toRunInstancesInput(spec, {
        instanceType: plan.instanceType,
        imageId: image.imageId,
        clientToken,
        subnetId: plan.subnet?.subnetId,
        securityGroupIds,
        tags: launchTags(spec, { providerName: this.name, specHash, federationId: this.options.federationId, idempotencyKey: key }),
        kmsKeyId: defaults.kmsKeyId,
        rootDeviceName: image.rootDeviceName,
      }),
    );
    const ctx = { operation: 'createVM', zone: plan.zone, instanceType: plan.instanceType, mutating: true };
    let instance: Instance | undefined;
    let reused = false;
    try {
      const out = await this.api.run(plan.region, ctx, signal, (client, sdk) => client.send(new sdk.RunInstancesCommand(runInput), { abortSignal: signal }));
      instance = out.Instances?.[0];
    } catch (error) {
      // EC2 compares every argument of a repeated ClientToken; an AMI or price list that moved
      // on since the first attempt changes them although the spec did not. The spec hash on
      // the first launch tells a harmless repeat from a real conflict.
      if (!(ConflictError.isInstance(error) && (error.cause as ErrorCause | undefined)?.code === 'IdempotentParameterMismatch' && clientToken)) throw error;
      // EC2 has an instance for this token: nothing that fails from here on proves otherwise.
      instance = (await this.findByClientToken(clientToken, { regions: [plan.region], operation: 'createVM', signal }).catch((e: unknown) => Promise.reject(mayHaveActed(e))))?.instance;
      const previousHash = instance?.Tags?.find((t) => t.Key === NOVACRON_TAG.specHash)?.Value;
      if (!instance || previousHash !== specHash) {
        throw new ConflictError({
          provider: this.name,
          message: `idempotency key "${key}" was already used for a different spec${instance?.InstanceId ? ` (instance ${instance.InstanceId})` : ''}`,
          cause: error,
        });
      }
      reused = true;
    }
    if (!instance?.InstanceId) throw new ProviderUnavailableError({ provider: this.name, message: 'createVM: RunInstances answered without an instance' });
    const id = instance.InstanceId;
    this.remember(id, plan.region, Date.now());
    const vm = this.toVM(instance, plan.region, plan.catalog, await this.spotFor(instance, plan.region, signal));
    // No VM is ever lost: its id is recorded before anything can wait or fail.
    if (key !== undefined && this.options.stateStore) {
      try {
        await this.options.stateStore.put(`aws/${this.name}/instances/${key}`, { instanceId: id, region: plan.region, specHash });
      } catch (error) {
        // The instance exists; say which one (`resourceId`: created, not recorded), and how to get it back.
        throw new ProviderUnavailableError({
          provider: this.name,
          message: `createVM: instance ${id} (${plan.region}) was launched but could not be recorded in the state store; repeat the create with idempotency key "${key}" to adopt it`,
          cause: error,
          resourceId: id,
        });
      }
    }
    this.events.publish('vm.created', { provider: this.name, vm, reused });
    await options.onProvisioned?.(vm);
    throwIfAborted(signal);
    if (options.wait === false) return vm;
    return this.waitFor('running', plan.region, id, signal, options.waitTimeoutMs);
  }

  /**
   * The VM that a create with this idempotency key launched (DescribeInstances with the
   * `client-token` filter, in every configured region), terminated ones included while EC2
   * still shows them. `undefined` only after the lookup has missed in every region across
   * `consistencyWindowMs`, since DescribeInstances is eventually consistent right after
   * RunInstances. Finds `importVM` launches too: they carry the same ClientToken.
   */
  async findByIdempotencyKey(idempotencyKey: string, options: CallOptions = {}): Promise<VM | undefined> {
    const { signal } = options;
    throwIfAborted(signal);
    const found = await this.findByClientToken(clientTokenFor(idempotencyKey), { regions: this.regionList, operation: 'findByIdempotencyKey', signal });
    if (!found?.instance.InstanceId) return undefined;
    if (!this.known.has(found.instance.InstanceId)) this.remember(found.instance.InstanceId, found.region, 0);
    return this.toVM(found.instance, found.region, await this.catalog.peekRegion(found.region), await this.spotFor(found.instance, found.region, signal));
  }

  /**
   * The instance launched with `clientToken` in one of `regions` (ClientTokens are scoped to a
   * region). Looks up to {@link TOKEN_LOOKUPS} times, with doubling delays that add up to the
   * consistency window, before it answers `undefined`; any failed look rejects.
   */
  private async findByClientToken(
    clientToken: string,
    lookup: { regions: readonly string[]; operation: string; signal: AbortSignal | undefined },
  ): Promise<{ instance: Instance; region: string } | undefined> {
    const { regions, operation, signal } = lookup;
    const windowMs = Math.max(0, this.options.consistencyWindowMs ?? DEFAULT_TOKEN_LOOKUP_WINDOW_MS);
    const looks = windowMs > 0 ? TOKEN_LOOKUPS : 1;
    // Delays window·1/31, 2/31, 4/31, ...: early looks come soon, and the last one ends the window.
    const unit = windowMs / (2 ** (looks - 1) - 1 || 1);
    for (let look = 0; look < looks; look++) {
      if (look > 0) await sleep(unit * 2 ** (look - 1), signal);
      const answers = await Promise.all(
        regions.map(async (region) => {
          const out = await this.api.run(region, { operation }, signal, (client, sdk) =>
            client.send(new sdk.DescribeInstancesCommand({ Filters: [{ Name: 'client-token', Values: [clientToken] }] }), { abortSignal: signal }),
          );
          const instance = out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId !== undefined);
          return instance ? { instance, region } : undefined;
        }),
      );
      const found = answers.find((a) => a !== undefined);
      if (found) return found;
    }
    return undefined;
  }

  /** The configured regions (`region` and `regions`): what `regions()` yields, known without a call. */
  get regionNames(): readonly string[] {
    return this.regionList;
  }

  /** What a person (or a log line) sees of this adapter: its name and regions, never its credentials. */
  toString(): string {
    return `AwsProvider ${this.name} (${this.regionList.join(', ')})`;
  }

  /** A credential-free summary for `JSON.stringify`. */
  toJSON(): AwsProviderSummary {
    return { name: this.name, kind: this.kind, regions: this.regionList };
  }

  /** `util.inspect` shows {@link toString}: options (credentials among them) stay out. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Reads one instance (DescribeInstances); `NotFoundError` when no configured region has it. */
  async getVM(id: string, options: CallOptions = {}): Promise<VM> {
    throwIfAborted(options.signal);
    const { instance, region } = await this.describe(id, 'getVM', options.signal);
    return this.toVM(instance, region, await this.catalog.peekRegion(region), await this.spotFor(instance, region, options.signal));
  }

  /** Streams instances of the configured regions, paging DescribeInstances with label and state filters pushed down; terminated ones are skipped unless asked for. */
  async *listVMs(filter: ListVMsFilter = {}, options: CallOptions = {}): AsyncIterable<VM> {
    const { signal } = options;
    throwIfAborted(signal);
    const regions = filter.region !== undefined ? [filter.region] : this.regionList;
    // A region EC2 does not know is a mistake, not an empty answer.
    if (filter.region !== undefined && !this.regionList.includes(filter.region)) await this.checkRegion(filter.region, signal);
    const filters: { Name: string; Values: string[] }[] = [];
    const labels = Object.entries(filter.labels ?? {});
    // `*` and `?` are wildcards in EC2 filter values; a label value means itself.
    for (const [k, v] of labels) filters.push({ Name: `tag:${k}`, Values: [v.replace(/[\\*?]/g, '\\$&')] });
    if (this.options.federationId !== undefined) filters.push({ Name: `tag:${NOVACRON_TAG.federation}`, Values: [this.options.federationId] });
    const wanted = filter.states && filter.states.length > 0 ? new Set(filter.states) : undefined;
    const includeTerminated = filter.includeTerminated === true || (wanted?.has('terminated') ?? false);
    const stateNames = wanted
      ? [...wanted].flatMap(ec2StateNamesOf)
      : includeTerminated
        ? []
        : ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];
    if (wanted && stateNames.length === 0) return; // e.g. only `deallocated`, which EC2 never reports
    if (stateNames.length > 0) filters.push({ Name: 'instance-state-name', Values: stateNames });
    const pageSize = Math.min(1000, Math.max(5, this.options.listPageSize ?? 1000));

    for (const region of regions) {
      const [client, sdk] = await Promise.all([this.api.ec2(region), this.api.ec2Module()]);
      const catalog = await this.catalog.peekRegion(region);
      let spot: SpotPrices | undefined; // loaded at the region's first spot instance
      const pages = sdk.paginateDescribeInstances({ client, pageSize }, { Filters: filters.length > 0 ? filters : undefined }, { abortSignal: signal });
      const iterator = pages[Symbol.asyncIterator]();
      for (;;) {
        let step: IteratorResult<Awaited<ReturnType<typeof iterator.next>>['value']>;
        try {
          step = await iterator.next();
        } catch (error) {
          if (signal?.aborted) throw signal.reason ?? error;
          throw toNovacronError(error, { provider: this.name, operation: 'listVMs', region });
        }
        if (step.done) break;
        for (const reservation of step.value?.Reservations ?? []) {
          for (const instance of reservation.Instances ?? []) {
            if (instance.InstanceLifecycle === 'spot') spot ??= await this.spotFor(instance, region, signal);
            const vm = this.toVM(instance, region, catalog, spot);
            if (vm.state === 'terminated' && !includeTerminated) continue;
            if (labels.length > 0 && !labels.every(([k, v]) => instance.Tags?.some((t) => t.Key === k && t.Value === v))) continue;
            if (wanted && !wanted.has(vm.state)) continue;
            yield vm;
          }
        }
      }
    }
  }

  /** Terminates an instance (TerminateInstances) and, unless `wait: false`, waits for `terminated`; an unknown id succeeds. */
  async deleteVM(id: string, options: PowerOptions = {}): Promise<void> {
    const { signal } = options;
    throwIfAborted(signal);
    if (!INSTANCE_ID.test(id)) return; // no such instance can exist: nothing to delete
    let region: string | undefined;
    try {
      region = (await this.inRegions(id, 'deleteVM', signal, (r) =>
        this.api.run(r, { operation: 'deleteVM', resourceType: 'vm', resourceId: id, mutating: true }, signal, (client, sdk) =>
          client.send(new sdk.TerminateInstancesCommand({ InstanceIds: [id] }), { abortSignal: signal }),
        ),
      )).region;
    } catch (error) {
      if (NotFoundError.isInstance(error)) return; // already gone
      throw error;
    }
    this.events.publish('vm.deleted', { provider: this.name, vmId: id });
    if (options.wait === false) return;
    await this.waitFor('terminated', region, id, signal, undefined);
  }

  /** Starts a stopped instance and waits for `running`. */
  async startVM(id: string, options: PowerOptions = {}): Promise<VM> {
    return this.power('startVM', 'running', id, options, (client, sdk) => client.send(new sdk.StartInstancesCommand({ InstanceIds: [id] }), { abortSignal: options.signal }));
  }

  /** Stops an instance and waits for `stopped`. EC2 always releases the host, so `deallocate` changes nothing. */
  async stopVM(id: string, options: StopVMOptions = {}): Promise<VM> {
    // EC2 always releases the host on stop; `deallocate` changes nothing here.
    return this.power('stopVM', 'stopped', id, options, (client, sdk) => client.send(new sdk.StopInstancesCommand({ InstanceIds: [id] }), { abortSignal: options.signal }));
  }

  /** Reboots a running instance. */
  async rebootVM(id: string, options: PowerOptions = {}): Promise<VM> {
    return this.power('rebootVM', undefined, id, options, (client, sdk) => client.send(new sdk.RebootInstancesCommand({ InstanceIds: [id] }), { abortSignal: options.signal }));
  }

  private async power(
    operation: string,
    target: 'running' | 'stopped' | undefined,
    id: string,
    options: PowerOptions,
    call: (client: EC2Client, sdk: Ec2Module) => Promise<unknown>,
  ): Promise<VM> {
    const { signal } = options;
    throwIfAborted(signal);
    if (!INSTANCE_ID.test(id)) throw this.notFound(id);
    const { region } = await this.inRegions(id, operation, signal, (r) => this.api.run(r, { operation, resourceType: 'vm', resourceId: id, mutating: true }, signal, call));
    if (target !== undefined && options.wait !== false) return this.waitFor(target, region, id, signal, undefined);
    return this.getVM(id, { signal });
  }

  // -------------------------------------------------------------------------------------------
  // Knowledge

  /** The configured regions, with zones (DescribeAvailabilityZones) and geography. */
  async *regions(options: CallOptions = {}): AsyncIterable<Region> {
    throwIfAborted(options.signal);
    for (const name of this.regionList) {
      const catalog = await this.catalog.region(name, options.signal);
      yield { name, zones: catalog.zones, geo: regionGeo(name) };
    }
  }

  /** Instance types per zone with on-demand, amortized reserved and spot prices. */
  async *offers(region?: string, options: CallOptions = {}): AsyncIterable<Offer> {
    throwIfAborted(options.signal);
    const regions = region !== undefined ? [region] : this.regionList;
    for (const r of regions) {
      if (!this.regionList.includes(r)) await this.checkRegion(r, options.signal);
      yield* await this.catalog.offers(r, { spot: true, signal: options.signal });
    }
  }

  /** Prices compute (on-demand or spot), the EBS boot volume and internet egress from the Price List API. */
  async estimateCost(input: VMSpecInput | VMSpec, options: CallOptions = {}): Promise<CostEstimate> {
    const spec = this.parse(input);
    throwIfAborted(options.signal);
    const plan = await this.plan(spec, options.signal, false);
    const extras = await this.catalog.extras(plan.region, options.signal);
    const volumeType = this.wrapSpecErrors(() => ebsVolumeTypeOf(spec.disk.type));
    const perGb = extras.ebsPerGbMonth.get(volumeType);
    if (plan.hourlyPrice === undefined || perGb === undefined) {
      throw new ProviderUnavailableError({ provider: this.name, message: `estimateCost: no price for ${plan.instanceType}${perGb === undefined ? ` / EBS ${volumeType}` : ''} in ${plan.region}`, retryable: false });
    }
    const compute = plan.hourlyPrice.amount * HOURS_PER_MONTH;
    const storage = perGb * spec.disk.sizeGiB;
    const network = tieredCost(extras.egressTiers, spec.egressGBPerMonth);
    const monthly = compute + storage + network;
    return COST_ESTIMATE_DISPLAY.attach({
      hourly: monthly / HOURS_PER_MONTH,
      monthly,
      breakdown: { compute, storage, network },
      currency: 'USD',
      instanceType: plan.instanceType,
      region: plan.region,
      spot: spec.spot,
      source: plan.hourlyPrice.source,
      asOf: plan.hourlyPrice.asOf,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Portability

  /**
   * CreateImage; with `export.bucket`, then ExportImage to S3 as VMDK, VHD or RAW. The AMI of
   * an S3 export is only a step: once the export task has ended, completed or failed, it is
   * deregistered and its snapshots deleted. An `ami` export returns that AMI and keeps it
   * (unless it never became available, when the caller never gets it).
   */
  async exportVM(id: string, options: CallOptions = {}): Promise<ImageArtifact> {
    const { signal } = options;
    throwIfAborted(signal);
    const { instance, region } = await this.describe(id, 'exportVM', signal);
    const name = `novacron-export-${id}-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}`;
    const created = await this.api.run(region, { operation: 'exportVM', resourceType: 'vm', resourceId: id, mutating: true }, signal, (client, sdk) =>
      client.send(new sdk.CreateImageCommand({ InstanceId: id, Name: name, NoReboot: true, Description: `novacron export of ${id}` }), { abortSignal: signal }),
    );
    const imageId = created.ImageId!;
    const toS3 = this.options.export?.bucket !== undefined && this.options.export.bucket !== '';
    let keep = false;
    try {
      await this.waiters.image(region, imageId, signal);
      const baseImage = instance.Tags?.find((t) => t.Key === NOVACRON_TAG.image)?.Value ?? instance.ImageId;
      const common = { sourceProvider: this.name, sourceProviderKind: 'aws' as const, sourceVmId: id, baseImage, createdAt: new Date().toISOString() };
      if (!toS3) {
        const rootGiB = instance.BlockDeviceMappings?.length ? await this.rootVolumeSize(region, instance, signal) : 8;
        keep = true; // the AMI is the artifact
        return {
          ...common,
          format: 'ami',
          location: `ec2://${region}/${imageId}`,
          sizeBytes: rootGiB * 1024 ** 3,
          // AMIs have no content digest; this fingerprints the image's identity.
          checksum: { algorithm: 'sha256', value: createHash('sha256').update(`${region}/${imageId}`).digest('hex') },
        };
      }
      return await this.exportToS3(region, imageId, common, signal);
    } finally {
      if (!keep) await this.discardImage(region, imageId, id);
    }
  }

  /** ExportImage of an available AMI to the configured bucket, waiting for the task to end. */
  private async exportToS3(
    region: string,
    imageId: string,
    common: Omit<ImageArtifact, 'format' | 'location' | 'sizeBytes' | 'checksum'>,
    signal: AbortSignal | undefined,
  ): Promise<ImageArtifact> {
    const exportOptions = this.options.export!;
    const format = exportOptions.format ?? 'vmdk';
    const prefix = exportOptions.prefix ?? 'novacron-exports/';
    const bucket = exportOptions.bucket!;
    const task = await this.api
      .run(region, { operation: 'exportVM', mutating: true }, signal, (client, sdk) =>
        client.send(
          new sdk.ExportImageCommand({
            ImageId: imageId,
            DiskImageFormat: EXPORT_FORMATS[format],
            S3ExportLocation: { S3Bucket: bucket, S3Prefix: prefix },
            RoleName: exportOptions.roleName ?? 'vmimport',
            ClientToken: clientTokenFor(`export/${imageId}/${format}`),
          }),
          { abortSignal: signal },
        ),
      )
      .catch((error: unknown) => {
        throw bucketRefusal(error, this.name, bucket) ?? error;
      });
    const taskId = task.ExportImageTaskId!;
    await this.waiters.poll(signal, async () => {
      const out = await this.api.run(region, { operation: 'exportVM' }, signal, (client, sdk) =>
        client.send(new sdk.DescribeExportImageTasksCommand({ ExportImageTaskIds: [taskId] }), { abortSignal: signal }),
      );
      const t = out.ExportImageTasks?.[0];
      if (t?.Status === 'completed') return true;
      if (t?.Status === 'deleted' || t?.Status === 'deleting') throw new ProviderUnavailableError({ provider: this.name, message: `exportVM: export task ${taskId} failed: ${t.StatusMessage ?? t.Status}`, retryable: false });
      return false;
    });
    // ExportImage names the object after the task: <prefix><task id>.<format>.
    const location = `s3://${bucket}/${prefix}${taskId}.${format}`;
    // A failure to read them leaves the image in the bucket; the error names its location.
    const object: ExportedObject = exportOptions.describeObject
      ? await exportOptions.describeObject(location, { signal }).then((d) => ({ sizeBytes: d.sizeBytes, checksum: { algorithm: 'sha256' as const, value: d.sha256 } }))
      : await this.exportedObjects.describe(location, region, signal);
    return { ...common, format, location, sizeBytes: object.sizeBytes, checksum: object.checksum };
  }

  /**
   * Deregisters an intermediate AMI, then deletes its snapshots (DeregisterImage leaves them
   * behind, and DeleteSnapshot refuses them while the AMI is registered). Never throws: the
   * export's own outcome stands, and what could not be removed is reported as an
   * `operation.failed` event naming it. Runs without the caller's signal, so an aborted export
   * does not leave its AMI behind either.
   */
  private async discardImage(region: string, imageId: string, vmId: string): Promise<void> {
    const ctx = { operation: 'exportVM', resourceType: 'image', resourceId: imageId, mutating: true };
    const report = (what: string, error: unknown): void => {
      this.events.publish('operation.failed', {
        provider: this.name,
        operation: 'exportVM.cleanup',
        errorCode: (NovacronError.isInstance(error) ? awsErrorCode(error.cause) : awsErrorCode(error)) ?? 'Unknown',
        message: `exportVM of ${vmId}: could not remove ${what} (${region}); delete it by hand: ${error instanceof Error ? error.message : String(error)}`,
      });
    };
    let snapshotIds: string[];
    try {
      const described = await this.api.run(region, ctx, undefined, (client, sdk) => client.send(new sdk.DescribeImagesCommand({ ImageIds: [imageId] })));
      snapshotIds = (described.Images?.[0]?.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
      await this.api.run(region, ctx, undefined, (client, sdk) => client.send(new sdk.DeregisterImageCommand({ ImageId: imageId })));
    } catch (error) {
      report(`the intermediate AMI ${imageId}`, error);
      return;
    }
    for (const snapshotId of snapshotIds) {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.api.run(region, { ...ctx, resourceType: 'snapshot', resourceId: snapshotId }, undefined, (client, sdk) => client.send(new sdk.DeleteSnapshotCommand({ SnapshotId: snapshotId })));
          break;
        } catch (error) {
          const code = NovacronError.isInstance(error) ? awsErrorCode(error.cause) : awsErrorCode(error);
          if (code === 'InvalidSnapshot.NotFound') break; // already gone
          // Right after DeregisterImage the snapshot may still read as in use for a moment.
          if (code === 'InvalidSnapshot.InUse' && attempt < 3) {
            await sleep(250 * 2 ** attempt, undefined);
            continue;
          }
          report(`snapshot ${snapshotId} of the intermediate AMI ${imageId}`, error);
          break;
        }
      }
    }
  }

  /** Launches from an AMI (CopyImage into the target region when it differs) or from a disk image in S3 (ImportImage). */
  async importVM(artifact: ImageArtifact, input: VMSpecInput | VMSpec, options: ImportVMOptions = {}): Promise<VM> {
    const { signal } = options;
    const parsed = this.parse(input);
    throwIfAborted(signal);
    if (!this.capabilities.importFormats.includes(artifact.format)) {
      throw new UnsupportedError({ provider: this.name, capability: `import:${artifact.format}`, message: `importVM: ${artifact.format} images cannot be imported into EC2; use ${this.capabilities.importFormats.join(', ')}` });
    }
    const region = parsed.region ?? this.region;
    await this.checkRegion(region, signal);
    const token = (what: string): string | undefined => (options.idempotencyKey !== undefined ? clientTokenFor(`${what}/${options.idempotencyKey}`) : undefined);
    let imageId: string;
    if (artifact.format === 'ami') {
      const m = /^ec2:\/\/([a-z0-9-]+)\/(ami-[0-9a-f]+)$/.exec(artifact.location);
      if (!m) throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'artifact.location', message: `expected ec2://<region>/<ami-id>, got ${artifact.location}` }] });
      const [, sourceRegion, sourceImage] = m as unknown as [string, string, string];
      imageId = sourceImage;
      if (sourceRegion !== region) {
        const copied = await this.api.run(region, { operation: 'importVM', resourceType: 'image', resourceId: sourceImage, mutating: true }, signal, (client, sdk) =>
          client.send(new sdk.CopyImageCommand({ SourceImageId: sourceImage, SourceRegion: sourceRegion, Name: `novacron-import-${sourceImage}`, ClientToken: token(`copy/${sourceImage}`) }), { abortSignal: signal }),
        );
        imageId = copied.ImageId!;
        await this.waiters.image(region, imageId, signal);
      }
    } else {
      const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(artifact.location);
      if (!m) throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'artifact.location', message: `EC2 imports disk images from S3; expected s3://bucket/key, got ${artifact.location}` }] });
      const [, bucket, key] = m as unknown as [string, string, string];
      const task = await this.api.run(region, { operation: 'importVM', mutating: true }, signal, (client, sdk) =>
        client.send(
          new sdk.ImportImageCommand({
            DiskContainers: [{ Format: IMPORT_FORMATS[artifact.format]!, UserBucket: { S3Bucket: bucket, S3Key: key } }],
            RoleName: this.options.export?.roleName ?? 'vmimport',
            ClientToken: token(`import/${artifact.location}`),
            Description: `novacron import of ${artifact.sourceProvider}/${artifact.sourceVmId}`,
          }),
          { abortSignal: signal },
        ),
      );
      const taskId = task.ImportTaskId!;
      let imported: string | undefined;
      await this.waiters.poll(signal, async () => {
        const out = await this.api.run(region, { operation: 'importVM' }, signal, (client, sdk) =>
          client.send(new sdk.DescribeImportImageTasksCommand({ ImportTaskIds: [taskId] }), { abortSignal: signal }),
        );
        const t = out.ImportImageTasks?.[0];
        if (t?.Status === 'completed' && t.ImageId) {
          imported = t.ImageId;
          return true;
        }
        if (t?.Status === 'deleted' || t?.Status === 'deleting') {
          throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'artifact.location', message: `import task ${taskId} failed: ${t.StatusMessage ?? t.Status}` }] });
        }
        return false;
      });
      imageId = imported!;
    }
    const planned = await this.plan({ ...parsed, image: imageId, region }, signal, true);
    // The imported disk keeps at least its original size.
    const sizeGiB = Math.max(parsed.disk.sizeGiB, planned.image!.minDiskGiB);
    const spec: VMSpec = { ...parsed, image: imageId, region, disk: { ...parsed.disk, sizeGiB } };
    return this.launch(spec, planned, planned.image!, options);
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private parse(input: VMSpecInput | VMSpec): VMSpec {
    const defaults = this.options.defaults;
    const withDefaults =
      defaults?.spot && typeof input === 'object' && input !== null && !('memoryGiB' in input) && (input as VMSpecInput).spot === undefined
        ? { ...(input as VMSpecInput), spot: true }
        : input;
    return parseVMSpec(withDefaults, { provider: this.name });
  }

  /** Re-throws a mapping's InvalidSpecError with this provider's name on it. */
  private wrapSpecErrors<T>(fn: () => T): T {
    return withProviderName(this.name, fn);
  }

  private async checkRegion(region: string, signal: AbortSignal | undefined): Promise<void> {
    const known = await this.catalog.regionNames(signal);
    if (!known.includes(region)) {
      throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'region', message: `unknown AWS region "${region}"; enabled regions: ${known.join(', ')}` }] });
    }
  }

  /** Validates region and zone, chooses the instance type and (optionally) the image. */
  private async plan(spec: VMSpec, signal: AbortSignal | undefined, withImage: boolean): Promise<LaunchPlan> {
    const region = spec.region ?? this.region;
    await this.checkRegion(region, signal);
    const catalog = await this.catalog.region(region, signal);
    if (spec.zone !== undefined && !catalog.zones.includes(spec.zone)) {
      throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'zone', message: `unknown zone "${spec.zone}" in ${region}; zones: ${catalog.zones.join(', ')}` }] });
    }
    const fixedType = spec.instanceType === undefined ? undefined : catalog.types.get(spec.instanceType);
    if (spec.instanceType !== undefined && !fixedType) {
      throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'instanceType', message: `unknown instance type "${spec.instanceType}" in ${region}` }] });
    }
    if (fixedType && spec.arch && !spec.arch.includes(fixedType.arch)) {
      throw new InvalidSpecError({
        provider: this.name,
        issues: [{ field: 'arch', message: `instance type ${fixedType.instanceType} is ${fixedType.arch}, but arch allows only ${spec.arch.join(', ')}` }],
      });
    }
    // A subnet fixes the zone: the type is chosen for the zone the instance will land in.
    const subnet = await this.subnetOf(spec, region, signal);
    const zone = subnet?.zone ?? spec.zone;
    // A native AMI fixes the architecture before the type is chosen.
    let image = withImage && isAmiId(spec.image) ? await this.images.native(region, spec.image, signal) : undefined;
    const archs = this.architectures(spec, image, fixedType?.arch);
    // Types without any price stay choosable (by name, or by size when nothing priced fits).
    const offers = [...(await this.catalog.offers(region, { spot: spec.spot, signal })), ...(spec.spot ? [] : await this.catalog.unpricedOffers(region, signal))];
    const families = this.options.defaults?.instanceFamilies;
    const requirement = requirementOf({ ...spec, zone }, region, spec.instanceType === undefined ? families : undefined);
    const allowedArchs = [...archs];
    let chosen: Offer | undefined;
    for (;;) {
      chosen = selectOffer(offers, { ...requirement, arch: archs });
      if (!chosen || !withImage || image) break;
      // An alias needs a build for the chosen architecture; otherwise try the other one.
      image = await this.images.alias(region, spec.image, chosen.arch, signal);
      if (image) break;
      archs.splice(archs.indexOf(chosen.arch), 1);
      if (archs.length === 0) {
        throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'image', message: `no ${allowedArchs.join(' or ')} AMI for "${spec.image}" in ${region}` }] });
      }
    }
    if (!chosen) {
      // When only the architecture stands in the way, name `arch`: that is the field to change.
      const otherArch = spec.instanceType === undefined ? selectOffer(offers, { ...requirement, arch: undefined }) : undefined;
      if (otherArch) {
        const why = image ? `image ${image.imageId} is ${image.arch}` : `arch allows only ${archs.join(', ')}${spec.arch ? '' : ' (the default)'}`;
        throw new InvalidSpecError({
          provider: this.name,
          issues: [{ field: 'arch', message: `only ${otherArch.arch} instance types fit ${spec.cpu} vCPU / ${spec.memoryGiB} GiB in ${region}${zone ? ` (${zone})` : ''}, but ${why}` }],
        });
      }
      const field = spec.instanceType !== undefined ? 'instanceType' : spec.gpu ? 'gpu' : 'cpu';
      const gpu = spec.gpu ? ` / ${spec.gpu.exact ? 'exactly ' : ''}${spec.gpu.count}× ${spec.gpu.type ?? 'GPU'}` : '';
      const what = spec.instanceType ?? `${spec.cpu} vCPU / ${spec.memoryGiB} GiB${gpu} (${archs.join(' or ')})`;
      throw new InvalidSpecError({
        provider: this.name,
        issues: [{ field, message: `no ${spec.spot ? 'spot ' : ''}instance type${families ? ` in families ${families.join(', ')}` : ''} fits ${what} in ${region}${zone ? ` (${zone})` : ''}` }],
      });
    }
    const amount = spec.spot ? chosen.spotHourly : chosen.onDemandHourly;
    return {
      region,
      zone,
      subnet,
      instanceType: chosen.instanceType,
      catalog,
      image,
      hourlyPrice: amount !== undefined && Number.isFinite(amount) ? { amount, currency: 'USD', source: chosen.source, asOf: chosen.asOf } : undefined,
    };
  }

  /**
   * The architectures a launch may use: a native AMI's own (which an explicit `arch` must
   * allow), else the spec's, else the fixed instance type's, else the default. Types of other
   * architectures are never chosen, so a default spec stays on x86 even where arm64 is cheaper.
   */
  private architectures(spec: VMSpec, image: ResolvedImage | undefined, typeArch: Architecture | undefined): Architecture[] {
    if (image) {
      if (spec.arch && !spec.arch.includes(image.arch)) {
        throw new InvalidSpecError({
          provider: this.name,
          issues: [{ field: 'arch', message: `image ${image.imageId} is ${image.arch}, but arch allows only ${spec.arch.join(', ')}` }],
        });
      }
      if (typeArch !== undefined && typeArch !== image.arch) {
        throw new InvalidSpecError({
          provider: this.name,
          issues: [{ field: 'instanceType', message: `instance type ${spec.instanceType} is ${typeArch}, but image ${image.imageId} is ${image.arch}` }],
        });
      }
      return [image.arch];
    }
    return [...(specArchitectures(spec) ?? ARCHITECTURES)];
  }

  /**
   * The subnet a spec launches into (its own, else the provider default), read with
   * DescribeSubnets; a zone that contradicts it is refused, since EC2 would put the instance in
   * the subnet's zone, not the one asked for.
   */
  private async subnetOf(spec: VMSpec, region: string, signal: AbortSignal | undefined): Promise<SubnetFacts | undefined> {
    const subnetId = spec.network.subnet ?? this.options.defaults?.subnetId;
    if (subnetId === undefined) return undefined;
    const subnet = await this.network.subnet(region, subnetId, signal);
    if (spec.zone !== undefined && spec.zone !== subnet.zone) {
      const whose = spec.network.subnet !== undefined ? 'network.subnet' : 'the provider default subnet';
      throw new InvalidSpecError({
        provider: this.name,
        issues: [{ field: 'zone', message: `zone "${spec.zone}" was asked for, but ${whose} ${subnetId} is in zone "${subnet.zone}"; name that zone or another subnet` }],
      });
    }
    return subnet;
  }

  private remember(id: string, region: string, createdAt: number): void {
    this.known.set(id, { region, createdAt });
    if (this.known.size > 10_000) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  private notFound(id: string, cause?: unknown): NotFoundError {
    return new NotFoundError({ provider: this.name, message: `no VM with id ${id}`, resourceType: 'vm', resourceId: id, cause });
  }

  /**
   * Runs `call` against the instance's region: the one it is known to live in, else each
   * configured region in turn. Right after a create, `InvalidInstanceID.NotFound` is eventual
   * consistency, not absence, and is retried for a while.
   */
  private async inRegions<T>(id: string, operation: string, signal: AbortSignal | undefined, call: (region: string) => Promise<T>): Promise<{ result: T; region: string }> {
    const known = this.known.get(id);
    const regions = known ? [known.region, ...this.regionList.filter((r) => r !== known.region)] : this.regionList;
    let lastError: unknown;
    for (const region of regions) {
      const fresh = known?.region === region && Date.now() - known.createdAt < CONSISTENCY_WINDOW_MS;
      for (let attempt = 0; ; attempt++) {
        try {
          return { result: await call(region), region };
        } catch (error) {
          if (!NotFoundError.isInstance(error)) throw error;
          lastError = error;
          if (!fresh || attempt >= 7) break;
          await sleep(Math.min(2000, 25 * 2 ** attempt), signal);
        }
      }
    }
    void operation;
    throw this.notFound(id, lastError);
  }

  private async describe(id: string, operation: string, signal: AbortSignal | undefined): Promise<{ instance: Instance; region: string }> {
    if (!INSTANCE_ID.test(id)) throw this.notFound(id);
    const { result, region } = await this.inRegions(id, operation, signal, (r) =>
      this.api.run(r, { operation, resourceType: 'vm', resourceId: id }, signal, (client, sdk) =>
        client.send(new sdk.DescribeInstancesCommand({ InstanceIds: [id] }), { abortSignal: signal }),
      ),
    );
    const instance = result.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === id);
    if (!instance) throw this.notFound(id);
    if (!this.known.has(id)) this.remember(id, region, 0);
    return { instance, region };
  }

  /**
   * The VM of an instance. Its price: the list price on demand; for a spot instance, the
   * current spot price of its zone and type (what it is charged now), when spot prices are
   * loaded (`spot`).
   */
  private toVM(instance: Instance, region: string, catalog: RegionCatalog | undefined, spot?: SpotPrices): VM {
    const type = instance.InstanceType ? catalog?.types.get(instance.InstanceType) : undefined;
    const price = instance.InstanceType ? catalog?.prices.get(instance.InstanceType) : undefined;
    let hourlyPrice: HourlyPrice | undefined;
    if (instance.InstanceLifecycle === 'spot') {
      const amount = spot?.byZoneType.get(`${instance.Placement?.AvailabilityZone ?? ''}/${instance.InstanceType ?? ''}`);
      if (amount !== undefined) hourlyPrice = { amount, currency: 'USD', source: PRICE_SOURCES.spot, asOf: spot!.asOf };
    } else if (price) {
      hourlyPrice = { amount: price.onDemand, currency: 'USD', source: price.source, asOf: price.source === PRICE_SOURCES.list ? catalog!.asOf : price.asOf };
    }
    return instanceToVM(instance, { provider: this.name, region, typeFacts: type, hourlyPrice });
  }

  /** Spot prices of `region` when the instance is a spot one (cached; `undefined` when they cannot be read). */
  private async spotFor(instance: Instance, region: string, signal: AbortSignal | undefined): Promise<SpotPrices | undefined> {
    if (instance.InstanceLifecycle !== 'spot') return undefined;
    return this.catalog.spotPrices(region, signal).catch(() => undefined);
  }

  /** Waits with the SDK waiter for `target`, then answers the VM as the waiter last saw it. */
  private async waitFor(target: InstanceTarget, region: string, id: string, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<VM> {
    try {
      const instance = await this.waiters.instance(target, region, id, signal, timeoutMs);
      if (instance) return this.toVM(instance, region, await this.catalog.peekRegion(region), await this.spotFor(instance, region, signal));
      return this.getVM(id, { signal });
    } catch (error) {
      if (!(error instanceof WaiterGaveUp)) throw error;
      // The waiter gave up because the instance went elsewhere (e.g. terminated while pending).
      const vm = await this.getVM(id, { signal });
      const instanceLike = { StateReason: { Code: vm.stateReason?.replace(/^spot-interruption: /, '').split(':')[0] } };
      if (isSpotInterruption(instanceLike) || /InsufficientInstanceCapacity/.test(vm.stateReason ?? '')) {
        throw new CapacityError({ provider: this.name, region, zone: vm.zone, instanceType: vm.instanceType, message: `VM ${id} went ${vm.rawState} before becoming ${target}: ${vm.stateReason}`, cause: error.cause });
      }
      throw new ProviderUnavailableError({ provider: this.name, message: `VM ${id} is ${vm.rawState}, not ${target}${vm.stateReason ? ` (${vm.stateReason})` : ''}`, cause: error.cause, retryable: false });
    }
  }

  private async rootVolumeSize(region: string, instance: Instance, signal: AbortSignal | undefined): Promise<number> {
    const volumeId = instance.BlockDeviceMappings?.find((m) => m.DeviceName === instance.RootDeviceName)?.Ebs?.VolumeId;
    if (!volumeId) return 8;
    const out = await this.api.run(region, { operation: 'exportVM' }, signal, (client, sdk) => client.send(new sdk.DescribeVolumesCommand({ VolumeIds: [volumeId] }), { abortSignal: signal }));
    return out.Volumes?.[0]?.Size ?? 8;
  }
}

/**
 * Creates an AWS provider. Nothing is loaded or called until the first operation.
 *
 * ```ts
 * const aws = createAwsProvider({ region: 'us-east-1', defaults: { instanceFamilies: ['t3', 'm5'] } });
 * const vm = await aws.createVM({ name: 'web-1', cpu: 2, memory: '4Gi' }, { idempotencyKey: 'web-1' });
 * ```
 */
export function createAwsProvider(options: AwsProviderOptions): AwsProvider {
  return new AwsProvider(options);
}

/** The same error, no longer claiming that nothing was sent (a later call of an operation that already acted). */
function mayHaveActed(error: unknown): unknown {
  if (NovacronError.isInstance(error) && error.requestSent === false) Object.defineProperty(error, 'requestSent', { value: undefined });
  return error;
}
