/**
 * The data shapes of the Provider specification, version 1: what a VM is asked to be
 * ({@link VMSpec}), what a cloud reports back ({@link VM}), what a cloud sells ({@link Offer})
 * and what moving a VM carries ({@link ImageArtifact}).
 */

/** The cloud a provider speaks to. Custom adapters may use their own names. */
export type ProviderKind = 'aws' | 'azure' | 'gcp' | 'openstack' | 'memory' | (string & {});

/**
 * Normalized VM states. `stopped` VMs may still be billed (Azure "stopped" keeps the
 * allocation); `deallocated` ones are not.
 */
export type VMState =
  | 'pending'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'deallocated'
  | 'terminating'
  | 'terminated'
  | 'error'
  | 'unknown';

/** Every {@link VMState}, in lifecycle order. */
export const VM_STATES: readonly VMState[] = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'deallocated',
  'terminating',
  'terminated',
  'error',
  'unknown',
];

/**
 * Disk classes. The portable ones (`hdd`, `standard`, `ssd`, `premium-ssd`) are mapped by
 * each adapter; the others are the clouds' own names and pass through to their cloud.
 */
export type DiskType =
  | 'hdd'
  | 'standard'
  | 'ssd'
  | 'premium-ssd'
  | 'gp2'
  | 'gp3'
  | 'io1'
  | 'io2'
  | 'st1'
  | 'sc1'
  | 'pd-standard'
  | 'pd-balanced'
  | 'pd-ssd'
  | 'pd-extreme'
  | 'Standard_LRS'
  | 'StandardSSD_LRS'
  | 'Premium_LRS'
  | 'PremiumV2_LRS';

/** Every accepted {@link DiskType}. */
export const DISK_TYPES: readonly DiskType[] = [
  'hdd',
  'standard',
  'ssd',
  'premium-ssd',
  'gp2',
  'gp3',
  'io1',
  'io2',
  'st1',
  'sc1',
  'pd-standard',
  'pd-balanced',
  'pd-ssd',
  'pd-extreme',
  'Standard_LRS',
  'StandardSSD_LRS',
  'Premium_LRS',
  'PremiumV2_LRS',
];

/** CPU architectures an offer may have. */
export type Architecture = 'x86_64' | 'arm64';

/** Every {@link Architecture}, in the order normalized specs list them. */
export const ARCHITECTURES: readonly Architecture[] = ['x86_64', 'arm64'];

/**
 * The architectures a spec that names none may run on: x86 only. A workload is built for x86
 * unless it says otherwise (portable image aliases have both builds, but the software on top
 * often has not), so cheaper arm64 types are chosen only when a spec asks with `arch`.
 */
export const DEFAULT_ARCHITECTURES: readonly Architecture[] = ['x86_64'];

/**
 * Architectures a spec accepts: one, `any` (both), or a list. Omitted means
 * {@link DEFAULT_ARCHITECTURES}, except that an adapter which knows a provider-native image's
 * architecture (an AMI id) follows the image.
 */
export type ArchitectureRequest = Architecture | 'any' | readonly Architecture[];

/** Where a figure came from and when it was true. Every price carries one. */
export interface Provenance {
  /** Who or what produced the figure, e.g. `aws-pricing-api` or `bundled-snapshot`. */
  readonly source: string;
  /** ISO 8601 date (or date-time) at which the figure was read. */
  readonly asOf: string;
}

/** An amount of money per hour with its provenance. */
export interface HourlyPrice extends Provenance {
  /** Amount per hour in `currency`. */
  readonly amount: number;
  /** ISO 4217 currency code, e.g. `USD`. */
  readonly currency: string;
}

/** Disk request, as given by the caller. */
export interface DiskSpecInput {
  /** Size in GiB (number) or as a quantity (`100Gi`, `1Ti`). */
  size: number | string;
  /** Disk class; defaults to `ssd`. */
  type?: DiskType | undefined;
  /** Encrypt at rest; defaults to `true`. */
  encrypted?: boolean | undefined;
}

/** GPU request. */
export interface GpuSpec {
  /** Number of GPUs: at least this many, or exactly this many with `exact: true`. */
  count: number;
  /** Model, e.g. `a100`, `t4`, `l4` (lower-case; any model when absent). */
  type?: string | undefined;
  /**
   * Ask for exactly `count` GPUs instead of at least `count` (the default, so that a request for
   * one GPU may land on a cheaper type with two). SkyPilot's counts are exact.
   */
  exact?: boolean | undefined;
}

/** Network request. */
export interface NetworkSpecInput {
  /** Subnet id or name in the target cloud. */
  subnet?: string | undefined;
  /** Give the VM a public IP address; defaults to `false`. */
  publicIp?: boolean | undefined;
  /** Security groups (or the cloud's equivalent) to attach. */
  securityGroups?: readonly string[] | undefined;
  /** Network (VPC/VNet) name or id. */
  network?: string | undefined;
}

/**
 * A VM request as callers write it: memory and disk accept numbers (GiB) or Kubernetes-style
 * quantities (`8Gi`, `512Mi`). `parseVMSpec` turns it into a {@link VMSpec} or throws
 * `InvalidSpecError` naming the field.
 */
export interface VMSpecInput {
  /** VM name: lower-case letters, digits and dashes, starting with a letter, at most 63 characters. */
  name: string;
  /** vCPUs (a number, or a quantity such as `"4"` or `"500m"`). */
  cpu: number | string;
  /** Memory: GiB as a number, or a quantity such as `8Gi`, `512Mi`, `16G`. */
  memory: number | string;
  /** Boot disk: GiB, a quantity, or a full disk request. Defaults to 20 GiB encrypted SSD. */
  disk?: number | string | DiskSpecInput | undefined;
  /** GPUs to attach (at least `count`, unless `exact: true`). */
  gpu?: GpuSpec | undefined;
  /**
   * CPU architectures the workload runs on: `x86_64`, `arm64`, `any` (either, the cheaper wins)
   * or a list. Omitted: {@link DEFAULT_ARCHITECTURES} (x86 only), unless the spec fixes the
   * architecture otherwise — an `instanceType`, or a provider-native image whose architecture
   * the adapter knows (an AMI id). A native image or instance type of an architecture that an
   * explicit `arch` excludes is an `InvalidSpecError` on `arch`.
   */
  arch?: ArchitectureRequest | undefined;
  /** Portable image alias (`ubuntu-22.04`, see `PORTABLE_IMAGES`) or a provider-native image id. */
  image?: string | undefined;
  /** Network placement. */
  network?: NetworkSpecInput | undefined;
  /** Labels; keys and values follow the strictest cloud's rules so that any cloud accepts them. */
  labels?: Readonly<Record<string, string>> | undefined;
  /** cloud-init user data, as plain text (adapters encode it as their cloud expects). */
  userData?: string | undefined;
  /** Ask for spot/preemptible capacity. */
  spot?: boolean | undefined;
  /** Highest spot price accepted, per hour; the on-demand price when absent. */
  spotMaxPrice?: number | undefined;
  /** IAM role / instance profile / managed identity to attach. */
  iamRole?: string | undefined;
  /** Region; the provider's default region when absent. */
  region?: string | undefined;
  /** Zone; the provider chooses one when absent. */
  zone?: string | undefined;
  /** Exact instance type, bypassing selection from cpu/memory/gpu. */
  instanceType?: string | undefined;
  /** Expected network egress in GB per month, for cost estimates. */
  egressGBPerMonth?: number | undefined;
}

/** A normalized boot disk request. */
export interface DiskSpec {
  /** Size in GiB. */
  readonly sizeGiB: number;
  /** Disk class. */
  readonly type: DiskType;
  /** Encrypted at rest. */
  readonly encrypted: boolean;
}

/** A normalized GPU request. */
export interface GpuRequest {
  /** Number of GPUs: the least acceptable, or the exact number when `exact`. */
  readonly count: number;
  /** Model in lower case; any model when `undefined`. */
  readonly type: string | undefined;
  /** Exactly `count` GPUs; `true` or absent (at least `count`). */
  readonly exact?: boolean | undefined;
}

/** A normalized network request. */
export interface NetworkSpec {
  /** Subnet id or name. */
  readonly subnet: string | undefined;
  /** Give the VM a public IP address. */
  readonly publicIp: boolean;
  /** Security groups to attach. */
  readonly securityGroups: readonly string[];
  /** Network (VPC/VNet) name or id. */
  readonly network: string | undefined;
}

/** A validated, normalized VM request: every default filled in, every quantity in GiB. */
export interface VMSpec {
  /** VM name. */
  readonly name: string;
  /** vCPUs. */
  readonly cpu: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
  /** Boot disk. */
  readonly disk: DiskSpec;
  /** GPUs, when asked for. */
  readonly gpu: GpuRequest | undefined;
  /**
   * Architectures allowed, without duplicates and in {@link ARCHITECTURES} order; `undefined`
   * when the spec named none, which means {@link DEFAULT_ARCHITECTURES} — or the architecture
   * of the `instanceType` or native image that the spec fixes (see {@link VMSpecInput.arch}).
   */
  readonly arch: readonly Architecture[] | undefined;
  /** Image alias or native id. */
  readonly image: string;
  /** Network placement. */
  readonly network: NetworkSpec;
  /** Labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** cloud-init user data. */
  readonly userData: string | undefined;
  /** Spot requested. */
  readonly spot: boolean;
  /** Highest spot price accepted per hour. */
  readonly spotMaxPrice: number | undefined;
  /** IAM role / instance profile. */
  readonly iamRole: string | undefined;
  /** Region, when fixed by the caller. */
  readonly region: string | undefined;
  /** Zone, when fixed by the caller. */
  readonly zone: string | undefined;
  /** Exact instance type, when fixed by the caller. */
  readonly instanceType: string | undefined;
  /** Expected egress, GB per month. */
  readonly egressGBPerMonth: number;
}

/** A virtual machine as a provider reports it. */
export interface VM {
  /** The cloud's own id (EC2 instance id, Azure resource id, GCE instance id, ...). */
  readonly id: string;
  /** VM name. */
  readonly name: string;
  /** Name of the provider instance that owns it. */
  readonly provider: string;
  /** Kind of cloud. */
  readonly providerKind: ProviderKind;
  /** Region. */
  readonly region: string;
  /** Zone, where the cloud has zones. */
  readonly zone: string | undefined;
  /** Normalized state. */
  readonly state: VMState;
  /** The cloud's own word for the state (`shutting-down`, `PowerState/deallocated`, `STAGING`). */
  readonly rawState: string;
  /** Instance type / VM size / machine type. */
  readonly instanceType: string;
  /** vCPUs of the instance type, when known. */
  readonly cpu: number | undefined;
  /** Memory of the instance type in GiB, when known. */
  readonly memoryGiB: number | undefined;
  /** Runs on spot/preemptible capacity. */
  readonly spot: boolean;
  /** Private IP addresses. */
  readonly privateIps: readonly string[];
  /** Public IP addresses. */
  readonly publicIps: readonly string[];
  /** Labels / tags. */
  readonly labels: Readonly<Record<string, string>>;
  /** Image it was created from, when known. */
  readonly image: string | undefined;
  /** Creation time (ISO 8601). */
  readonly createdAt: string;
  /** What the VM costs per hour, with where that figure came from. */
  readonly hourlyPrice: HourlyPrice | undefined;
  /** Why the VM is in `error` or was stopped by the cloud (e.g. a spot interruption). */
  readonly stateReason: string | undefined;
}

/** A region and its zones. */
export interface Region {
  /** The cloud's region name (`us-east-1`, `westus2`, `us-central1`). */
  readonly name: string;
  /** Zones in the region (empty for clouds without zones). */
  readonly zones: readonly string[];
  /** Where the region is, for residency and latency decisions. */
  readonly geo?: RegionGeo | undefined;
}

/** Geography of a region. */
export interface RegionGeo {
  /** ISO 3166-1 alpha-2 country code. */
  readonly country: string;
  /** Continent or residency area (`north-america`, `europe`, `asia`, ...). */
  readonly area?: string | undefined;
  /** Latitude in degrees. */
  readonly lat?: number | undefined;
  /** Longitude in degrees. */
  readonly lon?: number | undefined;
}

/** Spot interruption frequency, as the clouds publish it (AWS Spot Advisor buckets). */
export type InterruptionBucket = '<5%' | '5-10%' | '10-15%' | '15-20%' | '>20%';

/** A GPU an instance type carries. */
export interface GpuInfo {
  /** Model in lower case (`a100`, `t4`, `h100`). */
  readonly model: string;
  /** Number of GPUs. */
  readonly count: number;
  /** Memory per GPU in GiB. */
  readonly memoryGiB?: number | undefined;
}

/** Something a cloud sells: one instance type in one region (and zone, where prices differ). */
export interface Offer extends Provenance {
  /** Kind of cloud. */
  readonly provider: ProviderKind;
  /** Region. */
  readonly region: string;
  /** Zone, when the price or availability is per zone. */
  readonly zone?: string | undefined;
  /** Instance type / VM size / machine type. */
  readonly instanceType: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
  /** GPUs, when the type has them. */
  readonly gpu?: GpuInfo | undefined;
  /** CPU architecture. */
  readonly arch: Architecture;
  /** Local (instance-store) disk in GiB, if any. */
  readonly localDiskGiB?: number | undefined;
  /** On-demand price per hour. */
  readonly onDemandHourly: number;
  /** Spot price per hour, when spot is sold. */
  readonly spotHourly?: number | undefined;
  /** Spot interruption frequency bucket. */
  readonly spotInterruption?: InterruptionBucket | undefined;
  /** Effective hourly price with a 1-year commitment (upfront fees amortized). */
  readonly reserved1yHourly?: number | undefined;
  /** Effective hourly price with a 3-year commitment (upfront fees amortized). */
  readonly reserved3yHourly?: number | undefined;
  /** ISO 4217 currency code. */
  readonly currency: string;
}

/** Cost per month by component, in the estimate's currency. */
export interface CostBreakdown {
  /** The instance (on-demand or spot rate). */
  readonly compute: number;
  /** Block storage. */
  readonly storage: number;
  /** Network egress. */
  readonly network: number;
}

/** A cost estimate for running one VM. */
export interface CostEstimate extends Provenance {
  /** Total per hour. */
  readonly hourly: number;
  /** Total per month (730 hours). */
  readonly monthly: number;
  /** Per-month cost by component. */
  readonly breakdown: CostBreakdown;
  /** ISO 4217 currency code. */
  readonly currency: string;
  /** Instance type the estimate priced. */
  readonly instanceType: string;
  /** Region the estimate priced. */
  readonly region: string;
  /** Priced at the spot rate. */
  readonly spot: boolean;
}

/** Hours in the month that cost estimates use (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** Disk image formats that export and import paths produce and accept. */
export type ImageFormat = 'raw' | 'qcow2' | 'vmdk' | 'vhd' | 'vhdx' | 'ova' | 'ami' | 'gce-image' | 'azure-image';

/** A content checksum. */
export interface Checksum {
  /** Hash algorithm. */
  readonly algorithm: 'sha256' | 'md5';
  /** Hex digest. */
  readonly value: string;
}

/** A portable image of a VM's disk, produced by `exportVM` and consumed by `importVM`. */
export interface ImageArtifact {
  /** Disk format. */
  readonly format: ImageFormat;
  /** Where it is: a URI the importing side can read (`s3://`, `gs://`, `https://`, `memory://`). */
  readonly location: string;
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** Content checksum, verified on import. */
  readonly checksum: Checksum;
  /** Provider the VM was exported from. */
  readonly sourceProvider: string;
  /** Kind of that provider. */
  readonly sourceProviderKind: ProviderKind;
  /** Id of the exported VM. */
  readonly sourceVmId: string;
  /** Image alias or id the VM was created from, when known. */
  readonly baseImage: string | undefined;
  /** When the artifact was made (ISO 8601). */
  readonly createdAt: string;
}

/** Optional features a provider declares. Methods for absent ones throw `UnsupportedError`. */
export interface ProviderCapabilities {
  /** Spot/preemptible capacity. */
  readonly spot: boolean;
  /** GPU instance types. */
  readonly gpu: boolean;
  /** Reserved / committed-use prices. */
  readonly reservedPricing: boolean;
  /** `stopVM` and `startVM`. */
  readonly stopStart: boolean;
  /** Stopping releases the hardware and billing (`deallocated`). */
  readonly deallocate: boolean;
  /** Formats `exportVM` can produce (empty: no export). */
  readonly exportFormats: readonly ImageFormat[];
  /** Formats `importVM` accepts (empty: no import). */
  readonly importFormats: readonly ImageFormat[];
  /** Managed site-to-site VPN. */
  readonly vpn: boolean;
  /** Network peering. */
  readonly peering: boolean;
}
