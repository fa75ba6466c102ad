import { describe, expect, it } from 'vitest';
import { BUCKET_MONTHLY_SHARE, expectedSpotHourly, interruptionRatePerHour, spotRiskFactors } from '../../src/optimizer/spot-risk.js';

describe('spot risk', () => {
  it('turns a monthly interruption share into an hourly Poisson rate: λ = −ln(1 − p) / 730', () => {
    expect(interruptionRatePerHour('<5%')).toBeCloseTo(-Math.log(1 - 0.025) / 730, 12);
    expect(interruptionRatePerHour('>20%')).toBeCloseTo(-Math.log(0.75) / 730, 12);
    // Unknown buckets are treated as the riskiest unless told otherwise.
    expect(interruptionRatePerHour(undefined)).toBe(interruptionRatePerHour('>20%'));
    expect(interruptionRatePerHour(undefined, { unknownBucket: '<5%' })).toBe(interruptionRatePerHour('<5%'));
  });

  it('computes the documented formula spot × (e^{λC} − 1)(1/λ + R)/C + penalty × (e^{λC} − 1)/C', () => {
    const lambda = -Math.log(1 - BUCKET_MONTHLY_SHARE['15-20%']) / 730;
    const C = 8;
    const R = 0.25;
    const penalty = 2;
    const expected = (0.3 * (Math.exp(lambda * C) - 1) * (1 / lambda + R)) / C + (penalty * (Math.exp(lambda * C) - 1)) / C;
    expect(expectedSpotHourly(0.3, '15-20%', { checkpointHours: C, reprovisionHours: R, penaltyPerInterruption: penalty })).toBeCloseTo(expected, 12);
  });

  it('tends to the spot price as interruptions vanish, and grows with the rate and the work at risk', () => {
    expect(expectedSpotHourly(1, '<5%', { monthlyShare: { '<5%': 0 } })).toBe(1);
    const calm = expectedSpotHourly(1, '<5%', { checkpointHours: 24 });
    const wild = expectedSpotHourly(1, '>20%', { checkpointHours: 24 });
    expect(calm).toBeGreaterThan(1);
    expect(wild).toBeGreaterThan(calm);
    expect(expectedSpotHourly(1, '>20%', { checkpointHours: 168 })).toBeGreaterThan(wild);
    // First-order check: overhead ≈ λ(C/2 + R) when λC is small.
    const f = spotRiskFactors('10-15%', { checkpointHours: 2, reprovisionHours: 0.1 });
    expect(f.multiplier - 1).toBeCloseTo(f.ratePerHour * (1 + 0.1), 6);
  });

  it('lets a cheap but volatile offer lose to a steadier one for long jobs without checkpoints', () => {
    const volatile = expectedSpotHourly(0.98, '>20%', { checkpointHours: 168 });
    const steady = expectedSpotHourly(1.0, '<5%', { checkpointHours: 168 });
    expect(volatile).toBeGreaterThan(steady);
    // With frequent checkpoints the cheaper offer wins again.
    expect(expectedSpotHourly(0.98, '>20%', { checkpointHours: 0.25 })).toBeLessThan(expectedSpotHourly(1.0, '<5%', { checkpointHours: 0.25 }));
  });

  it('rejects impossible parameters', () => {
    expect(() => spotRiskFactors('<5%', { checkpointHours: 0 })).toThrow(/checkpointHours/);
    expect(() => spotRiskFactors('<5%', { reprovisionHours: -1 })).toThrow(/reprovisionHours/);
    expect(() => interruptionRatePerHour('<5%', { monthlyShare: { '<5%': 1 } })).toThrow(/\[0, 1\)/);
  });
});
