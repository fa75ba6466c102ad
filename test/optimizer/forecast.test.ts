import { describe, expect, it } from 'vitest';
import { backtestError, forecastHourly, normalQuantile } from '../../src/optimizer/forecast.js';
import { seededRandom as rng } from '../../src/testing/seeded-random.js';


function gaussian(r: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Level 10, slight growth, a daily sine of amplitude 3, weekends 4 lower, noise σ = 0.5. */
const truth = (t: number): number => 10 + 0.005 * t + 3 * Math.sin((2 * Math.PI * t) / 24) + (t % 168 >= 120 ? -4 : 0);

function evaluate(seed: number, historyHours: number, horizon: number, shape: (t: number) => number = truth) {
  const noise = gaussian(rng(seed));
  const y = Array.from({ length: historyHours + horizon }, (_, t) => shape(t) + 0.5 * noise());
  const f = forecastHourly(y.slice(0, historyHours), { horizon });
  let ape = 0;
  let covered = 0;
  for (let h = 0; h < horizon; h++) {
    const actual = y[historyHours + h]!;
    ape += Math.abs(actual - f.point[h]!) / Math.abs(actual);
    if (actual >= f.lower[h]! && actual <= f.upper[h]!) covered++;
  }
  const actualTotal = y.slice(historyHours).reduce((s, v) => s + v, 0);
  return { f, mape: ape / horizon, coverage: covered / horizon, totalCovered: actualTotal >= f.total.lower && actualTotal <= f.total.upper };
}

describe('forecastHourly', () => {
  it('forecasts a daily + weekly seasonal series a week ahead with low MAPE and calibrated 95% intervals', () => {
    const runs = [11, 12, 13, 14, 15, 16, 17, 18].map((seed) => evaluate(seed, 4 * 168, 168));
    const mape = runs.reduce((s, r) => s + r.mape, 0) / runs.length;
    const coverage = runs.reduce((s, r) => s + r.coverage, 0) / runs.length;
    // The noise alone gives a MAPE near 4% (E|0.5 Z| / ~10); a model that missed either season
    // would be far above 10% (the weekend step alone is 4 on a level of 10).
    expect(runs.every((r) => r.f.model === 'holt-winters-double-seasonal')).toBe(true);
    expect(mape).toBeLessThan(0.06);
    expect(coverage).toBeGreaterThan(0.85);
    expect(coverage).toBeLessThanOrEqual(1);
    expect(runs.filter((r) => r.totalCovered).length).toBeGreaterThanOrEqual(6);
  });

  it('falls back to the daily season when history is shorter than two weeks', () => {
    // Daily season only: a model without a weekly season cannot know about weekends.
    const r = evaluate(21, 5 * 24, 24, (t) => 10 + 3 * Math.sin((2 * Math.PI * t) / 24));
    expect(r.f.model).toBe('holt-winters-daily');
    expect(r.mape).toBeLessThan(0.1);
    expect(r.f.params.delta).toBeUndefined();
  });

  it('uses Holt on short histories and extrapolates a straight line exactly', () => {
    const line = Array.from({ length: 20 }, (_, t) => 5 + 2 * t);
    const f = forecastHourly(line, { horizon: 3 });
    expect(f.model).toBe('holt-linear');
    expect(f.point[0]).toBeCloseTo(45, 6);
    expect(f.point[2]).toBeCloseTo(49, 6);
  });

  it('uses simple smoothing on a few points and the last value on one', () => {
    const f = forecastHourly([4, 4, 4, 4], { horizon: 2 });
    expect(f.model).toBe('simple-exponential-smoothing');
    expect(f.point).toEqual([4, 4]);
    expect(f.lower[0]).toBe(4); // no residual spread: a zero-width interval
    const one = forecastHourly([3], { horizon: 2 });
    expect(one.model).toBe('naive');
    expect(one.point).toEqual([3, 3]);
    expect(one.lower[0]).toBeLessThan(3);
  });

  it('widens intervals with the horizon and clamps at a floor', () => {
    const noise = gaussian(rng(5));
    const y = Array.from({ length: 100 }, () => 1 + 0.8 * noise());
    const f = forecastHourly(y, { horizon: 48, floor: 0 });
    expect(f.upper[47]! - f.point[47]!).toBeGreaterThan(f.upper[0]! - f.point[0]!);
    expect(Math.min(...f.lower)).toBeGreaterThanOrEqual(0);
    expect(f.total.lower).toBeGreaterThanOrEqual(0);
  });

  it('rejects empty or non-finite histories and bad options', () => {
    expect(() => forecastHourly([], { horizon: 1 })).toThrow(/empty/);
    expect(() => forecastHourly([1, Number.NaN], { horizon: 1 })).toThrow(/non-finite/);
    expect(() => forecastHourly([1, 2], { horizon: 0 })).toThrow(/horizon/);
    expect(() => forecastHourly([1, 2], { horizon: 1, level: 1 })).toThrow(/level/);
  });

  it('computes normal quantiles and a backtest error', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    const seasonal = Array.from({ length: 3 * 168 }, (_, t) => truth(t));
    expect(backtestError(seasonal)).toBeLessThan(0.02);
    expect(backtestError([1, 2, 3])).toBeUndefined();
  });
});
