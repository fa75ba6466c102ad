/**
 * Round-trip times between regions, for `near` constraints and location scores.
 *
 * Three layers, most trusted first: live probes (smoothed), a built-in table of published
 * averages, and an estimate from great-circle distance for every other pair, so that a
 * region of any cloud can be compared with any other as long as its coordinates are known.
 */
import type { Provenance, RegionGeo } from '../../provider/types.js';

/** A round-trip time with where it came from. */
export interface LatencyFigure extends Provenance {
  /** Round-trip time in milliseconds. */
  readonly rttMs: number;
}

/**
 * Published average round-trip times between AWS regions, in ms. Source: the table "Latency
 * Between AWS Global Regions" (average of pings between EC2 instances), as reproduced in
 * "A Computer Scientist Learns AWS: AWS Regions", April 2017. Backbone routes have improved
 * since, so these are upper-leaning figures; live probes replace them.
 */
const PUBLISHED_RTT_MS: readonly (readonly [string, string, number])[] = [
  ['us-east-1', 'us-west-1', 72.7],
  ['us-east-1', 'us-west-2', 87.0],
  ['us-east-1', 'eu-west-1', 80.5],
  ['us-east-1', 'eu-central-1', 88.7],
  ['us-east-1', 'ap-northeast-1', 145.3],
  ['us-east-1', 'ap-northeast-2', 178.4],
  ['us-east-1', 'ap-southeast-1', 216.7],
  ['us-east-1', 'ap-southeast-2', 230.0],
  ['us-east-1', 'sa-east-1', 119.5],
  ['us-west-1', 'us-west-2', 19.3],
  ['us-west-2', 'eu-west-1', 137.0],
  ['us-west-2', 'ap-northeast-1', 89.1],
  ['eu-west-1', 'eu-central-1', 19.6],
  ['eu-west-1', 'ap-northeast-1', 212.4],
  ['ap-northeast-1', 'ap-northeast-2', 31.4],
  ['ap-northeast-1', 'ap-southeast-1', 73.8],
  ['ap-southeast-1', 'ap-southeast-2', 175.3],
];
const PUBLISHED_SOURCE: Provenance = { source: 'published-aws-inter-region-averages', asOf: '2017-04-01' };

/**
 * The distance model: light in fiber covers about 204 km per ms (refractive index ≈ 1.47);
 * real paths are longer than great circles and pass through routers, which we model as a
 * factor of 1.8 on the fiber time plus 1 ms. The factor was chosen so the model lands within
 * about 25% of the published pairs above for trans-continental routes.
 */
const FIBER_KM_PER_MS = 204;
const PATH_FACTOR = 1.8;
const BASE_MS = 1;
const EARTH_RADIUS_KM = 6371;
const MODEL_SOURCE: Provenance = { source: 'great-circle-distance-model', asOf: '2026-11-27' };

/** Weight of a new probe in the running average (exponentially weighted). */
const PROBE_WEIGHT = 0.3;

/** Great-circle distance in km between two points. */
export function greatCircleKm(a: RegionGeo, b: RegionGeo): number | undefined {
  if (a.lat === undefined || a.lon === undefined || b.lat === undefined || b.lon === undefined) return undefined;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Round-trip estimate from distance alone (see the model above). */
export function estimateRttMs(distanceKm: number): number {
  return BASE_MS + ((2 * distanceKm) / FIBER_KM_PER_MS) * PATH_FACTOR;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Options of {@link LatencyMatrix}. */
export interface LatencyMatrixOptions {
  /** Coordinates of regions by name (any cloud); providers' own region geo is added as it is learned. */
  geo?: Readonly<Record<string, RegionGeo>> | undefined;
  /** Figures that replace the built-in table, in ms, keyed `regionA|regionB` (either order). */
  overrides?: Readonly<Record<string, number>> | undefined;
  /** Leave out the built-in published table. */
  withoutPublishedTable?: boolean | undefined;
  /** Clock for probe dates, in epoch milliseconds (default `Date.now`). */
  clock?: (() => number) | undefined;
}

/** Round-trip times between regions: probes, then the table, then the distance model. */
export class LatencyMatrix {
  private readonly table = new Map<string, LatencyFigure>();
  private readonly probes = new Map<string, LatencyFigure>();
  private readonly geo = new Map<string, RegionGeo>();
  private readonly now: () => number;

  /** Creates a matrix with the built-in table and any overrides. */
  constructor(options: LatencyMatrixOptions = {}) {
    this.now = options.clock ?? Date.now;
    if (!options.withoutPublishedTable) {
      for (const [a, b, rttMs] of PUBLISHED_RTT_MS) this.table.set(pairKey(a, b), { rttMs, ...PUBLISHED_SOURCE });
    }
    for (const [key, rttMs] of Object.entries(options.overrides ?? {})) {
      const [a, b] = key.split('|');
      if (a && b) this.table.set(pairKey(a, b), { rttMs, source: 'override', asOf: new Date(this.now()).toISOString().slice(0, 10) });
    }
    for (const [name, g] of Object.entries(options.geo ?? {})) this.geo.set(name, g);
  }

  /** Records where a region is, so the distance model can place it. */
  addRegion(name: string, geo: RegionGeo | undefined): void {
    if (geo && !this.geo.has(name)) this.geo.set(name, geo);
  }

  /** Where a region is, when known. */
  geoOf(region: string): RegionGeo | undefined {
    return this.geo.get(region);
  }

  /** Feeds a live measurement; the matrix keeps an exponentially weighted average per pair. */
  recordProbe(a: string, b: string, rttMs: number): void {
    if (!(rttMs >= 0) || !Number.isFinite(rttMs)) return;
    const key = pairKey(a, b);
    const prior = this.probes.get(key);
    const smoothed = prior ? prior.rttMs + PROBE_WEIGHT * (rttMs - prior.rttMs) : rttMs;
    this.probes.set(key, { rttMs: smoothed, source: 'live-probe', asOf: new Date(this.now()).toISOString() });
  }

  /** The round-trip time between two regions, or `undefined` when nothing is known of either. */
  rtt(a: string, b: string): LatencyFigure | undefined {
    if (a === b) return { rttMs: 0, source: 'same-region', asOf: MODEL_SOURCE.asOf };
    const key = pairKey(a, b);
    const known = this.probes.get(key) ?? this.table.get(key);
    if (known) return known;
    const ga = this.geo.get(a);
    const gb = this.geo.get(b);
    const km = ga && gb ? greatCircleKm(ga, gb) : undefined;
    return km === undefined ? undefined : { rttMs: Math.round(estimateRttMs(km) * 10) / 10, ...MODEL_SOURCE };
  }
}
