/**
 * Deterministic catalogs at SkyPilot's scale for benchmarks: AWS ~55k rows (per zone), GCP
 * ~30k (per zone), Azure ~7k (per region), with realistic shapes (families × sizes × regions ×
 * zones, GPU families in a share of regions). Prices follow per-vCPU rates of the real
 * general-purpose, compute and memory families with a regional multiplier.
 */
import type { Offer, ProviderKind } from '../src/provider/types.js';
import { seededRandom } from '../src/testing/seeded-random.js';
export { seededRandom };

interface Family {
  readonly name: string;
  readonly memPerVcpu: number;
  readonly perVcpu: number;
  readonly arch: 'x86_64' | 'arm64';
  readonly gpu?: { model: string; memoryGiB: number; perGpu: number };
}

const BUCKETS = ['<5%', '5-10%', '10-15%', '15-20%', '>20%'] as const;
/** GPU models with memory (GiB) and an hourly price per GPU. */
export const GPU_MODELS: ReadonlyArray<readonly [string, number, number]> = [
  ['t4', 16, 0.35], ['a10g', 24, 0.75], ['l4', 24, 0.56], ['v100', 16, 2.48], ['a100', 40, 2.93], ['a100-80gb', 80, 3.9], ['h100', 80, 6.9], ['k80', 12, 0.45],
];
/** Instance sizes in vCPUs. */
export const SIZES = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192] as const;

interface Shape {
  regions: number;
  zonesPerRegion: number;
  families: Family[];
  availability: number;
  gpuRegionShare: number;
  name: (f: Family, vcpus: number) => string;
}

function families(rand: () => number, prefixes: string[], gpus: ReadonlyArray<readonly [string, number, number]>): Family[] {
  const fs: Family[] = [];
  for (const p of prefixes) {
    for (const [kind, mem, price] of [['gp', 4, 0.048], ['c', 2, 0.0425], ['r', 8, 0.063]] as const) {
      fs.push({ name: `${kind}${p}`, memPerVcpu: mem, perVcpu: price * (0.85 + rand() * 0.3), arch: rand() < 0.25 ? 'arm64' : 'x86_64' });
    }
  }
  for (const [model, memoryGiB, perGpu] of gpus) fs.push({ name: `g-${model}`, memPerVcpu: 8, perVcpu: 0.03, arch: 'x86_64', gpu: { model, memoryGiB, perGpu } });
  return fs;
}

function generate(rand: () => number, provider: ProviderKind, shape: Shape): Offer[] {
  const out: Offer[] = [];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  for (let r = 0; r < shape.regions; r++) {
    const region = `${provider}-region-${r}`;
    const multiplier = 1 + rand() * 0.6;
    const gpuRegion = rand() < shape.gpuRegionShare;
    const zones = shape.zonesPerRegion === 0 ? [undefined] : Array.from({ length: shape.zonesPerRegion }, (_, z) => `${region}${String.fromCharCode(97 + z)}`);
    for (const zone of zones) {
      for (const f of shape.families) {
        if (f.gpu && !gpuRegion) continue;
        for (const vcpus of SIZES) {
          if (rand() > shape.availability) continue;
          const gpuCount = f.gpu ? Math.max(1, Math.floor(vcpus / 12)) : 0;
          const onDemand = Math.round((vcpus * f.perVcpu + (f.gpu ? gpuCount * f.gpu.perGpu : 0)) * multiplier * 1e4) / 1e4;
          const spot = rand() < 0.9 ? Math.round(onDemand * (0.2 + rand() * 0.5) * 1e4) / 1e4 : undefined;
          out.push({
            provider,
            region,
            zone,
            instanceType: shape.name(f, vcpus),
            vcpus,
            memoryGiB: vcpus * f.memPerVcpu,
            gpu: f.gpu ? { model: f.gpu.model, count: gpuCount, memoryGiB: f.gpu.memoryGiB } : undefined,
            arch: f.arch,
            onDemandHourly: onDemand,
            spotHourly: spot,
            spotInterruption: spot === undefined ? undefined : pick(BUCKETS),
            reserved1yHourly: Math.round(onDemand * 0.6 * 1e4) / 1e4,
            reserved3yHourly: Math.round(onDemand * 0.4 * 1e4) / 1e4,
            currency: 'USD',
            source: 'bench-generated',
            asOf: '2026-11-27',
          });
        }
      }
    }
  }
  return out;
}

/** The three catalogs, generated from one seed. */
export function skyPilotScaleCatalog(seed = 20261127): { aws: Offer[]; gcp: Offer[]; azure: Offer[] } {
  const rand = seededRandom(seed);
  const aws = generate(rand, 'aws', {
    regions: 28, zonesPerRegion: 4, families: families(rand, Array.from({ length: 14 }, (_, i) => `${i + 3}`), GPU_MODELS),
    availability: 0.82, gpuRegionShare: 0.6, name: (f, v) => `${f.name}.${v}x`,
  });
  const gcp = generate(rand, 'gcp', {
    regions: 37, zonesPerRegion: 3, families: families(rand, Array.from({ length: 8 }, (_, i) => `n${i + 1}`), GPU_MODELS.slice(0, 6)),
    availability: 0.78, gpuRegionShare: 0.5, name: (f, v) => `${f.name}-standard-${v}`,
  });
  const azure = generate(rand, 'azure', {
    regions: 60, zonesPerRegion: 0, families: families(rand, Array.from({ length: 3 }, (_, i) => `v${i + 3}`), GPU_MODELS.slice(0, 5)),
    availability: 0.8, gpuRegionShare: 0.4, name: (f, v) => `Standard_${f.name}_${v}`,
  });
  return { aws, gcp, azure };
}
