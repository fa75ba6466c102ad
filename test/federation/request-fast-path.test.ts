import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlaceOptions, schemaPlacementRequest, simplePlacementRequest } from '../../src/federation/request-options.js';

// The common placement request is checked without the schema; whatever the fast path accepts,
// the schema accepts with the same output, and whatever the schema refuses goes to the schema.
const good = {
  strategy: ['cost-optimized', 'balanced', 'performance', 'carbon'],
  spot: ['require', 'forbid', 'provider-default'],
  failoverPriority: [[], ['aws'], ['aws', 'gcp']],
  constraints: [
    [],
    [{ type: 'provider', operator: 'in', values: ['aws', 'gcp'] }],
    [{ type: 'zone', operator: 'notIn', values: ['us-east-1a'] }, { type: 'cost', operator: '<', value: 0.5 }],
    [{ type: 'region', operator: 'in', values: ['eu-west-1'] }, { type: 'cost', operator: '<=', value: 2 }],
  ],
};
const bad = {
  strategy: ['cost-optimised', 'cheapest', 1],
  spot: ['always', true],
  failoverPriority: [[''], 'aws', [1]],
  constraints: [
    [{ type: 'provider', operator: 'in', values: [] }],
    [{ type: 'provider', operator: 'has', values: ['aws'] }],
    [{ type: 'cost', operator: '<', value: 0 }],
    [{ type: 'cost', operator: '<', value: Infinity }],
    [{ type: 'region', operator: 'near', value: 'eu-west-1' }],
    [{ type: 'region', operator: 'in', values: ['a'], value: 'b' }],
    [{ type: 'capability', operator: 'has', values: ['gpu'] }],
    [{ type: 'provider', operator: 'in', values: ['aws'], extra: 1 }],
    [{ type: 'provider', operator: 'in', values: ['aws'] }, 'cheap'],
    { 0: { type: 'provider', operator: 'in', values: ['aws'] } },
  ],
  weights: [{ cost: 1 }, { cost: -1 }],
  strategyy: ['balanced'],
};
type Key = keyof typeof good | keyof typeof bad;
const KEYS = [...new Set([...Object.keys(good), ...Object.keys(bad)])] as Key[];

const request = fc
  .record(Object.fromEntries(Object.entries(good).map(([k, vs]) => [k, fc.option(fc.constantFrom(undefined, ...vs), { nil: undefined })])), { requiredKeys: [] })
  .chain((g) =>
    fc.oneof(
      fc.constant(g as Record<string, unknown>),
      fc.record({ key: fc.constantFrom(...KEYS), pick: fc.nat() }).map(({ key, pick }) => {
        const choices = (bad as Record<string, unknown[]>)[key] ?? [];
        return choices.length > 0 ? { ...g, [key]: choices[pick % choices.length] } : g;
      }),
    ),
  );

describe('the placement request fast path', () => {
  it('accepts only what the schema accepts, with the same output', () => {
    let accepted = 0;
    fc.assert(
      fc.property(request, (value) => {
        const fast = simplePlacementRequest(value);
        let slow: unknown;
        try {
          slow = schemaPlacementRequest(value);
        } catch {
          slow = undefined;
        }
        if (fast !== undefined) {
          accepted++;
          expect(fast).toStrictEqual(slow);
        }
        if (slow === undefined) expect(fast).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('leaves every error to the schema', () => {
    expect(() => parsePlaceOptions({ request: { strategy: 'cost-optimised' } })).toThrow('options.request.strategy: unknown strategy "cost-optimised"; did you mean "cost-optimized"?');
    expect(() => parsePlaceOptions({ explain: 'yes' })).toThrow('options.explain: must be true or false');
    expect(parsePlaceOptions({ request: { strategy: 'balanced', constraints: [{ type: 'provider', operator: 'in', values: ['aws'] }] }, explain: false })).toStrictEqual({
      request: { strategy: 'balanced', constraints: [{ type: 'provider', operator: 'in', values: ['aws'] }] },
      explain: false,
    });
  });
});
