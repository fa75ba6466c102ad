/**
 * Prices the in-memory provider uses when it is not given offers: a synthetic rate card for
 * `kind: 'memory'`, plus storage and egress prices for every kind.
 *
 * The synthetic per-vCPU and per-GiB rates were fitted by hand to AWS us-east-1 on-demand
 * Linux list prices of the m5, c5 and r5 families (m5.large $0.096/h, c5.large $0.085/h,
 * r5.large $0.126/h; AWS EC2 On-Demand pricing page, read 2026-11). They are a model for
 * simulations, not anybody's price list.
 */
import type { DiskType, Offer, Region } from '../../provider/types.js';

/** Provenance of the synthetic rate card. */
export const SYNTHETIC_SOURCE = 'novacron-synthetic-rate-card';
/** Date of the synthetic rate card. */
export const SYNTHETIC_AS_OF = '2026-11-27';

const PER_VCPU_HOUR = 0.031;
const PER_GIB_HOUR = 0.0042;
const PER_T4_GPU_HOUR = 0.35;
const SPOT_FACTOR = 0.35;
const RESERVED_1Y_FACTOR = 0.62;
const RESERVED_3Y_FACTOR = 0.4;

/** The default region of a provider that is given none. */
export const DEFAULT_MEMORY_REGIONS: readonly Region[] = [
  { name: 'local-1', zones: ['local-1a', 'local-1b', 'local-1c'], geo: { country: 'US', area: 'north-america' } },
];

const FAMILIES: readonly { name: string; gibPerVcpu: number }[] = [
  { name: 'gp', gibPerVcpu: 4 },
  { name: 'cpu', gibPerVcpu: 2 },
  { name: 'mem', gibPerVcpu: 8 },
];
const SIZES = [1, 2, 4, 8, 16, 32, 64];

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/** Synthetic offers for each region: general, compute and memory families plus a T4 GPU family. */
export function syntheticOffers(provider: string, regions: readonly Region[]): Offer[] {
  const offers: Offer[] = [];
  const push = (region: string, instanceType: string, vcpus: number, memoryGiB: number, gpus: number): void => {
    const onDemand = round4(vcpus * PER_VCPU_HOUR + memoryGiB * PER_GIB_HOUR + gpus * PER_T4_GPU_HOUR);
    offers.push({
      provider,
      region,
      instanceType,
      vcpus,
      memoryGiB,
      gpu: gpus > 0 ? { model: 't4', count: gpus, memoryGiB: 16 } : undefined,
      arch: 'x86_64',
      onDemandHourly: onDemand,
      spotHourly: round4(onDemand * SPOT_FACTOR),
      spotInterruption: '5-10%',
      reserved1yHourly: round4(onDemand * RESERVED_1Y_FACTOR),
      reserved3yHourly: round4(onDemand * RESERVED_3Y_FACTOR),
      currency: 'USD',
      source: SYNTHETIC_SOURCE,
      asOf: SYNTHETIC_AS_OF,
    });
  };
  for (const { name: region } of regions) {
    for (const family of FAMILIES) {
      for (const vcpus of SIZES) push(region, `${family.name}.${vcpus}x${vcpus * family.gibPerVcpu}`, vcpus, vcpus * family.gibPerVcpu, 0);
    }
    for (const gpus of [1, 4]) push(region, `gpu.${gpus * 4}x${gpus * 16}-t4`, gpus * 4, gpus * 16, gpus);
  }
  return offers;
}

/**
 * Block storage list prices in USD per GiB-month, by disk class. Portable classes use AWS
 * us-east-1 EBS prices (gp3 $0.08, st1 $0.045, io2 $0.125, magnetic $0.05); the clouds' own
 * classes use their us-east list prices (EBS pricing page; GCE disk pricing page, pd-standard
 * $0.04, pd-balanced $0.10, pd-ssd $0.17; Azure managed disks approximated per GiB from the
 * tier prices), read 2026-11.
 */
export const STORAGE_PRICE_PER_GIB_MONTH: Readonly<Record<DiskType, number>> = {
  hdd: 0.045,
  standard: 0.05,
  ssd: 0.08,
  'premium-ssd': 0.125,
  gp2: 0.1,
  gp3: 0.08,
  io1: 0.125,
  io2: 0.125,
  st1: 0.045,
  sc1: 0.015,
  'pd-standard': 0.04,
  'pd-balanced': 0.1,
  'pd-ssd': 0.17,
  'pd-extreme': 0.125,
  Standard_LRS: 0.045,
  StandardSSD_LRS: 0.075,
  Premium_LRS: 0.135,
  PremiumV2_LRS: 0.12,
};

/** Internet egress in USD per GB (AWS first 10 TB/month tier, read 2026-11). */
export const EGRESS_PRICE_PER_GB = 0.09;

/** Provenance of the storage and egress prices. */
export const STORAGE_PRICE_SOURCE = { source: 'list-prices-snapshot', asOf: '2026-11-27' } as const;
