/**
 * Carbon: grams CO2e per hour of an offer, by the Cloud Carbon Footprint (CCF) method.
 *
 *   watts  = vCPUs × (minW + u × (maxW − minW))        compute, per vCPU, at utilization u
 *          + GPUs × (gpuMinW + u × (gpuMaxW − gpuMinW)) GPUs, per physical GPU
 *          + memoryGiB × 0.392 W/GB                     memory (0.000392 kWh per GB-hour)
 *   gCO2e/h = watts / 1000 × PUE × grid intensity (gCO2e/kWh)
 *
 * CCF applies its memory coefficient only to memory above what the SPECpower server rows already
 * include; this estimator applies it to all memory (simpler, and it overestimates memory-heavy
 * types slightly: a known, conservative difference).
 *
 * Coefficients: CCF methodology, cloud-carbon-footprint/cloud-carbon-footprint
 * microsite/docs/Methodology.md at commit 1559c186661db0671984f660adefb99080de5db1, read
 * 2026-11-27 (https://www.cloudcarbonfootprint.org/docs/methodology/).
 */
import type { Offer, Provenance, ProviderKind } from '../provider/types.js';

/** Energy coefficients of one cloud. */
export interface CloudEnergyCoefficients {
  /** Watts per vCPU at 0% utilization. */
  readonly minWattsPerVcpu: number;
  /** Watts per vCPU at 100% utilization. */
  readonly maxWattsPerVcpu: number;
  /** kWh per GB-hour of memory. */
  readonly memoryKwhPerGBHour: number;
  /** Power usage effectiveness of the cloud's data centers. */
  readonly pue: number;
}

/** Where the carbon coefficients come from. */
export const CARBON_COEFFICIENTS_SOURCE: Provenance = {
  source: 'cloud-carbon-footprint methodology (Methodology.md @1559c18)',
  asOf: '2026-11-27',
};

/**
 * CCF Appendix I. AWS: average min/max 0.74/3.5 W, PUE 1.135. GCP: median min/max 0.71/4.26 W,
 * PUE 1.1. Azure: average min/max 0.78/3.76 W, PUE 1.185 (the "PUEs being used" section; the
 * same page's Appendix I lists 1.125 for Azure: we take the higher, conservative figure).
 * Memory: 0.000392 kWh/GB-h for all three.
 */
export const CLOUD_ENERGY: Readonly<Record<'aws' | 'gcp' | 'azure', CloudEnergyCoefficients>> = {
  aws: { minWattsPerVcpu: 0.74, maxWattsPerVcpu: 3.5, memoryKwhPerGBHour: 0.000392, pue: 1.135 },
  gcp: { minWattsPerVcpu: 0.71, maxWattsPerVcpu: 4.26, memoryKwhPerGBHour: 0.000392, pue: 1.1 },
  azure: { minWattsPerVcpu: 0.78, maxWattsPerVcpu: 3.76, memoryKwhPerGBHour: 0.000392, pue: 1.185 },
};

/**
 * Used for clouds CCF does not cover (OpenStack, on-premises): the mean of the three clouds'
 * compute coefficients and a PUE of 1.5, a typical enterprise data-center figure (Uptime
 * Institute surveys report averages of 1.5–1.6); an assumption, override it with your own.
 */
export const DEFAULT_ENERGY: CloudEnergyCoefficients = { minWattsPerVcpu: 0.74, maxWattsPerVcpu: 3.84, memoryKwhPerGBHour: 0.000392, pue: 1.5 };

/**
 * Per-GPU watts at idle and at 100% (CCF Appendix III, from Teads / TechPowerUp data). L4 and
 * H100 are not in CCF's table: their figures are NVIDIA's board power (L4 72 W, H100 SXM 700 W)
 * with CCF's idle share of about 11% — an assumption. `a10` (Azure) uses the A10G row and
 * `a100-80gb` the A100 row.
 */
export const GPU_WATTS: Readonly<Record<string, readonly [idle: number, max: number]>> = {
  t4: [8, 71],
  k80: [35, 306],
  m60: [35, 306],
  v100: [35, 306],
  a100: [46, 407],
  'a100-80gb': [46, 407],
  a10g: [18, 153],
  a10: [18, 153],
  p4: [9, 76.5],
  p100: [36, 306],
  p40: [30, 255],
  l4: [8, 72],
  h100: [79, 700],
};

/**
 * Grid intensity in gCO2e/kWh per region (CCF Appendix V; t/kWh × 10^6). AWS and Azure: EPA
 * eGRID2020 NERC-region factors in the US, EEA factors in Europe, carbonfootprint.com country
 * factors elsewhere. GCP: Google's published grid factors without the carbon-free-energy
 * adjustment (CCF's second table).
 */
export const GRID_INTENSITY: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  aws: {
    'us-east-1': 379.069, 'us-east-2': 410.608, 'us-west-1': 322.167, 'us-west-2': 322.167,
    'af-south-1': 900.6, 'ap-east-1': 710, 'ap-south-1': 708.2, 'ap-northeast-3': 465.8, 'ap-northeast-2': 415.6,
    'ap-southeast-1': 408, 'ap-southeast-2': 760, 'ap-northeast-1': 465.8, 'ca-central-1': 120,
    'cn-north-1': 537.4, 'cn-northwest-1': 537.4, 'eu-central-1': 311, 'eu-west-1': 278.6, 'eu-west-2': 225,
    'eu-south-1': 213.4, 'eu-west-3': 51.1, 'eu-north-1': 8.8, 'me-south-1': 505.9, 'sa-east-1': 61.7,
  },
  gcp: {
    'us-central1': 454, 'us-east1': 480, 'us-east4': 361, 'us-west1': 78, 'us-west2': 253, 'us-west3': 533, 'us-west4': 455,
    'asia-east1': 540, 'asia-east2': 453, 'asia-northeast1': 554, 'asia-northeast2': 442, 'asia-northeast3': 457,
    'asia-south1': 721, 'asia-south2': 657, 'asia-southeast1': 493, 'asia-southeast2': 647, 'australia-southeast1': 727,
    'australia-southeast2': 691, 'europe-central2': 622, 'europe-north1': 133, 'europe-west1': 212, 'europe-west2': 231,
    'europe-west3': 293, 'europe-west4': 410, 'europe-west6': 87, 'northamerica-northeast1': 27, 'southamerica-east1': 103,
  },
  // CCF lists Azure regions by display name; mapped here to ARM names.
  azure: {
    centralus: 426.254, eastus: 379.069, eastus2: 379.069, eastus3: 379.069, northcentralus: 410.608, southcentralus: 373.231,
    westcentralus: 322.167, westus: 322.167, westus2: 322.167, westus3: 322.167, eastasia: 710, southeastasia: 408,
    southafricanorth: 900.6, southafricawest: 900.6, australiacentral: 790, australiacentral2: 790, australiaeast: 790,
    australiasoutheast: 960, japanwest: 465.8, japaneast: 465.8, koreacentral: 415.6, koreasouth: 415.6, centralindia: 708.2,
    westindia: 708.2, southindia: 708.2, northeurope: 278.6, westeurope: 328.4, francecentral: 51.28, francesouth: 51.28,
    swedencentral: 5.67, switzerlandnorth: 5.67, switzerlandwest: 5.67, uksouth: 225, ukwest: 228, germanynorth: 338.66,
    germanywestcentral: 338.66, norwayeast: 7.62, norwaywest: 7.62, uaenorth: 404.1, uaecentral: 404.1, canadacentral: 120,
    canadaeast: 120, brazilsouth: 1.2, brazilsoutheast: 1.2,
  },
};

/** Options of {@link carbonGramsPerHour}. */
export interface CarbonOptions {
  /** Average CPU (and GPU) utilization, 0–1 (default 0.5, CCF's hyperscale average). */
  readonly utilization?: number | undefined;
  /** Extra or replacement grid intensities, gCO2e/kWh, by provider then region. */
  readonly gridIntensity?: Readonly<Record<string, Readonly<Record<string, number>>>> | undefined;
  /** Replacement energy coefficients by provider. */
  readonly energy?: Readonly<Record<string, CloudEnergyCoefficients>> | undefined;
  /** Intensity for regions with no figure (default: the mean of the known regions of that cloud, else 475 gCO2e/kWh, IEA's 2019 world average — an assumption). */
  readonly fallbackIntensity?: number | undefined;
}

/** An estimate with what it rests on. */
export interface CarbonEstimate {
  /** Grams CO2e per hour. */
  readonly gramsPerHour: number;
  /** Electrical power drawn, watts (before PUE). */
  readonly watts: number;
  /** Grid intensity used, gCO2e/kWh. */
  readonly gridIntensity: number;
  /** True when the region had no published intensity and a fallback was used. */
  readonly intensityEstimated: boolean;
  /** Where the coefficients came from. */
  readonly source: string;
  /** When they were read. */
  readonly asOf: string;
}

const meanCache = new Map<string, number>();
function meanIntensity(provider: string): number | undefined {
  if (meanCache.has(provider)) return meanCache.get(provider);
  const table = GRID_INTENSITY[provider];
  if (!table) return undefined;
  const values = Object.values(table);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  meanCache.set(provider, mean);
  return mean;
}

/** Estimated grams CO2e per hour of running `offer` (see the module comment for the formula). */
export function carbonGramsPerHour(offer: Offer, options: CarbonOptions = {}): CarbonEstimate {
  const u = options.utilization ?? 0.5;
  if (!(u >= 0 && u <= 1)) throw new RangeError('[novacron] carbon: utilization must be between 0 and 1');
  const provider: ProviderKind = offer.provider;
  const e = options.energy?.[provider] ?? (CLOUD_ENERGY as Record<string, CloudEnergyCoefficients>)[provider] ?? DEFAULT_ENERGY;
  let watts = offer.vcpus * (e.minWattsPerVcpu + u * (e.maxWattsPerVcpu - e.minWattsPerVcpu));
  if (offer.gpu && offer.gpu.count > 0) {
    const [idle, max] = GPU_WATTS[offer.gpu.model.toLowerCase()] ?? GPU_WATTS.v100!; // unknown GPUs: a mid-range data-center GPU
    watts += offer.gpu.count * (idle + u * (max - idle));
  }
  watts += offer.memoryGiB * e.memoryKwhPerGBHour * 1000;
  const known = options.gridIntensity?.[provider]?.[offer.region] ?? GRID_INTENSITY[provider]?.[offer.region];
  const intensity = known ?? options.fallbackIntensity ?? meanIntensity(provider) ?? 475;
  return {
    gramsPerHour: (watts / 1000) * e.pue * intensity,
    watts,
    gridIntensity: intensity,
    intensityEstimated: known === undefined,
    source: CARBON_COEFFICIENTS_SOURCE.source,
    asOf: CARBON_COEFFICIENTS_SOURCE.asOf,
  };
}
