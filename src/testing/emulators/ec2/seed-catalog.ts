/**
 * The emulator's seed catalog: a few regions, zones, instance types, images and prices, small
 * but realistic so that selection and pricing behave as they would against AWS.
 */

/** An instance type the emulator sells. */
export interface SeedInstanceType {
  /** EC2 instance type name. */
  readonly name: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory in MiB (as DescribeInstanceTypes reports it). */
  readonly memoryMiB: number;
  /** CPU architecture. */
  readonly arch: 'x86_64' | 'arm64';
  /** GPUs, when the type has them. */
  readonly gpu?: { readonly name: string; readonly manufacturer: string; readonly count: number; readonly memoryMiB: number } | undefined;
  /** On-demand Linux price per hour in us-east-1, USD. */
  readonly onDemandUsEast1: number;
}

/**
 * Instance types and their us-east-1 Linux on-demand prices.
 * Source: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux, shared tenancy),
 * read 2025-06; vCPU/memory/GPU from https://aws.amazon.com/ec2/instance-types/ (2025-06).
 */
export const SEED_INSTANCE_TYPES: readonly SeedInstanceType[] = [
  { name: 't3.micro', vcpus: 2, memoryMiB: 1024, arch: 'x86_64', onDemandUsEast1: 0.0104 },
  { name: 't3.small', vcpus: 2, memoryMiB: 2048, arch: 'x86_64', onDemandUsEast1: 0.0208 },
  { name: 't3.medium', vcpus: 2, memoryMiB: 4096, arch: 'x86_64', onDemandUsEast1: 0.0416 },
  { name: 't3.large', vcpus: 2, memoryMiB: 8192, arch: 'x86_64', onDemandUsEast1: 0.0832 },
  { name: 't3.xlarge', vcpus: 4, memoryMiB: 16384, arch: 'x86_64', onDemandUsEast1: 0.1664 },
  { name: 'm5.large', vcpus: 2, memoryMiB: 8192, arch: 'x86_64', onDemandUsEast1: 0.096 },
  { name: 'm5.xlarge', vcpus: 4, memoryMiB: 16384, arch: 'x86_64', onDemandUsEast1: 0.192 },
  { name: 'm5.2xlarge', vcpus: 8, memoryMiB: 32768, arch: 'x86_64', onDemandUsEast1: 0.384 },
  { name: 'm6g.large', vcpus: 2, memoryMiB: 8192, arch: 'arm64', onDemandUsEast1: 0.077 },
  { name: 'c5.large', vcpus: 2, memoryMiB: 4096, arch: 'x86_64', onDemandUsEast1: 0.085 },
  { name: 'c5.xlarge', vcpus: 4, memoryMiB: 8192, arch: 'x86_64', onDemandUsEast1: 0.17 },
  { name: 'r5.large', vcpus: 2, memoryMiB: 16384, arch: 'x86_64', onDemandUsEast1: 0.126 },
  { name: 'r5.xlarge', vcpus: 4, memoryMiB: 32768, arch: 'x86_64', onDemandUsEast1: 0.252 },
  { name: 'g4dn.xlarge', vcpus: 4, memoryMiB: 16384, arch: 'x86_64', gpu: { name: 'T4', manufacturer: 'NVIDIA', count: 1, memoryMiB: 16384 }, onDemandUsEast1: 0.526 },
  { name: 'g4dn.12xlarge', vcpus: 48, memoryMiB: 196608, arch: 'x86_64', gpu: { name: 'T4', manufacturer: 'NVIDIA', count: 4, memoryMiB: 16384 }, onDemandUsEast1: 3.912 },
  { name: 'g5.xlarge', vcpus: 4, memoryMiB: 16384, arch: 'x86_64', gpu: { name: 'A10G', manufacturer: 'NVIDIA', count: 1, memoryMiB: 24576 }, onDemandUsEast1: 1.006 },
  { name: 'p3.2xlarge', vcpus: 8, memoryMiB: 62464, arch: 'x86_64', gpu: { name: 'V100', manufacturer: 'NVIDIA', count: 1, memoryMiB: 16384 }, onDemandUsEast1: 3.06 },
  // Inferentia2 (an accelerator the bundled price snapshot does not list: with the Price List
  // API out of reach it is the unpriced type). Price read 2026-11 from the on-demand page above.
  { name: 'inf2.xlarge', vcpus: 4, memoryMiB: 16384, arch: 'x86_64', onDemandUsEast1: 0.7582 },
];

/** A region the emulator serves. */
export interface SeedRegion {
  /** Region code. */
  readonly name: string;
  /** The Pricing API's `location` attribute for the region. */
  readonly location: string;
  /** Zone letters. */
  readonly zones: readonly string[];
  /** Price multiplier against us-east-1. */
  readonly priceFactor: number;
  /** Types not offered in some zones: zone → types missing there. */
  readonly missing?: Readonly<Record<string, readonly string[]>> | undefined;
}

/**
 * Regions. Location names from the Pricing API's `location` attribute (2025-06). The eu-west-1
 * factor is the observed m5.large ratio 0.107 / 0.096 (on-demand pricing page, 2025-06),
 * applied to every type for brevity; us-west-2 prices equal us-east-1 for these types.
 */
export const SEED_REGIONS: readonly SeedRegion[] = [
  { name: 'us-east-1', location: 'US East (N. Virginia)', zones: ['a', 'b', 'c'], priceFactor: 1, missing: { 'us-east-1c': ['p3.2xlarge', 'g5.xlarge'] } },
  { name: 'us-west-2', location: 'US West (Oregon)', zones: ['a', 'b', 'c'], priceFactor: 1 },
  { name: 'eu-west-1', location: 'EU (Ireland)', zones: ['a', 'b', 'c'], priceFactor: 1.115, missing: { 'eu-west-1b': ['p3.2xlarge'] } },
];

/**
 * Spot price as a fraction of on-demand, per zone index. Typical of the spot price history for
 * m5/c5/r5 in 2025 (30–40 % of on-demand; source: DescribeSpotPriceHistory samples, 2025-06).
 */
export const SPOT_FACTORS: readonly number[] = [0.32, 0.35, 0.38];

/**
 * Reserved prices, standard 1-year and 3-year Partial Upfront, as fractions of on-demand.
 * Source: https://aws.amazon.com/ec2/pricing/reserved-instances/pricing/ (us-east-1 m5.large:
 * 1yr partial $289 upfront + $0.033/h ≈ 0.063 effective; 3yr partial $593 + $0.023/h), 2025-06.
 * Half the effective price is paid upfront, half hourly.
 */
export const RESERVED_FACTORS = { oneYear: 0.62, threeYear: 0.42 } as const;

/**
 * EBS prices per GB-month in us-east-1.
 * Source: https://aws.amazon.com/ebs/pricing/ (2025-06).
 */
export const EBS_PRICES_PER_GB_MONTH: Readonly<Record<string, number>> = {
  gp3: 0.08,
  gp2: 0.1,
  io1: 0.125,
  io2: 0.125,
  st1: 0.045,
  sc1: 0.015,
  standard: 0.05,
};

/**
 * Data transfer out to the internet, first 10 TB per month, USD per GB.
 * Source: https://aws.amazon.com/ec2/pricing/on-demand/ "Data Transfer" (2025-06).
 */
export const EGRESS_PER_GB = 0.09;

/** A public image the emulator offers in every region. */
export interface SeedImage {
  /** Owner account id. */
  readonly ownerId: string;
  /** Owner alias, when AWS shows one. */
  readonly ownerAlias?: string | undefined;
  /** Image name. */
  readonly name: string;
  /** Architecture. */
  readonly arch: 'x86_64' | 'arm64';
  /** Creation date. */
  readonly creationDate: string;
  /** Platform (`windows` for Windows images). */
  readonly platform?: 'windows' | undefined;
}

/**
 * Public images, two generations per distribution so "newest wins" is observable.
 * Owner ids and name patterns as published by the vendors (Canonical 099720109477, Debian
 * 136693071363, Amazon 137112412989, Red Hat 309956199498, Rocky 792107900819, Windows via
 * the `amazon` alias 801119661308), read 2025-06.
 */
export const SEED_IMAGES: readonly SeedImage[] = [
  { ownerId: '099720109477', name: 'ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-20240228', arch: 'x86_64', creationDate: '2024-02-28T00:00:00.000Z' },
  { ownerId: '099720109477', name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240207', arch: 'x86_64', creationDate: '2024-02-07T00:00:00.000Z' },
  { ownerId: '099720109477', name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250516', arch: 'x86_64', creationDate: '2025-05-16T00:00:00.000Z' },
  { ownerId: '099720109477', name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-arm64-server-20250516', arch: 'arm64', creationDate: '2025-05-16T00:00:00.000Z' },
  { ownerId: '099720109477', name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250530', arch: 'x86_64', creationDate: '2025-05-30T00:00:00.000Z' },
  { ownerId: '099720109477', name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250530', arch: 'arm64', creationDate: '2025-05-30T00:00:00.000Z' },
  { ownerId: '136693071363', name: 'debian-11-amd64-20250519-2117', arch: 'x86_64', creationDate: '2025-05-19T00:00:00.000Z' },
  { ownerId: '136693071363', name: 'debian-12-amd64-20250428-2096', arch: 'x86_64', creationDate: '2025-04-28T00:00:00.000Z' },
  { ownerId: '136693071363', name: 'debian-12-arm64-20250428-2096', arch: 'arm64', creationDate: '2025-04-28T00:00:00.000Z' },
  { ownerId: '137112412989', ownerAlias: 'amazon', name: 'al2023-ami-2023.7.20250527.1-kernel-6.1-x86_64', arch: 'x86_64', creationDate: '2025-05-27T00:00:00.000Z' },
  { ownerId: '137112412989', ownerAlias: 'amazon', name: 'al2023-ami-2023.7.20250527.1-kernel-6.1-arm64', arch: 'arm64', creationDate: '2025-05-27T00:00:00.000Z' },
  { ownerId: '309956199498', name: 'RHEL-9.5.0_HVM-20250313-x86_64-0-Hourly2-GP3', arch: 'x86_64', creationDate: '2025-03-13T00:00:00.000Z' },
  { ownerId: '792107900819', name: 'Rocky-9-EC2-Base-9.5-20241118.0.x86_64', arch: 'x86_64', creationDate: '2024-11-18T00:00:00.000Z' },
  { ownerId: '801119661308', ownerAlias: 'amazon', name: 'Windows_Server-2022-English-Full-Base-2025.05.15', arch: 'x86_64', creationDate: '2025-05-15T00:00:00.000Z', platform: 'windows' },
];
