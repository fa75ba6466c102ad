/**
 * A DATED SNAPSHOT of public list prices for the common general-purpose, compute-, memory-optimized
 * and GPU instance families of AWS, Azure and GCP in their major regions.
 *
 * It is not live data. It exists so that simulations, demos and the in-memory provider price like
 * the real clouds, and so that the optimizer has a catalog before any live loader has run. Every
 * offer it yields carries `source: 'bundled-snapshot:<cloud>'` and `asOf: BUNDLED_SNAPSHOT_AS_OF`.
 *
 * Refreshed 2026-12 (issue 12) against published list prices of mid-2026 (BUNDLED_SNAPSHOT_AS_OF):
 * - The issue's check of 34 figures found 5 more than 2% off; changed here: AWS p4d.24xlarge us-east-1
 *   32.7726 → 21.96 $/h (AWS's June 2025 P4/P5 on-demand price cut), Azure westeurope B- and F-series
 *   (about 4% high: they now have their own regional multiplier), and the AWS GPU families' regional
 *   prices (p3/p4d in eu-west-1, eu-central-1, ap-northeast-1 follow their own ratios, not m5.large's).
 * - Re-read for this refresh: SkyPilot catalog CSVs (github.com/skypilot-org/skypilot-catalog)
 *   catalogs/v7/aws/vms.csv at commits 001367d22a0033fac286a8c71aeac7109e431bcb and
 *   27f67dd4e1bc0d35fa0ec075180ad54b230882c4, catalogs/v7/gcp/vms.csv at 017e2502fb63c7a28757acd94002b2d6099d3e3d,
 *   catalogs/v5/azure/vms.csv at 3f5f697196c9278346b0271342031fff6b37036d. The stored AWS copies predate
 *   the June 2025 GPU cut (p4d.24xlarge still 32.7726 there, p5.48xlarge 98.32): they confirm the
 *   unchanged figures (m7i.large 0.1008 and its regional ratios, which equal m5.large's; p3.2xlarge 3.06,
 *   p3.8xlarge 12.24) and give the GPU families' regional ratios, not the post-cut prices. The stored Azure
 *   copies cover US regions only, so westeurope could not be re-read from them.
 * - `scripts/rebuild-snapshot.mjs` rebuilds rows and regional multipliers from such CSVs (paths or URLs);
 *   see its header for how to run it.
 *
 * How the other figures were obtained (read in 2025, spot-checked 2026-11 with the project's search tool):
 * - Base prices are the Linux on-demand list prices of the cheapest US region of each cloud
 *   (AWS us-east-1, Azure eastus, GCP us-central1), from the clouds' public price pages:
 *   https://aws.amazon.com/ec2/pricing/on-demand/ , https://azure.microsoft.com/pricing/details/virtual-machines/linux/ ,
 *   https://cloud.google.com/compute/vm-instance-pricing . Figures marked "checked" were confirmed
 *   against a published copy during the spot-check; the others are as read in 2025 and unverified since.
 * - Other regions are priced with one multiplier per region (the ratio of a reference size's price
 *   there to the base region). That is exact for the reference size and approximate (within a few
 *   percent) for other families: a known simplification of a snapshot, not of the live loaders.
 * - Spot prices are a typical fraction of on-demand per family, and the interruption buckets are
 *   representative values from the AWS Spot Instance Advisor (https://aws.amazon.com/ec2/spot/instance-advisor/);
 *   both move weekly, so treat them as illustrative. GCP and Azure publish no interruption
 *   frequency; the buckets used for them are this project's assumption and say so in `SPOT_NOTE`.
 * - Reserved / committed prices are the published discount ratios applied to on-demand, upfront
 *   fees amortized over the term (see the `reserved` table per cloud).
 *
 * Kept compact on purpose: a few hundred family × size rows expanded over regions on first use,
 * never at import (the memory provider loads this file with dynamic `import()`).
 */
import type { Architecture, GpuInfo, InterruptionBucket, Offer, ProviderKind, Region, RegionGeo } from '../provider/types.js';

/** The date the snapshot's figures describe (ISO 8601). Every bundled offer carries it as `asOf`. */
export const BUNDLED_SNAPSHOT_AS_OF = '2026-07-01';

/** The clouds the snapshot covers. */
export type BundledProvider = 'aws' | 'azure' | 'gcp';

/** What `bundledOffers` should return. */
export interface BundledOfferFilter {
  /** Only this cloud's offers (all three clouds when absent; other kinds yield nothing). */
  readonly provider?: ProviderKind | undefined;
  /** Only offers in these regions (all covered regions when absent or empty). */
  readonly regions?: readonly string[] | undefined;
}

/** A region the snapshot covers, with its zones, its geography and its price multiplier. */
export interface BundledRegion extends Region {
  /** Price of the region relative to the cloud's base region (1 = base). */
  readonly priceMultiplier: number;
  /** True when the snapshot lists GPU families in this region. */
  readonly gpu: boolean;
}

/** Storage and egress list prices of one cloud, per GB-month and per GB. */
export interface BundledStoragePrices {
  /** Price per GB-month of the cloud's general-purpose SSD block storage. */
  readonly ssdPerGBMonth: number;
  /** Price per GB-month of the cloud's standard (HDD-class) block storage. */
  readonly standardPerGBMonth: number;
  /** Price per GB of internet egress (first paid tier). */
  readonly egressPerGB: number;
  /** ISO 4217 currency code. */
  readonly currency: string;
  /** Where the figures came from. */
  readonly source: string;
  /** When they were true. */
  readonly asOf: string;
}

// ---------------------------------------------------------------------------------------------
// Regions. Multipliers: ratio of the reference size's Linux on-demand price in the region to the
// base region, read from the price pages above in 2025 (AWS reference m5.large = $0.096 in
// us-east-1; Azure D2s_v5 = $0.096 in eastus; GCP n2 vCPU-hour = $0.031611 in us-central1).
// Coordinates are the approximate metro area each cloud names for the region.
// ---------------------------------------------------------------------------------------------

type RegionRow = readonly [name: string, zones: readonly string[], multiplier: number, gpu: boolean, geo: RegionGeo];

const NA = 'north-america';
const EU = 'europe';
const AS = 'asia';
const SA = 'south-america';
const OC = 'oceania';

// AWS: m5.large us-east-1 $0.096 (checked), us-west-1 $0.112, eu-west-1 $0.107, eu-central-1 $0.115,
// eu-west-2 $0.111, ap-southeast-1 $0.12, ap-northeast-1 $0.124, ap-south-1 $0.101,
// ca-central-1 $0.107, sa-east-1 $0.153 (AWS EC2 on-demand pricing page, read 2025).
const AWS_REGIONS: readonly RegionRow[] = [
  ['us-east-1', ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'], 1, true, { country: 'US', area: NA, lat: 38.9, lon: -77.4 }],
  ['us-east-2', ['us-east-2a', 'us-east-2b', 'us-east-2c'], 1, true, { country: 'US', area: NA, lat: 40.0, lon: -83.0 }],
  ['us-west-2', ['us-west-2a', 'us-west-2b', 'us-west-2c', 'us-west-2d'], 1, true, { country: 'US', area: NA, lat: 45.8, lon: -119.7 }],
  ['us-west-1', ['us-west-1a', 'us-west-1c'], 0.112 / 0.096, false, { country: 'US', area: NA, lat: 37.4, lon: -121.9 }],
  ['ca-central-1', ['ca-central-1a', 'ca-central-1b', 'ca-central-1d'], 0.107 / 0.096, false, { country: 'CA', area: NA, lat: 45.5, lon: -73.6 }],
  ['eu-west-1', ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], 0.107 / 0.096, true, { country: 'IE', area: EU, lat: 53.3, lon: -6.3 }],
  ['eu-west-2', ['eu-west-2a', 'eu-west-2b', 'eu-west-2c'], 0.111 / 0.096, false, { country: 'GB', area: EU, lat: 51.5, lon: -0.1 }],
  ['eu-central-1', ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'], 0.115 / 0.096, true, { country: 'DE', area: EU, lat: 50.1, lon: 8.7 }],
  ['ap-south-1', ['ap-south-1a', 'ap-south-1b', 'ap-south-1c'], 0.101 / 0.096, false, { country: 'IN', area: AS, lat: 19.1, lon: 72.9 }],
  ['ap-southeast-1', ['ap-southeast-1a', 'ap-southeast-1b', 'ap-southeast-1c'], 0.12 / 0.096, false, { country: 'SG', area: AS, lat: 1.3, lon: 103.8 }],
  ['ap-northeast-1', ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d'], 0.124 / 0.096, true, { country: 'JP', area: AS, lat: 35.7, lon: 139.7 }],
  ['sa-east-1', ['sa-east-1a', 'sa-east-1b', 'sa-east-1c'], 0.153 / 0.096, false, { country: 'BR', area: SA, lat: -23.5, lon: -46.6 }],
];

// Azure: D2s_v5 eastus $0.096 (Azure Linux VM pricing page, read 2025); other regions'
// multipliers approximated from the same size's regional price (unverified since 2025).
const AZURE_REGIONS: readonly RegionRow[] = [
  ['eastus', ['1', '2', '3'], 1, true, { country: 'US', area: NA, lat: 37.4, lon: -79.4 }],
  ['eastus2', ['1', '2', '3'], 1, true, { country: 'US', area: NA, lat: 36.7, lon: -78.4 }],
  ['westus2', ['1', '2', '3'], 1, true, { country: 'US', area: NA, lat: 47.2, lon: -119.9 }],
  ['centralus', ['1', '2', '3'], 1, false, { country: 'US', area: NA, lat: 41.6, lon: -93.6 }],
  ['canadacentral', ['1', '2', '3'], 0.106 / 0.096, false, { country: 'CA', area: NA, lat: 43.7, lon: -79.4 }],
  ['northeurope', ['1', '2', '3'], 0.107 / 0.096, true, { country: 'IE', area: EU, lat: 53.3, lon: -6.3 }],
  ['westeurope', ['1', '2', '3'], 0.115 / 0.096, true, { country: 'NL', area: EU, lat: 52.4, lon: 4.9 }],
  ['uksouth', ['1', '2', '3'], 0.111 / 0.096, false, { country: 'GB', area: EU, lat: 51.5, lon: -0.1 }],
  ['southeastasia', ['1', '2', '3'], 0.12 / 0.096, true, { country: 'SG', area: AS, lat: 1.3, lon: 103.8 }],
  ['japaneast', ['1', '2', '3'], 0.124 / 0.096, false, { country: 'JP', area: AS, lat: 35.7, lon: 139.7 }],
  ['australiaeast', ['1', '2', '3'], 0.125 / 0.096, false, { country: 'AU', area: OC, lat: -33.9, lon: 151.2 }],
];

// GCP: n2 vCPU-hour us-central1 $0.031611 (checked against cloud.google.com/compute/vm-instance-pricing);
// other regions' multipliers from the n2 vCPU price there (us-east4 ≈ $0.035605, europe-west1
// ≈ $0.034806, europe-west4 ≈ $0.034806, europe-west2 ≈ $0.036996, asia-northeast1 ≈ $0.040664,
// asia-southeast1 ≈ $0.038928, asia-east1 ≈ $0.036609), read 2025, unverified since.
const GCP_REGIONS: readonly RegionRow[] = [
  ['us-central1', ['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f'], 1, true, { country: 'US', area: NA, lat: 41.3, lon: -95.9 }],
  ['us-east1', ['us-east1-b', 'us-east1-c', 'us-east1-d'], 1, true, { country: 'US', area: NA, lat: 33.2, lon: -80.0 }],
  ['us-west1', ['us-west1-a', 'us-west1-b', 'us-west1-c'], 1, true, { country: 'US', area: NA, lat: 45.6, lon: -121.2 }],
  ['us-east4', ['us-east4-a', 'us-east4-b', 'us-east4-c'], 0.035605 / 0.031611, false, { country: 'US', area: NA, lat: 39.0, lon: -77.5 }],
  ['europe-west1', ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'], 0.034806 / 0.031611, true, { country: 'BE', area: EU, lat: 50.4, lon: 3.8 }],
  ['europe-west4', ['europe-west4-a', 'europe-west4-b', 'europe-west4-c'], 0.034806 / 0.031611, true, { country: 'NL', area: EU, lat: 53.4, lon: 6.8 }],
  ['europe-west2', ['europe-west2-a', 'europe-west2-b', 'europe-west2-c'], 0.036996 / 0.031611, false, { country: 'GB', area: EU, lat: 51.5, lon: -0.1 }],
  ['asia-east1', ['asia-east1-a', 'asia-east1-b', 'asia-east1-c'], 0.036609 / 0.031611, true, { country: 'TW', area: AS, lat: 24.1, lon: 120.5 }],
  ['asia-northeast1', ['asia-northeast1-a', 'asia-northeast1-b', 'asia-northeast1-c'], 0.040664 / 0.031611, false, { country: 'JP', area: AS, lat: 35.7, lon: 139.7 }],
  ['asia-southeast1', ['asia-southeast1-a', 'asia-southeast1-b', 'asia-southeast1-c'], 0.038928 / 0.031611, false, { country: 'SG', area: AS, lat: 1.3, lon: 103.8 }],
];

// ---------------------------------------------------------------------------------------------
// Families. A "linear" family's price is proportional to its size, as the three clouds price
// their general-purpose, compute and memory families: price(size) = unit price × vCPUs / unit
// vCPUs. Each row: name pattern, memory GiB per vCPU, arch, base-region price of the smallest
// listed size, the sizes (vCPUs), spot fraction of on-demand, interruption bucket.
// ---------------------------------------------------------------------------------------------

interface LinearFamily {
  /** Builds the instance-type name from a vCPU count. */
  readonly name: (vcpus: number) => string;
  readonly memPerVcpu: number;
  readonly arch: Architecture;
  /** Base-region on-demand $/h of `sizes[0]`. */
  readonly basePrice: number;
  readonly sizes: readonly number[];
  readonly spotFraction: number;
  readonly interruption: InterruptionBucket;
}

/** An explicitly listed type (burstable and GPU types are not priced linearly). */
type FixedRow = readonly [
  instanceType: string,
  vcpus: number,
  memoryGiB: number,
  onDemand: number,
  gpu: GpuInfo | undefined,
  spotFraction: number,
  interruption: InterruptionBucket,
];

const AWS_SIZE_NAMES: Readonly<Record<number, string>> = {
  2: 'large', 4: 'xlarge', 8: '2xlarge', 16: '4xlarge', 32: '8xlarge', 48: '12xlarge', 64: '16xlarge', 96: '24xlarge', 128: '32xlarge',
};
const aws = (family: string) => (vcpus: number): string => `${family}.${AWS_SIZE_NAMES[vcpus] ?? `${vcpus / 4}xlarge`}`;
const AWS_STD = [2, 4, 8, 16, 32, 48, 64, 96];
const AWS_GRAVITON = [2, 4, 8, 16, 32, 48, 64];

// AWS us-east-1 Linux on-demand, price of the .large size (AWS EC2 on-demand pricing page, read 2025;
// m7g.large $0.0816 checked 2026-11 against a June 2026 published copy). Spot fractions and
// buckets: representative Spot Instance Advisor / spot price history values, illustrative only.
const AWS_LINEAR: readonly LinearFamily[] = [
  { name: aws('m5'), memPerVcpu: 4, arch: 'x86_64', basePrice: 0.096, sizes: AWS_STD, spotFraction: 0.42, interruption: '5-10%' },
  { name: aws('m6i'), memPerVcpu: 4, arch: 'x86_64', basePrice: 0.096, sizes: [...AWS_STD, 128], spotFraction: 0.4, interruption: '<5%' },
  { name: aws('m7i'), memPerVcpu: 4, arch: 'x86_64', basePrice: 0.1008, sizes: AWS_STD, spotFraction: 0.45, interruption: '<5%' },
  { name: aws('m6g'), memPerVcpu: 4, arch: 'arm64', basePrice: 0.077, sizes: AWS_GRAVITON, spotFraction: 0.42, interruption: '<5%' },
  { name: aws('m7g'), memPerVcpu: 4, arch: 'arm64', basePrice: 0.0816, sizes: AWS_GRAVITON, spotFraction: 0.45, interruption: '<5%' },
  { name: aws('c5'), memPerVcpu: 2, arch: 'x86_64', basePrice: 0.085, sizes: AWS_STD, spotFraction: 0.4, interruption: '5-10%' },
  { name: aws('c6i'), memPerVcpu: 2, arch: 'x86_64', basePrice: 0.085, sizes: [...AWS_STD, 128], spotFraction: 0.4, interruption: '5-10%' },
  { name: aws('c7i'), memPerVcpu: 2, arch: 'x86_64', basePrice: 0.08925, sizes: AWS_STD, spotFraction: 0.45, interruption: '<5%' },
  { name: aws('c7g'), memPerVcpu: 2, arch: 'arm64', basePrice: 0.0725, sizes: AWS_GRAVITON, spotFraction: 0.45, interruption: '<5%' },
  { name: aws('r5'), memPerVcpu: 8, arch: 'x86_64', basePrice: 0.126, sizes: AWS_STD, spotFraction: 0.33, interruption: '<5%' },
  { name: aws('r6i'), memPerVcpu: 8, arch: 'x86_64', basePrice: 0.126, sizes: [...AWS_STD, 128], spotFraction: 0.35, interruption: '<5%' },
  { name: aws('r7g'), memPerVcpu: 8, arch: 'arm64', basePrice: 0.1071, sizes: AWS_GRAVITON, spotFraction: 0.4, interruption: '<5%' },
];

const T4_16: GpuInfo = { model: 't4', count: 1, memoryGiB: 16 };
const A10G_24: GpuInfo = { model: 'a10g', count: 1, memoryGiB: 24 };
const L4_24: GpuInfo = { model: 'l4', count: 1, memoryGiB: 24 };
const V100_16: GpuInfo = { model: 'v100', count: 1, memoryGiB: 16 };
const A100_40: GpuInfo = { model: 'a100', count: 1, memoryGiB: 40 };
const A100_80: GpuInfo = { model: 'a100-80gb', count: 1, memoryGiB: 80 };
const A10_24: GpuInfo = { model: 'a10', count: 1, memoryGiB: 24 };
const times = (gpu: GpuInfo, count: number): GpuInfo => ({ ...gpu, count });

// AWS burstable and GPU types, us-east-1 Linux on-demand (AWS EC2 on-demand pricing page, read
// 2025; g5.xlarge $1.006 checked 2026-11). p3: unchanged by AWS's June 2025 cut, 3.06 / 12.24 as in
// SkyPilot catalogs/v7/aws/vms.csv @001367d. p4d.24xlarge: 21.96 after that cut (AWS EC2 on-demand
// pricing page, mid-2026, as checked in issue 12; 32.7726 before it, as @001367d still lists).
const AWS_FIXED: readonly FixedRow[] = [
  ['t3.micro', 2, 1, 0.0104, undefined, 0.31, '<5%'],
  ['t3.small', 2, 2, 0.0208, undefined, 0.31, '<5%'],
  ['t3.medium', 2, 4, 0.0416, undefined, 0.31, '<5%'],
  ['t3.large', 2, 8, 0.0832, undefined, 0.31, '<5%'],
  ['t3.xlarge', 4, 16, 0.1664, undefined, 0.31, '<5%'],
  ['t3.2xlarge', 8, 32, 0.3328, undefined, 0.31, '<5%'],
  ['g4dn.xlarge', 4, 16, 0.526, T4_16, 0.3, '10-15%'],
  ['g4dn.2xlarge', 8, 32, 0.752, T4_16, 0.3, '10-15%'],
  ['g4dn.4xlarge', 16, 64, 1.204, T4_16, 0.3, '10-15%'],
  ['g4dn.12xlarge', 48, 192, 3.912, times(T4_16, 4), 0.3, '10-15%'],
  ['g5.xlarge', 4, 16, 1.006, A10G_24, 0.38, '15-20%'],
  ['g5.2xlarge', 8, 32, 1.212, A10G_24, 0.38, '15-20%'],
  ['g5.4xlarge', 16, 64, 1.624, A10G_24, 0.38, '15-20%'],
  ['g5.12xlarge', 48, 192, 5.672, times(A10G_24, 4), 0.38, '15-20%'],
  ['g5.48xlarge', 192, 768, 16.288, times(A10G_24, 8), 0.38, '>20%'],
  ['g6.xlarge', 4, 16, 0.8048, L4_24, 0.4, '10-15%'],
  ['g6.2xlarge', 8, 32, 0.9776, L4_24, 0.4, '10-15%'],
  ['g6.12xlarge', 48, 192, 4.6016, times(L4_24, 4), 0.4, '10-15%'],
  ['p3.2xlarge', 8, 61, 3.06, V100_16, 0.3, '>20%'],
  ['p3.8xlarge', 32, 244, 12.24, times(V100_16, 4), 0.3, '>20%'],
  ['p4d.24xlarge', 96, 1152, 21.96, times(A100_40, 8), 0.45, '>20%'],
];

// Azure eastus Linux pay-as-you-go (Azure Linux VM pricing page, read 2025; unverified since).
// Spot fractions are typical eastus spot discounts; interruption buckets are this project's
// assumption (Azure publishes an eviction-rate range in the portal only).
const az = (pattern: string) => (vcpus: number): string => `Standard_${pattern.replace('#', String(vcpus))}`;
const AZURE_LINEAR: readonly LinearFamily[] = [
  { name: az('D#s_v5'), memPerVcpu: 4, arch: 'x86_64', basePrice: 0.096, sizes: [2, 4, 8, 16, 32, 48, 64, 96], spotFraction: 0.2, interruption: '5-10%' },
  { name: az('D#as_v5'), memPerVcpu: 4, arch: 'x86_64', basePrice: 0.086, sizes: [2, 4, 8, 16, 32, 48, 64, 96], spotFraction: 0.2, interruption: '5-10%' },
  { name: az('D#ps_v5'), memPerVcpu: 4, arch: 'arm64', basePrice: 0.077, sizes: [2, 4, 8, 16, 32, 48, 64], spotFraction: 0.2, interruption: '5-10%' },
  { name: az('E#s_v5'), memPerVcpu: 8, arch: 'x86_64', basePrice: 0.126, sizes: [2, 4, 8, 16, 32, 48, 64], spotFraction: 0.2, interruption: '5-10%' },
  { name: az('E#as_v5'), memPerVcpu: 8, arch: 'x86_64', basePrice: 0.113, sizes: [2, 4, 8, 16, 32, 48, 64], spotFraction: 0.2, interruption: '5-10%' },
  { name: az('F#s_v2'), memPerVcpu: 2, arch: 'x86_64', basePrice: 0.0846, sizes: [2, 4, 8, 16, 32, 48, 64, 72], spotFraction: 0.2, interruption: '10-15%' },
];
const AZURE_FIXED: readonly FixedRow[] = [
  ['Standard_B2s', 2, 4, 0.0416, undefined, 0.3, '5-10%'],
  ['Standard_B2ms', 2, 8, 0.0832, undefined, 0.3, '5-10%'],
  ['Standard_B4ms', 4, 16, 0.166, undefined, 0.3, '5-10%'],
  ['Standard_B8ms', 8, 32, 0.333, undefined, 0.3, '5-10%'],
  ['Standard_NC4as_T4_v3', 4, 28, 0.526, T4_16, 0.25, '10-15%'],
  ['Standard_NC8as_T4_v3', 8, 56, 0.752, T4_16, 0.25, '10-15%'],
  ['Standard_NC16as_T4_v3', 16, 110, 1.204, T4_16, 0.25, '10-15%'],
  ['Standard_NC64as_T4_v3', 64, 440, 4.352, times(T4_16, 4), 0.25, '10-15%'],
  ['Standard_NV36ads_A10_v5', 36, 440, 3.2, A10_24, 0.3, '10-15%'], // price not re-checked: approximate
  ['Standard_NC6s_v3', 6, 112, 3.06, V100_16, 0.25, '15-20%'],
  ['Standard_NC24s_v3', 24, 448, 12.24, times(V100_16, 4), 0.25, '15-20%'],
  ['Standard_NC24ads_A100_v4', 24, 220, 3.673, A100_80, 0.3, '>20%'],
  ['Standard_NC96ads_A100_v4', 96, 880, 14.692, times(A100_80, 4), 0.3, '>20%'],
  ['Standard_ND96asr_v4', 96, 900, 27.197, times(A100_40, 8), 0.3, '>20%'],
];

// GCP us-central1 on-demand, priced per vCPU-hour and per GiB-hour as the Cloud Billing Catalog
// composes them (cloud.google.com/compute/vm-instance-pricing, read 2025; n2 figures checked
// 2026-11). Spot fractions: typical spot discounts (GCP spot prices change up to once a month).
// GCP publishes no interruption frequency; the buckets are this project's assumption.
interface GcpFamily {
  readonly family: string;
  readonly vcpuPrice: number;
  readonly gibPrice: number;
  /** Shape name → GiB per vCPU. */
  readonly shapes: Readonly<Record<string, number>>;
  readonly sizes: readonly number[];
  readonly spotFraction: number;
  readonly interruption: InterruptionBucket;
}
const GCP_LINEAR: readonly GcpFamily[] = [
  { family: 'e2', vcpuPrice: 0.021811, gibPrice: 0.002923, shapes: { standard: 4, highmem: 8, highcpu: 1 }, sizes: [2, 4, 8, 16, 32], spotFraction: 0.3, interruption: '10-15%' },
  { family: 'n2', vcpuPrice: 0.031611, gibPrice: 0.004237, shapes: { standard: 4, highmem: 8, highcpu: 1 }, sizes: [2, 4, 8, 16, 32, 48, 64, 80, 96, 128], spotFraction: 0.3, interruption: '10-15%' },
  { family: 'n2d', vcpuPrice: 0.027502, gibPrice: 0.003686, shapes: { standard: 4, highmem: 8, highcpu: 1 }, sizes: [2, 4, 8, 16, 32, 48, 64, 80, 96], spotFraction: 0.3, interruption: '10-15%' },
  { family: 'c2', vcpuPrice: 0.03398, gibPrice: 0.00455, shapes: { standard: 4 }, sizes: [4, 8, 16, 30, 60], spotFraction: 0.3, interruption: '10-15%' },
  // c3: per-vCPU and per-GiB figures not re-checked against the page; treat as approximate.
  { family: 'c3', vcpuPrice: 0.03465, gibPrice: 0.003938, shapes: { standard: 4, highmem: 8, highcpu: 2 }, sizes: [4, 8, 22, 44, 88, 176], spotFraction: 0.3, interruption: '10-15%' },
];
// Accelerator-optimized machine types are sold as a whole (vCPU + memory + GPU).
// a2 A100 and g2 L4 prices from the same page (read 2025); n1 + T4/V100 composed from the
// n1 machine price plus the per-GPU price (T4 $0.35/h, read 2025). One GPU model per machine
// type name, so that a name alone identifies an offer in a region.
const n1 = (vcpus: number): number => vcpus * 0.031611 + vcpus * 3.75 * 0.004237;
const GCP_FIXED: readonly FixedRow[] = [
  ['n1-standard-4', 4, 15, n1(4) + 0.35, T4_16, 0.3, '15-20%'],
  ['n1-standard-8', 8, 30, n1(8) + 0.35, T4_16, 0.3, '15-20%'],
  ['n1-standard-16', 16, 60, n1(16) + 4 * 0.35, times(T4_16, 4), 0.3, '15-20%'],
  ['g2-standard-4', 4, 16, 0.70683, L4_24, 0.35, '15-20%'],
  ['g2-standard-8', 8, 32, 0.85362, L4_24, 0.35, '15-20%'],
  ['g2-standard-24', 24, 96, 2.00082, times(L4_24, 2), 0.35, '15-20%'],
  ['g2-standard-48', 48, 192, 4.00164, times(L4_24, 4), 0.35, '15-20%'],
  ['a2-highgpu-1g', 12, 85, 3.673385, A100_40, 0.35, '>20%'],
  ['a2-highgpu-2g', 24, 170, 7.34677, times(A100_40, 2), 0.35, '>20%'],
  ['a2-highgpu-8g', 96, 680, 29.387081, times(A100_40, 8), 0.35, '>20%'],
  ['a2-ultragpu-1g', 12, 170, 5.068732, A100_80, 0.35, '>20%'], // price not re-checked: approximate
];

/**
 * Regional multipliers of the families whose regional prices do not follow the cloud's reference
 * size, keyed by instance-type prefix (the longest matching prefix wins); regions not listed use
 * the region's multiplier. This block is what `scripts/rebuild-snapshot.mjs` prints.
 * - AWS p3 / p4d: ratio of p3.8xlarge's and p4d.24xlarge's regional price to us-east-1 in SkyPilot
 *   catalogs/v7/aws/vms.csv @001367d22a0033fac286a8c71aeac7109e431bcb (pre-June-2025 prices; the 2025
 *   cut is assumed to keep the regional ratios, unverified). us-east-2 and us-west-2 are 1 there.
 * - Azure westeurope B- and F-series: issue 12's mid-2026 check found Standard_B2s and Standard_F4s_v2
 *   about 4% below eastus × the D2s_v5 ratio (0.115 / 0.096); corrected by that measured 4% until the
 *   westeurope price list is re-read (the stored SkyPilot Azure copies hold US regions only).
 */
const FAMILY_REGION_MULTIPLIERS: Readonly<Record<BundledProvider, Readonly<Record<string, Readonly<Record<string, number>>>>>> = {
  aws: {
    'p3.': { 'eu-west-1': 13.22 / 12.24, 'eu-central-1': 15.292 / 12.24, 'ap-northeast-1': 16.776 / 12.24 },
    'p4d.': { 'eu-west-1': 35.39655 / 32.7726, 'eu-central-1': 40.94475 / 32.7726, 'ap-northeast-1': 44.92215 / 32.7726 },
  },
  azure: {
    Standard_B: { westeurope: 0.115 / 0.096 / 1.04 },
    Standard_F: { westeurope: 0.115 / 0.096 / 1.04 },
  },
  gcp: {},
};

/** The regional multiplier of one instance type: its family's, else the region's. */
function multiplierOf(provider: BundledProvider, instanceType: string, region: string, regionMultiplier: number): number {
  let best: string | undefined;
  for (const prefix of Object.keys(FAMILY_REGION_MULTIPLIERS[provider])) {
    if (instanceType.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return (best === undefined ? undefined : FAMILY_REGION_MULTIPLIERS[provider][best]![region]) ?? regionMultiplier;
}

/**
 * Reserved / committed-use effective hourly price as a fraction of on-demand, upfront fees
 * amortized over the term.
 * - AWS: Standard RI, all upfront: m5.large $493/1 y and $1,003/3 y in us-east-1 (read 2025) →
 *   0.586 and 0.398 of on-demand; applied to every family (approximation).
 * - Azure: Reserved VM Instances, D2s_v5 in eastus: $496 for 1 y and $933 for 3 y prepaid (Azure
 *   Retail Prices API `type: 'Reservation'` items as quoted in ahmadabdalla/azure-cost-calculator
 *   issue #239, 2026-02-25) → $0.0566/h and $0.0355/h, i.e. 0.59 and 0.37 of $0.096.
 * - GCP: resource-based committed use discounts, 37% (1 y) and 55% (3 y) for general-purpose
 *   machine types (cloud.google.com/compute/docs/instances/committed-use-discounts-overview, read 2025).
 */
const RESERVED: Readonly<Record<BundledProvider, { readonly y1: number; readonly y3: number }>> = {
  aws: { y1: 0.586, y3: 0.398 },
  azure: { y1: 0.59, y3: 0.37 },
  gcp: { y1: 0.63, y3: 0.45 },
};

/** Explains where the spot interruption buckets of the snapshot come from. */
export const SPOT_NOTE =
  'AWS buckets: representative AWS Spot Instance Advisor values (illustrative, they move weekly). ' +
  'Azure and GCP publish no interruption-frequency buckets: theirs are novacron assumptions.';

const STORAGE: Readonly<Record<BundledProvider, BundledStoragePrices>> = {
  // EBS gp3 $0.08/GB-month, st1 $0.045/GB-month, data transfer out first 10 TB $0.09/GB, us-east-1
  // (aws.amazon.com/ebs/pricing, aws.amazon.com/ec2/pricing/on-demand, read 2025).
  aws: { ssdPerGBMonth: 0.08, standardPerGBMonth: 0.045, egressPerGB: 0.09, currency: 'USD', source: 'bundled-snapshot:aws', asOf: BUNDLED_SNAPSHOT_AS_OF },
  // Managed disks: Premium SSD P10 (128 GiB) $19.71/month ≈ $0.154/GB-month, Standard HDD S10
  // $5.89/128 GiB ≈ $0.046/GB-month; internet egress $0.087/GB after 100 GB, eastus (read 2025).
  azure: { ssdPerGBMonth: 0.154, standardPerGBMonth: 0.046, egressPerGB: 0.087, currency: 'USD', source: 'bundled-snapshot:azure', asOf: BUNDLED_SNAPSHOT_AS_OF },
  // pd-balanced $0.10/GB-month, pd-standard $0.04/GB-month, premium-tier egress $0.12/GB (0–1 TB),
  // us-central1 (cloud.google.com/compute/disks-image-pricing, cloud.google.com/vpc/network-pricing, read 2025).
  gcp: { ssdPerGBMonth: 0.1, standardPerGBMonth: 0.04, egressPerGB: 0.12, currency: 'USD', source: 'bundled-snapshot:gcp', asOf: BUNDLED_SNAPSHOT_AS_OF },
};

// ---------------------------------------------------------------------------------------------
// Expansion, done once per cloud on first use.
// ---------------------------------------------------------------------------------------------

/** Price rounding: the clouds publish at most 6 decimals for hourly prices. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

interface TypeRow {
  readonly instanceType: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly arch: Architecture;
  readonly onDemand: number;
  readonly gpu: GpuInfo | undefined;
  readonly spotFraction: number;
  readonly interruption: InterruptionBucket;
}

function typeRows(provider: BundledProvider): TypeRow[] {
  const rows: TypeRow[] = [];
  const linear = provider === 'aws' ? AWS_LINEAR : provider === 'azure' ? AZURE_LINEAR : [];
  for (const f of linear) {
    const unit = f.basePrice / f.sizes[0]!;
    for (const vcpus of f.sizes) {
      rows.push({ instanceType: f.name(vcpus), vcpus, memoryGiB: vcpus * f.memPerVcpu, arch: f.arch, onDemand: unit * vcpus, gpu: undefined, spotFraction: f.spotFraction, interruption: f.interruption });
    }
  }
  if (provider === 'gcp') {
    for (const f of GCP_LINEAR) {
      for (const [shape, gibPerVcpu] of Object.entries(f.shapes)) {
        for (const vcpus of f.sizes) {
          const memoryGiB = vcpus * gibPerVcpu;
          rows.push({
            instanceType: `${f.family}-${shape}-${vcpus}`,
            vcpus,
            memoryGiB,
            arch: 'x86_64',
            onDemand: vcpus * f.vcpuPrice + memoryGiB * f.gibPrice,
            gpu: undefined,
            spotFraction: f.spotFraction,
            interruption: f.interruption,
          });
        }
      }
    }
  }
  const fixed = provider === 'aws' ? AWS_FIXED : provider === 'azure' ? AZURE_FIXED : GCP_FIXED;
  for (const [instanceType, vcpus, memoryGiB, onDemand, gpu, spotFraction, interruption] of fixed) {
    rows.push({ instanceType, vcpus, memoryGiB, arch: 'x86_64', onDemand, gpu, spotFraction, interruption });
  }
  return rows;
}

function regionRows(provider: BundledProvider): readonly RegionRow[] {
  return provider === 'aws' ? AWS_REGIONS : provider === 'azure' ? AZURE_REGIONS : GCP_REGIONS;
}

const cache = new Map<BundledProvider, readonly Offer[]>();

function offersOf(provider: BundledProvider): readonly Offer[] {
  const cached = cache.get(provider);
  if (cached) return cached;
  const reserved = RESERVED[provider];
  const source = `bundled-snapshot:${provider}`;
  const offers: Offer[] = [];
  for (const [region, , multiplier, gpuRegion] of regionRows(provider)) {
    for (const t of typeRows(provider)) {
      if (t.gpu && !gpuRegion) continue;
      const onDemandHourly = round6(t.onDemand * multiplierOf(provider, t.instanceType, region, multiplier));
      offers.push(
        Object.freeze({
          provider,
          region,
          instanceType: t.instanceType,
          vcpus: t.vcpus,
          memoryGiB: t.memoryGiB,
          gpu: t.gpu,
          arch: t.arch,
          onDemandHourly,
          spotHourly: round6(onDemandHourly * t.spotFraction),
          spotInterruption: t.interruption,
          reserved1yHourly: round6(onDemandHourly * reserved.y1),
          reserved3yHourly: round6(onDemandHourly * reserved.y3),
          currency: 'USD',
          source,
          asOf: BUNDLED_SNAPSHOT_AS_OF,
        }),
      );
    }
  }
  Object.freeze(offers);
  cache.set(provider, offers);
  return offers;
}

function isBundledProvider(kind: ProviderKind | undefined): kind is BundledProvider {
  return kind === 'aws' || kind === 'azure' || kind === 'gcp';
}

/** The clouds the bundled snapshot covers. */
export const BUNDLED_PROVIDERS: readonly BundledProvider[] = ['aws', 'azure', 'gcp'];

/**
 * Offers from the dated snapshot: one per instance type and covered region, with on-demand,
 * spot (and interruption bucket) and 1- and 3-year reserved prices, each carrying
 * `source: 'bundled-snapshot:<cloud>'` and `asOf: BUNDLED_SNAPSHOT_AS_OF`.
 *
 * The offers are frozen and shared between calls; the array returned is the caller's own.
 *
 * @example
 * ```ts
 * const { bundledOffers } = await import('novacron/catalog/bundled-snapshot');
 * const offers = bundledOffers({ provider: 'aws', regions: ['us-east-1'] });
 * ```
 */
export function bundledOffers(filter?: BundledOfferFilter): Offer[] {
  const providers = filter?.provider === undefined ? BUNDLED_PROVIDERS : isBundledProvider(filter.provider) ? [filter.provider] : [];
  const regions = filter?.regions && filter.regions.length > 0 ? new Set(filter.regions) : undefined;
  const out: Offer[] = [];
  for (const provider of providers) {
    for (const offer of offersOf(provider)) {
      if (regions === undefined || regions.has(offer.region)) out.push(offer);
    }
  }
  return out;
}

/**
 * The regions the snapshot covers for a cloud (empty for clouds it does not cover), with their
 * zones, geography and price multiplier relative to the cloud's base region.
 */
export function bundledRegions(provider: ProviderKind): BundledRegion[] {
  if (!isBundledProvider(provider)) return [];
  return regionRows(provider).map(([name, zones, priceMultiplier, gpu, geo]) => ({ name, zones, geo, priceMultiplier, gpu }));
}

/** Storage and egress list prices of a covered cloud, from the same dated snapshot. */
export function bundledStoragePrices(provider: ProviderKind): BundledStoragePrices | undefined {
  return isBundledProvider(provider) ? STORAGE[provider] : undefined;
}

/** Per-vCPU and per-GiB rates of a GCP machine family in one region, as the Cloud Billing Catalog prices them. */
export interface BundledGcpFamilyRate {
  /** Machine family (`n2`, `e2`, `c3`, ...). */
  readonly family: string;
  /** Region. */
  readonly region: string;
  /** On-demand price per vCPU-hour. */
  readonly vcpuHourly: number;
  /** On-demand price per GiB-hour. */
  readonly gibHourly: number;
  /** Spot price as a fraction of on-demand. */
  readonly spotFraction: number;
  /** 1-year committed-use price as a fraction of on-demand. */
  readonly commit1yFraction: number;
  /** 3-year committed-use price as a fraction of on-demand. */
  readonly commit3yFraction: number;
}

/**
 * The snapshot's GCP family rates per covered region (the per-core and per-GiB figures its GCP
 * offers are composed from), so that a Cloud Billing Catalog emulator can serve the same prices.
 */
export function bundledGcpRates(): BundledGcpFamilyRate[] {
  const out: BundledGcpFamilyRate[] = [];
  for (const [region, , multiplier] of GCP_REGIONS) {
    for (const f of GCP_LINEAR) {
      out.push({
        family: f.family,
        region,
        vcpuHourly: f.vcpuPrice * multiplier,
        gibHourly: f.gibPrice * multiplier,
        spotFraction: f.spotFraction,
        commit1yFraction: RESERVED.gcp.y1,
        commit3yFraction: RESERVED.gcp.y3,
      });
    }
  }
  return out;
}
