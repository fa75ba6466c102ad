/**
 * Spot risk: what a spot offer is expected to cost once its interruptions are paid for, so that
 * a cheap but volatile offer can lose to a slightly dearer, steadier one.
 *
 * Model (documented in {@link expectedSpotHourly}):
 * - Interruptions arrive as a Poisson process with rate λ per hour. The clouds publish the
 *   share of instances interrupted over a month (AWS Spot Instance Advisor buckets: "<5%",
 *   "5-10%", ...); a share p per 730-hour month gives λ = −ln(1 − p) / 730. Each bucket is read
 *   at its midpoint; ">20%" is read as 25% (an assumption: the bucket is open-ended).
 * - Work is checkpointed every C hours (the whole job when it never checkpoints); an
 *   interruption loses the work since the last checkpoint, and re-provisioning (new instance,
 *   boot, restore) takes R hours, billed at the spot price.
 * - With restarts, the expected wall time to finish a C-hour segment is
 *   E[T] = (e^{λC} − 1)(1/λ + R)  (the classic result for restart-on-failure; it tends to C
 *   as λ → 0), with e^{λC} − 1 expected interruptions per segment.
 * - Expected cost per useful hour = spot × E[T] / C + penalty × (e^{λC} − 1) / C, where penalty
 *   is a fixed cost per interruption (operator time, SLA credits), default 0.
 */
import type { InterruptionBucket } from '../provider/types.js';

/** Monthly interruption share read for each bucket (midpoints; `>20%` read as 25%). */
export const BUCKET_MONTHLY_SHARE: Readonly<Record<InterruptionBucket, number>> = {
  '<5%': 0.025,
  '5-10%': 0.075,
  '10-15%': 0.125,
  '15-20%': 0.175,
  '>20%': 0.25,
};

/** Hours per month the buckets are measured over (365 × 24 / 12). */
const HOURS_PER_MONTH = 730;

/** How a workload lives with interruptions. */
export interface SpotRiskOptions {
  /** Hours of work between checkpoints (default 1); use the job length when it never checkpoints. */
  readonly checkpointHours?: number | undefined;
  /** Hours to get a replacement running and restored (default 0.1, i.e. 6 minutes). */
  readonly reprovisionHours?: number | undefined;
  /** Fixed cost per interruption, in the offer's currency (default 0). */
  readonly penaltyPerInterruption?: number | undefined;
  /** Bucket assumed for spot offers that publish none (default `>20%`: unknown risk is treated as high). */
  readonly unknownBucket?: InterruptionBucket | undefined;
  /** Override of the monthly share per bucket (e.g. measured from your own fleet). */
  readonly monthlyShare?: Partial<Record<InterruptionBucket, number>> | undefined;
}

/** Interruptions per hour for a bucket: λ = −ln(1 − p) / 730. */
export function interruptionRatePerHour(bucket: InterruptionBucket | undefined, options: SpotRiskOptions = {}): number {
  const b = bucket ?? options.unknownBucket ?? '>20%';
  const p = options.monthlyShare?.[b] ?? BUCKET_MONTHLY_SHARE[b];
  if (!(p >= 0 && p < 1)) throw new RangeError(`[novacron] spot risk: monthly share for '${b}' must be in [0, 1)`);
  return -Math.log1p(-p) / HOURS_PER_MONTH;
}

/** The multiplier and additive term that turn a spot price into an expected cost for a bucket. */
export interface SpotRiskFactors {
  /** Expected paid hours per useful hour, E[T] / C (≥ 1). */
  readonly multiplier: number;
  /** Expected penalty per useful hour. */
  readonly perHour: number;
  /** Interruptions per hour, λ. */
  readonly ratePerHour: number;
}

/** The factors of {@link expectedSpotHourly} for one bucket (cheap: compute once per bucket). */
export function spotRiskFactors(bucket: InterruptionBucket | undefined, options: SpotRiskOptions = {}): SpotRiskFactors {
  const lambda = interruptionRatePerHour(bucket, options);
  const c = options.checkpointHours ?? 1;
  const r = options.reprovisionHours ?? 0.1;
  const penalty = options.penaltyPerInterruption ?? 0;
  if (!(c > 0)) throw new RangeError('[novacron] spot risk: checkpointHours must be positive');
  if (!(r >= 0)) throw new RangeError('[novacron] spot risk: reprovisionHours must be non-negative');
  if (lambda === 0) return { multiplier: 1, perHour: 0, ratePerHour: 0 };
  const failuresPerSegment = Math.expm1(lambda * c); // e^{λC} − 1, precise for small λC
  const expectedWall = failuresPerSegment * (1 / lambda + r);
  return { multiplier: expectedWall / c, perHour: (penalty * failuresPerSegment) / c, ratePerHour: lambda };
}

/**
 * Expected cost per useful hour of a spot offer:
 * `spot × (e^{λC} − 1)(1/λ + R) / C + penalty × (e^{λC} − 1) / C`, with λ from the bucket.
 */
export function expectedSpotHourly(spotHourly: number, bucket: InterruptionBucket | undefined, options: SpotRiskOptions = {}): number {
  const f = spotRiskFactors(bucket, options);
  return spotHourly * f.multiplier + f.perHour;
}
