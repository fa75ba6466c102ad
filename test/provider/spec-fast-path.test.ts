import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseVMSpec } from '../../src/provider-utils/index.js';
import { schemaSpecFields, simpleSpecFields } from '../../src/provider/spec-schema.js';

// parseVMSpec checks the common spec (name, numeric cpu and memory, labels, scalar fields) without
// the schema. Whatever the fast path accepts, the schema accepts with the same output; whatever
// the schema refuses, the fast path hands to the schema (so the error is the schema's).
/** Per field: values the schema accepts, and values it refuses (or that only the schema handles). */
const FIELDS: Record<string, { good: unknown[]; bad: unknown[] }> = {
  name: { good: ['web', 'a', 'db-1', 'x'.repeat(63)], bad: ['Web', '-a', 'a-', 7, ''] },
  cpu: { good: [1, 2, 0.5, 0.0015, 896], bad: [897, 0, -1, 0.0001, Number.NaN, Infinity, '2', null] },
  memory: { good: [0.5, 4, 32 * 1024], bad: [0.25, 32 * 1024 + 1, Number.NaN, '4Gi', true] },
  labels: { good: [{}, { app: 'web', team: 'core' }, { 'data-residency': 'eu', x: '' }], bad: [{ Bad: 'x' }, { constructor: 'x' }, { app: 'UP' }, { app: 3 }, [], 'app=web', { ['a'.repeat(64)]: 'x' }] },
  arch: { good: ['x86_64', 'arm64', 'any'], bad: ['ARM64', 'riscv', ['arm64'], 1] },
  image: { good: ['ubuntu-22.04', 'ami-0123456789abcdef0'], bad: ['', 'x'.repeat(513), 5] },
  userData: { good: ['#!/bin/sh\necho hi', ''], bad: ['é'.repeat(9000), 1] },
  spot: { good: [true, false], bad: ['yes', 1] },
  spotMaxPrice: { good: [0.05], bad: [0, -1, Infinity] },
  iamRole: { good: ['role'], bad: [''] },
  region: { good: ['us-east-1', 'westeurope'], bad: ['US', 'a', 1] },
  zone: { good: ['us-east-1a', '1'], bad: ['0', 'Z'] },
  instanceType: { good: ['t3.large', 'Standard_D2s_v5', 'n2-standard-4'], bad: ['.x', ''] },
  egressGBPerMonth: { good: [0, 10], bad: [-1, Number.NaN] },
  disk: { good: [], bad: [50, '100Gi', { size: 30 }] },
  gpu: { good: [], bad: [{ count: 1 }] },
  memroy: { good: [], bad: ['4Gi'] },
};
const REQUIRED = ['name', 'cpu', 'memory'];

/** A spec of good values, with optional fields absent, undefined or given; then, half the time, one field made bad or dropped. */
const spec = fc
  .record(
    Object.fromEntries(
      Object.entries(FIELDS).map(([key, f]) => [
        key,
        REQUIRED.includes(key) ? fc.constantFrom(...f.good) : fc.option(f.good.length > 0 ? fc.constantFrom(undefined, ...f.good) : fc.constant(undefined), { nil: undefined }),
      ]),
    ),
    { requiredKeys: REQUIRED },
  )
  .chain((good) =>
    fc.oneof(
      fc.constant(good),
      fc.record({ key: fc.constantFrom(...Object.keys(FIELDS)), pick: fc.nat(), drop: fc.boolean() }).map(({ key, pick, drop }) => {
        const out: Record<string, unknown> = { ...good };
        if (drop) delete out[key];
        else out[key] = FIELDS[key]!.bad[pick % FIELDS[key]!.bad.length];
        return out;
      }),
    ),
  );

describe('the spec fast path', () => {
  it('accepts only what the schema accepts, with the same output', () => {
    let accepted = 0;
    fc.assert(
      fc.property(spec, (input) => {
        const raw = input as Record<string, unknown>;
        const fast = simpleSpecFields(raw);
        const slow = schemaSpecFields(raw);
        if (fast !== undefined) {
          accepted++;
          expect(fast).toStrictEqual(slow);
        }
        if (slow === undefined) expect(fast).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(30); // the generator does reach the fast path
  });

  it('takes the common spec, and leaves quantities, disks, GPUs and bad values to the schema', () => {
    expect(simpleSpecFields({ name: 'web', cpu: 2, memory: 4, labels: { app: 'web' }, spot: true, region: 'us-east-1' })).toStrictEqual({
      name: 'web', cpu: 2, memory: 4, labels: { app: 'web' }, spot: true, region: 'us-east-1',
    });
    expect(simpleSpecFields({ name: 'web', cpu: 2, memory: '4Gi' })).toBeUndefined();
    expect(simpleSpecFields({ name: 'web', cpu: 2, memory: 4, disk: 50 })).toBeUndefined();
    expect(simpleSpecFields({ name: 'web', cpu: 2, memory: 4, gpu: { count: 1 } })).toBeUndefined();
    expect(simpleSpecFields({ name: 'web', cpu: 2, memory: 4, labels: { constructor: 'x' } })).toBeUndefined();
    expect(simpleSpecFields({ name: 'web', cpu: 2, memroy: 4 })).toBeUndefined();
  });

  it('gives the same spec and the same errors either way', () => {
    expect(parseVMSpec({ name: 'web', cpu: 2, memory: 4 })).toStrictEqual(parseVMSpec({ name: 'web', cpu: '2', memory: '4Gi' }));
    expect(() => parseVMSpec({ name: 'web', cpu: 0, memory: 4 })).toThrow('cpu: must be greater than 0 and at most 896, got 0');
    expect(() => parseVMSpec({ name: 'web', cpu: 2, memroy: 4 } as never)).toThrow('memory: is required (found "memroy": a typo?)');
  });
});
