import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../src/provider/errors.js';
import { loadVirtualMachine } from '../../src/federation/config.js';
import { parseCreateOptions, parseGroupOptions, parsePlaceOptions, parsePlacementRequest } from '../../src/federation/request-options.js';
import { VIRTUAL_MACHINE_YAML } from './spec-examples.js';

/** The first issue of the InvalidSpecError `run` throws; fails the test when it throws anything else or nothing. */
function issueOf(run: () => unknown): { field: string; message: string } {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(InvalidSpecError.isInstance(caught), `expected an InvalidSpecError, got ${String(caught)}`).toBe(true);
  const issue = (caught as InvalidSpecError).issues[0]!;
  return { field: issue.field, message: issue.message };
}

const near = { type: 'region', operator: 'near', value: 'us-east-1' } as const;

describe('parsePlacementRequest: every malformed field is named, with its path', () => {
  it.each<[string, unknown, string, string | RegExp]>([
    ['a misspelt strategy, with the likely one', { strategy: 'cost-optimised' }, 'request.strategy', 'unknown strategy "cost-optimised"; did you mean "cost-optimized"?'],
    ['a strategy in the wrong case', { strategy: 'Balanced' }, 'request.strategy', 'unknown strategy "Balanced"; did you mean "balanced"?'],
    ['a strategy far from any', { strategy: 'cheapest' }, 'request.strategy', 'unknown strategy "cheapest"; expected one of cost-optimized, performance, balanced, carbon'],
    ['a strategy that is not a string', { strategy: 42 }, 'request.strategy', 'expected one of cost-optimized, performance, balanced, carbon, got 42'],
    ['a NaN weight', { weights: { cost: Number.NaN } }, 'request.weights.cost', 'must be a number'],
    ['an infinite weight', { weights: { cost: Number.POSITIVE_INFINITY } }, 'request.weights.cost', 'must be a finite number'],
    ['a negative weight', { weights: { location: -0.5 } }, 'request.weights.location', 'must not be negative'],
    ['a weight as text', { weights: { carbon: '0.5' } }, 'request.weights.carbon', 'must be a number'],
    ['an unknown weight', { weights: { speed: 1 } }, 'request.weights.speed', 'unknown field (typo?)'],
    ['weights as a list', { weights: [1, 2] }, 'request.weights', /must be an object of weights .*got a list/],
    ['weights that add up to infinity', { weights: { cost: 1e308, performance: 1e308 } }, 'request.weights', 'must add up to a finite number'],
    ['a misspelt constraint type, with the likely one', { constraints: [{ type: 'regoin', operator: 'in', values: ['x'] }] }, 'request.constraints[0].type', 'unknown constraint type "regoin"; did you mean "region"?'],
    ['a constraint without a type', { constraints: [{ operator: 'in', values: ['x'] }] }, 'request.constraints[0].type', 'expected one of provider, region, zone, cost, capability, got undefined'],
    ['a constraint that is not an object', { constraints: [42] }, 'request.constraints[0]', /must be a constraint object .*got 42/],
    ['a constraint that is a list', { constraints: [['provider']] }, 'request.constraints[0]', /must be a constraint object .*got a list/],
    ['constraints that are not a list', { constraints: { type: 'provider' } }, 'request.constraints', 'must be a list of constraints'],
    ['a cost as text', { constraints: [{ type: 'cost', operator: '<', value: '0.1' }] }, 'request.constraints[0].value', 'must be a price per hour'],
    ['a zero cost', { constraints: [{ type: 'cost', operator: '<', value: 0 }] }, 'request.constraints[0].value', 'must be greater than 0'],
    ['an infinite cost', { constraints: [{ type: 'cost', operator: '<=', value: Number.POSITIVE_INFINITY }] }, 'request.constraints[0].value', 'must be a finite price per hour'],
    ['a cost operator >', { constraints: [{ type: 'cost', operator: '>', value: 1 }] }, 'request.constraints[0].operator', 'expected one of <, <=, got ">"'],
    ['a provider operator typo', { constraints: [{ type: 'provider', operator: 'nin', values: ['aws'] }] }, 'request.constraints[0].operator', 'expected one of in, notIn, got "nin"; did you mean "in"?'],
    ['an empty provider list', { constraints: [{ type: 'provider', operator: 'in', values: [] }] }, 'request.constraints[0].values', 'must not be empty'],
    ['an unknown capability', { constraints: [{ type: 'capability', operator: 'has', values: ['gpus'] }] }, 'request.constraints[0].values[0]', /got "gpus"; did you mean "gpu"\?$/],
    ['a latency as a duration string', { constraints: [{ ...near, maxLatencyMs: '10ms' }] }, 'request.constraints[0].maxLatencyMs', 'must be a number of ms'],
    ['a negative latency', { constraints: [{ ...near, maxLatencyMs: -1 }] }, 'request.constraints[0].maxLatencyMs', 'must not be negative'],
    ['the YAML latency field in JS', { constraints: [{ ...near, maxLatency: 10 }] }, 'request.constraints[0].maxLatency', 'unknown field (typo?)'],
    ['near without a reference region', { constraints: [{ type: 'region', operator: 'near', maxLatencyMs: 10 }] }, 'request.constraints[0].value', 'is required with operator near (the reference region)'],
    ['region in without values', { constraints: [{ type: 'region', operator: 'in' }] }, 'request.constraints[0].values', 'is required with operator in'],
    ['a latency bound on region in', { constraints: [{ type: 'region', operator: 'in', values: ['eu-1'], maxLatencyMs: 5 }] }, 'request.constraints[0].maxLatencyMs', 'only applies to operator near'],
    ['an unknown spot policy', { spot: 'sometimes' }, 'request.spot', 'expected one of require, forbid, provider-default, got "sometimes"'],
    ['a failover order that is not a list', { failoverPriority: 'aws' }, 'request.failoverPriority', 'must be a list of provider names'],
    ['an empty provider name in the failover order', { failoverPriority: ['aws', ''] }, 'request.failoverPriority[1]', 'must not be empty'],
    ['an unknown request field', { strategey: 'balanced' }, 'request.strategey', 'unknown field (typo?)'],
    ['a prototype key', JSON.parse('{"__proto__": {"strategy": "balanced"}}'), 'request.__proto__', '"__proto__" is a reserved key and cannot be used'],
    ['a request that is not an object', 'balanced', 'request', /got "balanced"/],
  ])('%s', (_title, request, field, message) => {
    const issue = issueOf(() => parsePlacementRequest(request));
    expect(issue.field).toBe(field);
    if (typeof message === 'string') expect(issue.message).toBe(message);
    else expect(issue.message).toMatch(message);
  });

  it('names issues under the path it is given', () => {
    expect(issueOf(() => parsePlacementRequest({ constraints: [{ type: 'zon' }] }, 'spec.request')).field).toBe('spec.request.constraints[0].type');
  });

  it('returns a valid request with only the fields that were given', () => {
    const request = parsePlacementRequest({
      strategy: 'performance',
      weights: { cost: 0.5, carbon: undefined },
      constraints: [
        { type: 'provider', operator: 'notIn', values: ['azure'] },
        { ...near, maxLatencyMs: 20 },
        { type: 'region', operator: 'in', values: ['eu-1'] },
        { type: 'cost', operator: '<=', value: 0.2 },
        { type: 'capability', operator: 'has', values: ['gpu', 'spot'] },
      ],
      spot: 'forbid',
      failoverPriority: ['aws-east'],
    });
    expect(request).toStrictEqual({
      strategy: 'performance',
      weights: { cost: 0.5 },
      constraints: [
        { type: 'provider', operator: 'notIn', values: ['azure'] },
        { type: 'region', operator: 'near', value: 'us-east-1', maxLatencyMs: 20 },
        { type: 'region', operator: 'in', values: ['eu-1'] },
        { type: 'cost', operator: '<=', value: 0.2 },
        { type: 'capability', operator: 'has', values: ['gpu', 'spot'] },
      ],
      spot: 'forbid',
      failoverPriority: ['aws-east'],
    });
    expect(parsePlacementRequest(undefined)).toStrictEqual({});
    expect(parsePlacementRequest({ strategy: undefined })).toStrictEqual({});
  });

  it('gives the YAML path the same constraint messages (one shared schema)', async () => {
    const doc = parse(VIRTUAL_MACHINE_YAML);
    doc.spec.federation.placement.constraints[0].type = 'regoin';
    const error = await loadVirtualMachine(doc).catch((e: unknown) => e);
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    expect((error as InvalidSpecError).issues[0]).toEqual({
      field: 'spec.federation.placement.constraints[0].type',
      message: 'unknown constraint type "regoin"; did you mean "region"?',
    });
    const js = issueOf(() => parsePlacementRequest({ constraints: [{ type: 'regoin' }] }));
    expect(js.message).toBe((error as InvalidSpecError).issues[0]!.message);
  });
});

describe('parsePlaceOptions / parseCreateOptions / parseGroupOptions', () => {
  const parsers = { place: parsePlaceOptions, create: parseCreateOptions } as const;

  it.each(Object.entries(parsers))('%s: missing options are {}', (_name, parseOptions) => {
    expect(parseOptions(undefined)).toStrictEqual({});
    expect(parseOptions({})).toStrictEqual({});
  });

  it.each<[string, unknown, RegExp]>([
    ['a number', 42, /got 42/],
    ['a string', 'x', /got "x"/],
    ['a list', [{ explain: true }], /got a list/],
    ['null', null, /got null/],
  ])('options that are %s name `options`', (_title, options, message) => {
    for (const parseOptions of [parsePlaceOptions, parseCreateOptions, parseGroupOptions]) {
      const issue = issueOf(() => parseOptions(options));
      expect(issue.field).toBe('options');
      expect(issue.message).toMatch(message);
    }
  });

  it.each<[string, Record<string, unknown>, string, string | RegExp]>([
    ['a signal that is not an AbortSignal', { signal: { aborted: false } }, 'options.signal', 'must be an AbortSignal, got an object'],
    ['an empty idempotency key', { idempotencyKey: '' }, 'options.idempotencyKey', 'must not be empty'],
    ['an idempotency key of 257 characters', { idempotencyKey: 'k'.repeat(257) }, 'options.idempotencyKey', 'must be at most 256 characters'],
    ['an idempotency key that is a number', { idempotencyKey: 42 }, 'options.idempotencyKey', 'must be a string'],
    ['an idempotency key with a lone surrogate', { idempotencyKey: 'key-\uD800' }, 'options.idempotencyKey', 'must be well-formed Unicode (it holds a lone surrogate)'],
    ['a negative wait', { waitForOtherReplicaMs: -1 }, 'options.waitForOtherReplicaMs', 'must not be negative'],
    ['an infinite wait', { waitForOtherReplicaMs: Number.POSITIVE_INFINITY }, 'options.waitForOtherReplicaMs', 'must be a finite number of ms'],
    ['a NaN wait', { waitForOtherReplicaMs: Number.NaN }, 'options.waitForOtherReplicaMs', 'must be a number of ms'],
    ['explain as text', { explain: 'yes' }, 'options.explain', 'must be true or false'],
    ['a misspelt strategy in the request', { request: { strategy: 'cost-optimised' } }, 'options.request.strategy', 'unknown strategy "cost-optimised"; did you mean "cost-optimized"?'],
    ['a misspelt constraint type in the request', { request: { constraints: [{ type: 'regoin' }] } }, 'options.request.constraints[0].type', 'unknown constraint type "regoin"; did you mean "region"?'],
    ['a region rule broken in the request', { request: { constraints: [{ type: 'region', operator: 'near' }] } }, 'options.request.constraints[0].value', /required with operator near/],
    ['an unknown option', { idempotencyKy: 'k' }, 'options.idempotencyKy', 'unknown field (typo?)'],
    ['a group option', { replicas: 3 }, 'options.replicas', 'unknown field (typo?)'],
  ])('createVM: %s', (_title, options, field, message) => {
    const issue = issueOf(() => parseCreateOptions(options));
    expect(issue.field).toBe(field);
    if (typeof message === 'string') expect(issue.message).toBe(message);
    else expect(issue.message).toMatch(message);
  });

  it('place refuses the options only createVM takes', () => {
    expect(issueOf(() => parsePlaceOptions({ idempotencyKey: 'k' })).field).toBe('options.idempotencyKey');
  });

  it('returns the options given, the signal itself, and nothing undefined', () => {
    const controller = new AbortController();
    const key = 'k'.repeat(256);
    const parsed = parseCreateOptions({ signal: controller.signal, idempotencyKey: key, waitForOtherReplicaMs: 0, explain: false, request: { spot: 'require' } });
    expect(parsed).toStrictEqual({ signal: controller.signal, idempotencyKey: key, waitForOtherReplicaMs: 0, explain: false, request: { spot: 'require' } });
    expect(parsed.signal).toBe(controller.signal);
    expect(parsePlaceOptions({ explain: undefined, request: undefined })).toStrictEqual({});
  });

  it.each<[string, unknown, string, string]>([
    ['missing options', undefined, 'options.replicas', 'is required'],
    ['no replicas', { minProviders: 1 }, 'options.replicas', 'is required'],
    ['zero replicas', { replicas: 0 }, 'options.replicas', 'must be at least 1'],
    ['1001 replicas', { replicas: 1001 }, 'options.replicas', 'must be at most 1000'],
    ['fractional replicas', { replicas: 2.5 }, 'options.replicas', 'must be a whole number'],
    ['replicas as text', { replicas: '3' }, 'options.replicas', 'must be a number'],
    ['zero minProviders', { replicas: 2, minProviders: 0 }, 'options.minProviders', 'must be at least 1'],
    ['more providers than replicas', { replicas: 2, minProviders: 3 }, 'options.minProviders', 'must be at most replicas (2), got 3'],
    ['11 retries', { replicas: 2, retries: 11 }, 'options.retries', 'must be at most 10'],
    ['negative retries', { replicas: 2, retries: -1 }, 'options.retries', 'must be at least 0'],
    ['a bad create option', { replicas: 2, idempotencyKey: '' }, 'options.idempotencyKey', 'must not be empty'],
  ])('createGroup: %s', (_title, options, field, message) => {
    expect(issueOf(() => parseGroupOptions(options))).toEqual({ field, message });
  });

  it('createGroup: returns valid options as given', () => {
    expect(parseGroupOptions({ replicas: 1000, minProviders: 3, retries: 0, request: { strategy: 'carbon' } })).toStrictEqual({
      replicas: 1000,
      minProviders: 3,
      retries: 0,
      request: { strategy: 'carbon' },
    });
    expect(parseGroupOptions({ replicas: 1, retries: 10 })).toStrictEqual({ replicas: 1, retries: 10 });
  });
});
