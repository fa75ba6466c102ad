// Hostile input, generated: whatever a caller hands the parsers (and the manager), the only
// outcomes are a value or an InvalidSpecError. Never another error, never runaway work.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidSpecError, NovacronError } from '../../src/provider/errors.js';
import { parseVMSpec } from '../../src/provider/spec-schema.js';
import type { VMSpecInput } from '../../src/provider/types.js';
import { createMemoryProvider } from '../../src/providers/memory/index.js';
import { loadVirtualMachine } from '../../src/federation/config.js';
import { FederationManager } from '../../src/federation/federation-manager.js';
import { parseCreateOptions, parseGroupOptions, parsePlaceOptions, parsePlacementRequest } from '../../src/federation/request-options.js';

const SEED = 424242;
const RUNS = { parseVMSpec: 800, parsePlacementRequest: 600, parseCreateOptions: 400, parseGroupOptions: 400 } as const;
const MANAGER_RUNS = 300;
/** A parse that takes longer than this is runaway work (the inputs are at most a few thousand nodes). */
const BUDGET_MS = 250;

// ---- hostile values -------------------------------------------------------------------------

const reservedKey = fc.constantFrom('__proto__', 'constructor', 'prototype');

/** An object with `key` as an own enumerable property, as JSON.parse makes for `"__proto__"`. */
function ownProperty(key: string, value: unknown, base: object = {}): Record<string, unknown> {
  Object.defineProperty(base, key, { value, enumerable: true, configurable: true, writable: true });
  return base as Record<string, unknown>;
}

const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 5e-324, 0.0005, Number.MAX_VALUE, Number.MIN_SAFE_INTEGER, 1e21, -1, 256, 257, 1000, 1001),
);

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.oneof(fc.constantFrom('a', '-', '\u0000', '\uFEFF', 'é', '😀'), loneSurrogate) }),
  fc.constantFrom('', ' ', '__proto__', 'constructor', 'cost-optimised', 'regoin', '8Gb', '500m', '0.5m', '1e400Gi', 'NaN', 'Infinity', 'k'.repeat(300), '{"a":1}'),
);

const deepValue = fc.tuple(fc.integer({ min: 20, max: 5000 }), fc.boolean()).map(([depth, asList]) => {
  let node: unknown = 'leaf';
  for (let i = 0; i < depth; i++) node = asList ? [node] : { a: node };
  return node;
});

const cyclicValue = fc.constantFrom('object', 'list', 'nested').map((kind) => {
  if (kind === 'list') {
    const list: unknown[] = ['x'];
    list.push(list);
    return list;
  }
  const root: Record<string, unknown> = { subnet: 's' };
  if (kind === 'object') root.self = root;
  else root.inner = { back: root };
  return root;
});

const prototypeKeyed = fc.tuple(reservedKey, fc.oneof(fc.string(), fc.constant({ polluted: true })), fc.boolean()).map(([key, value, nullPrototype]) =>
  ownProperty(key, value, nullPrototype ? (Object.create(null) as object) : {}),
);

const anything = fc.anything({
  maxDepth: 3,
  maxKeys: 4,
  withBigInt: true,
  withNullPrototype: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  key: fc.oneof(fc.string(), reservedKey),
});

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  hostileString,
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.bigInt(),
  fc.string().map((s) => Symbol(s)),
  fc.func(fc.anything()),
  anything,
  deepValue,
  cyclicValue,
  prototypeKeyed,
  fc.array(anything, { maxLength: 3 }),
);

/**
 * Mostly a plausible value, now and then a hostile one: the fields around a bad one stay good,
 * so parsing gets past them, and enough whole inputs are valid to exercise acceptance too.
 */
function fieldOr<T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 12, arbitrary: plausible }, { weight: 1, arbitrary: hostile });
}

/** A record of `fields`, sometimes with one extra key (unknown or reserved) holding anything. */
function recordOf(fields: Record<string, fc.Arbitrary<unknown>>, requiredKeys: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      fc.record(fields, { requiredKeys }),
      fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.oneof(reservedKey, fc.constantFrom('extra', 'cpus', 'strategey')), hostile) }),
    )
    .map(([record, extra]) => (extra === null ? record : ownProperty(extra[0], extra[1], { ...record })));
}

// ---- plausible shapes ----------------------------------------------------------------------

const specArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: recordOf(
      {
        name: fieldOr(fc.constantFrom('app', 'web-1', 'db')),
        cpu: fieldOr(fc.constantFrom(1, 2, 4, '500m', '2', 0.25)),
        memory: fieldOr(fc.constantFrom(1, 4, '8Gi', '512Mi')),
        disk: fieldOr(fc.oneof(fc.constantFrom(20, '100Gi'), recordOf({ size: fieldOr(fc.constantFrom(10, '50Gi')), type: fieldOr(fc.constantFrom('ssd', 'hdd')), encrypted: fieldOr(fc.boolean()) }, ['size']))),
        gpu: fieldOr(recordOf({ count: fieldOr(fc.integer({ min: 1, max: 4 })), type: fieldOr(fc.constantFrom('t4', 'a100')) }, ['count'])),
        image: fieldOr(fc.constantFrom('ubuntu-22.04', 'debian-12')),
        network: fieldOr(recordOf({ subnet: fieldOr(fc.constantFrom('subnet-1')), publicIp: fieldOr(fc.boolean()), securityGroups: fieldOr(fc.array(fc.constantFrom('sg-1', 'sg-2'))) })),
        labels: fieldOr(fc.dictionary(fc.constantFrom('tier', 'team', 'env'), fc.constantFrom('web', 'a', 'prod'), { maxKeys: 3 })),
        spot: fieldOr(fc.boolean()),
        region: fieldOr(fc.constantFrom('us-east-1', 'local-1')),
        egressGBPerMonth: fieldOr(fc.nat(1000)),
      },
      ['name', 'cpu', 'memory'],
    ),
  },
  { weight: 1, arbitrary: hostile },
);

const strategies = ['cost-optimized', 'performance', 'balanced', 'carbon'] as const;

const constraintArb = fieldOr(
  fc.oneof(
    recordOf({ type: fieldOr(fc.constant('provider')), operator: fieldOr(fc.constantFrom('in', 'notIn')), values: fieldOr(fc.constantFrom(['m'], ['aws', 'azure'])) }, ['type']),
    recordOf(
      { type: fieldOr(fc.constant('region')), operator: fieldOr(fc.constantFrom('in', 'notIn', 'near')), values: fieldOr(fc.constantFrom(['local-1'])), value: fieldOr(fc.constantFrom('local-1', 'us-east-1')), maxLatencyMs: fieldOr(fc.nat(200)) },
      ['type', 'operator'],
    ),
    recordOf({ type: fieldOr(fc.constant('zone')), operator: fieldOr(fc.constantFrom('in', 'notIn')), values: fieldOr(fc.constantFrom(['local-1a'])) }, ['type']),
    recordOf({ type: fieldOr(fc.constant('cost')), operator: fieldOr(fc.constantFrom('<', '<=')), value: fieldOr(fc.constantFrom(0.05, 1, 10)) }, ['type', 'operator', 'value']),
    recordOf({ type: fieldOr(fc.constant('capability')), operator: fieldOr(fc.constant('has')), values: fieldOr(fc.constantFrom([], ['spot'], ['gpu', 'vpn'])) }, ['type', 'operator', 'values']),
  ),
);

const weightsArb = recordOf({
  cost: fieldOr(fc.double({ min: 0, max: 1, noNaN: true })),
  performance: fieldOr(fc.double({ min: 0, max: 1, noNaN: true })),
  compliance: fieldOr(fc.constantFrom(0, 0.2)),
  location: fieldOr(fc.constantFrom(0, 0.1)),
  carbon: fieldOr(fc.constantFrom(0, 0.6)),
});

const requestArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: recordOf({
      strategy: fieldOr(fc.constantFrom(...strategies)),
      weights: fieldOr(weightsArb),
      constraints: fieldOr(fc.array(constraintArb, { maxLength: 3 })),
      spot: fieldOr(fc.constantFrom('require', 'forbid', 'provider-default')),
      failoverPriority: fieldOr(fc.array(fc.constantFrom('m', 'aws-east'), { maxLength: 2 })),
    }),
  },
  { weight: 1, arbitrary: hostile },
);

const signal = new AbortController().signal;
const createFields = {
  signal: fieldOr(fc.constant(signal)),
  request: fieldOr(requestArb),
  explain: fieldOr(fc.boolean()),
  idempotencyKey: fieldOr(fc.string({ minLength: 1, maxLength: 256 })),
  waitForOtherReplicaMs: fieldOr(fc.nat(600_000)),
};
const createOptionsArb: fc.Arbitrary<unknown> = fc.oneof({ weight: 8, arbitrary: recordOf(createFields) }, { weight: 1, arbitrary: hostile });
const placeOptionsArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: recordOf({ signal: createFields.signal, request: createFields.request, explain: createFields.explain }) },
  { weight: 1, arbitrary: hostile },
);
const groupOptionsArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: recordOf(
      { ...createFields, replicas: fieldOr(fc.integer({ min: 1, max: 1000 })), minProviders: fieldOr(fc.integer({ min: 1, max: 3 })), retries: fieldOr(fc.integer({ min: 0, max: 10 })) },
      ['replicas'],
    ),
  },
  { weight: 1, arbitrary: hostile },
);

// ---- outcome checks ------------------------------------------------------------------------

type Outcome = { accepted: true; value: unknown } | { accepted: false; error: InvalidSpecError };

/** Runs a parser: its outcome must be a value or an InvalidSpecError, within the time budget. */
function settle(run: () => unknown): Outcome {
  const started = performance.now();
  let outcome: Outcome;
  try {
    outcome = { accepted: true, value: run() };
  } catch (error) {
    if (!InvalidSpecError.isInstance(error)) throw new Error(`expected a value or an InvalidSpecError, got ${String(error)}`, { cause: error });
    outcome = { accepted: false, error };
  }
  const elapsed = performance.now() - started;
  if (elapsed > BUDGET_MS) throw new Error(`took ${elapsed.toFixed(0)} ms (budget ${BUDGET_MS} ms)`);
  return outcome;
}

/** True when no own value anywhere in a parsed result is `undefined` (the manager spreads them). */
function holdsNoUndefined(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || value instanceof AbortSignal) return true;
  return Object.values(value).every((x) => x !== undefined && holdsNoUndefined(x));
}

const tally: Record<string, { accepted: number; refused: number }> = {};
function count(parser: string, outcome: Outcome): void {
  const t = (tally[parser] ??= { accepted: 0, refused: 0 });
  if (outcome.accepted) t.accepted++;
  else t.refused++;
}

const managerTally = { cases: 0, created: 0, refusedInvalid: 0, refusedOther: 0, placed: 0 };

afterAll(() => {
  const total = Object.values(tally).reduce((n, t) => n + t.accepted + t.refused, 0);
  const parsers = Object.entries(tally).map(([p, t]) => `${p} ${t.accepted + t.refused} (${t.accepted} accepted, ${t.refused} refused)`);
  const m = managerTally;
  console.log(
    `[input-fuzz] seed ${SEED}: ${total} parser cases: ${parsers.join('; ')}. ` +
      `Manager: ${m.cases} cases; createVM ${m.created} created, ${m.refusedInvalid} refused as invalid, ${m.refusedOther} refused otherwise; place ${m.placed} placed.`,
  );
});

/** Each parser must both accept and refuse a fair share of its cases, or the fuzz proves little. */
function expectBothOutcomes(parser: string, runs: number): void {
  const t = tally[parser]!;
  expect(t.accepted + t.refused).toBe(runs);
  expect(t.accepted, `${parser}: accepted cases`).toBeGreaterThanOrEqual(runs * 0.05);
  expect(t.refused, `${parser}: refused cases`).toBeGreaterThanOrEqual(runs * 0.05);
}

describe('fuzz: the parsers give a value or an InvalidSpecError, for any input', () => {
  it(`parseVMSpec (${RUNS.parseVMSpec} cases)`, () => {
    fc.assert(
      fc.property(specArb, (input) => {
        const outcome = settle(() => parseVMSpec(input as VMSpecInput));
        count('parseVMSpec', outcome);
        if (outcome.accepted) {
          const spec = outcome.value as ReturnType<typeof parseVMSpec>;
          expect(Object.isFrozen(spec)).toBe(true);
          // A copy of a parsed spec (no longer known to the parser) parses to the same spec.
          expect(parseVMSpec({ ...spec })).toEqual(spec);
          expect(Number.isInteger(Math.round(spec.cpu * 1000)) && spec.cpu >= 0.001).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS.parseVMSpec },
    );
    expectBothOutcomes('parseVMSpec', RUNS.parseVMSpec);
  });

  it(`parsePlacementRequest (${RUNS.parsePlacementRequest} cases)`, () => {
    fc.assert(
      fc.property(requestArb, (input) => {
        const outcome = settle(() => parsePlacementRequest(input));
        count('parsePlacementRequest', outcome);
        if (outcome.accepted) {
          expect(holdsNoUndefined(outcome.value)).toBe(true);
          expect(parsePlacementRequest(outcome.value)).toEqual(outcome.value);
        } else {
          expect(outcome.error.field === 'request' || /^request[.[]/.test(outcome.error.field)).toBe(true);
        }
      }),
      { seed: SEED + 1, numRuns: RUNS.parsePlacementRequest },
    );
    expectBothOutcomes('parsePlacementRequest', RUNS.parsePlacementRequest);
  });

  it(`parseCreateOptions (${RUNS.parseCreateOptions} cases)`, () => {
    fc.assert(
      fc.property(createOptionsArb, (input) => {
        const outcome = settle(() => parseCreateOptions(input));
        count('parseCreateOptions', outcome);
        if (outcome.accepted) expect(holdsNoUndefined(outcome.value)).toBe(true);
        else expect(outcome.error.field === 'options' || /^options[.[]/.test(outcome.error.field)).toBe(true);
      }),
      { seed: SEED + 2, numRuns: RUNS.parseCreateOptions },
    );
    expectBothOutcomes('parseCreateOptions', RUNS.parseCreateOptions);
  });

  it(`parseGroupOptions (${RUNS.parseGroupOptions} cases)`, () => {
    fc.assert(
      fc.property(groupOptionsArb, (input) => {
        const outcome = settle(() => parseGroupOptions(input));
        count('parseGroupOptions', outcome);
        if (outcome.accepted) {
          const options = outcome.value as ReturnType<typeof parseGroupOptions>;
          expect(Number.isInteger(options.replicas) && options.replicas >= 1 && options.replicas <= 1000).toBe(true);
          expect(options.minProviders === undefined || options.minProviders <= options.replicas).toBe(true);
        }
      }),
      { seed: SEED + 3, numRuns: RUNS.parseGroupOptions },
    );
    expectBothOutcomes('parseGroupOptions', RUNS.parseGroupOptions);
  });
});

describe('hostile manifests: the YAML path refuses by path, never overflows the stack', () => {
  const manifest = (spec: Record<string, unknown>) => ({ apiVersion: 'novacron.io/v1alpha1', kind: 'VirtualMachine', metadata: { name: 'app' }, spec });

  it('refuses a manifest nested 100,000 levels deep', async () => {
    let deep: Record<string, unknown> = { cpu: 1, memory: 1 };
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const error = await loadVirtualMachine(manifest({ template: { spec: { resources: deep } } })).catch((e: unknown) => e);
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidSpecError).field).toMatch(/^spec\.template\.spec\.resources(\.a)+$/);
    expect((error as InvalidSpecError).issues[0]!.message).toBe('is nested more than 32 levels deep');
  });

  it('refuses a cyclic manifest by the path of the cycle', async () => {
    const resources: Record<string, unknown> = { cpu: 1, memory: 1 };
    resources.self = resources;
    const error = await loadVirtualMachine(manifest({ template: { spec: { resources } } })).catch((e: unknown) => e);
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidSpecError).field).toBe('spec.template.spec.resources.self');
  });

  it('refuses a prototype key anywhere in a manifest instead of dropping it', async () => {
    const error = await loadVirtualMachine(manifest({ template: { spec: { resources: { cpu: 1, memory: 1 }, labels: JSON.parse('{"__proto__": "x"}') } } })).catch((e: unknown) => e);
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidSpecError).field).toBe('spec.template.spec.labels.__proto__');
  });
});

// The manager part depends on FederationManager validating options with parseCreateOptions /
// parsePlaceOptions before it acts (see the report of this change): today's manager reads
// hostile options directly (`hashKey(42)`, `null.signal`) and uses an empty idempotency key.
describe('fuzz: the manager refuses hostile input with a NovacronError and creates nothing', () => {
  it(`createVM and place (${MANAGER_RUNS} cases)`, async () => {
    const provider = createMemoryProvider({ name: 'm', kind: 'memory', provisioningDelayMs: 0 });
    const manager = new FederationManager({ providers: [provider] });
    const outcomes = managerTally;
    const rejectionOf = async (call: () => Promise<unknown>): Promise<unknown> => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hang = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the call did not settle within 5 s')), 5_000);
      });
      try {
        await Promise.race([call(), hang]);
        return undefined;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('the call did not settle')) throw error;
        return error ?? new Error('rejected with nothing');
      } finally {
        clearTimeout(timer);
      }
    };
    const accepts = (run: () => unknown): boolean => settle(run).accepted;

    await fc.assert(
      fc.asyncProperty(specArb, createOptionsArb, placeOptionsArb, async (spec, createOptions, placeOptions) => {
        outcomes.cases++;
        const specValid = accepts(() => parseVMSpec(spec as VMSpecInput));
        const before = provider.controls.vmCount;
        const created = await rejectionOf(() => manager.createVM(spec as VMSpecInput, createOptions as never));
        if (created !== undefined) expect(NovacronError.isInstance(created), `createVM rejected with ${String(created)}`).toBe(true);
        if (!specValid || !accepts(() => parseCreateOptions(createOptions))) {
          expect(InvalidSpecError.isInstance(created), `createVM accepted invalid input (${String(created)})`).toBe(true);
          expect(provider.controls.vmCount).toBe(before);
          outcomes.refusedInvalid++;
        } else if (created === undefined) outcomes.created++;
        else outcomes.refusedOther++;

        const afterCreate = provider.controls.vmCount;
        const placed = await rejectionOf(() => manager.place(spec as VMSpecInput, placeOptions as never));
        if (placed !== undefined) expect(NovacronError.isInstance(placed), `place rejected with ${String(placed)}`).toBe(true);
        if (!specValid || !accepts(() => parsePlaceOptions(placeOptions))) expect(InvalidSpecError.isInstance(placed), `place accepted invalid input`).toBe(true);
        else if (placed === undefined) outcomes.placed++;
        expect(provider.controls.vmCount).toBe(afterCreate);
      }),
      { seed: SEED + 4, numRuns: MANAGER_RUNS },
    );
    expect(outcomes.cases).toBe(MANAGER_RUNS);
    expect(outcomes.created).toBeGreaterThan(0);
    expect(outcomes.refusedInvalid).toBeGreaterThan(0);
  });
});
