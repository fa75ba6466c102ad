/**
 * Validation of what callers pass to `place`, `createVM` and `createGroup` besides the VM
 * itself: the options object and the placement request in it. The request is checked with
 * the schema pieces the VirtualMachine manifest uses (request-schema.ts), so a constraint is
 * accepted or refused, with the same message, whichever way it arrives.
 *
 * Each parser returns a fresh object holding only the fields that were given (no
 * `undefined` values: the manager spreads a request over the manifest's, and an `undefined`
 * there would erase the manifest's value), or throws an `InvalidSpecError` whose issues name
 * the path: `options.idempotencyKey`, `options.request.constraints[0].type`.
 */
import * as v from 'valibot';
import { InvalidSpecError } from '../provider/errors.js';
import { describeInput, findStructuralIssue, isObjectRecord, strictObjectSchema } from '../provider/input-guards.js';
import { toSpecIssues } from '../provider/spec-schema.js';
import { PLACEMENT_STRATEGIES, type PlacementConstraint, type PlacementRequest } from './placement/index.js';
import type { CreateGroupOptions, FederatedCreateOptions, PlaceOptions } from './request-input.js';
import { constraintSchemaWith, nonEmptyStringSchema, spotPolicySchema, strategySchema, toRegionConstraint } from './request-schema.js';

/** Bounds of the group options. */
const GROUP_LIMITS = { maxReplicas: 1000, maxRetries: 10 } as const;

/** Longest idempotency key; it is hashed for the store, but also shown in logs and records. */
const MAX_IDEMPOTENCY_KEY_CHARS = 256;

const weightSchema = v.pipe(v.number('must be a number'), v.finite('must be a finite number'), v.minValue(0, 'must not be negative'));

const weightsSchema = v.pipe(
  strictObjectSchema(
    {
      cost: v.optional(weightSchema),
      performance: v.optional(weightSchema),
      compliance: v.optional(weightSchema),
      location: v.optional(weightSchema),
      carbon: v.optional(weightSchema),
    },
    'must be an object of weights { cost, performance, compliance, location, carbon }',
  ),
  // Scores divide by the total; an infinite one turns every score into NaN.
  v.check((w) => Number.isFinite(Object.values(w).reduce<number>((sum, x) => sum + (x ?? 0), 0)), 'must add up to a finite number'),
);

// The JS form of a near constraint's bound is a number of ms, as `RegionNearConstraint` says.
const constraintSchema = constraintSchemaWith({
  maxLatencyMs: v.optional(v.pipe(v.number('must be a number of ms'), v.finite('must be a finite number of ms'), v.minValue(0, 'must not be negative'))),
});

const placementRequestSchema = strictObjectSchema(
  {
    strategy: v.optional(strategySchema),
    constraints: v.optional(v.array(constraintSchema, 'must be a list of constraints')),
    weights: v.optional(weightsSchema),
    spot: v.optional(spotPolicySchema),
    failoverPriority: v.optional(v.array(nonEmptyStringSchema, 'must be a list of provider names')),
  },
  'must be a placement request { strategy, constraints, weights, spot, failoverPriority }',
);

const idempotencyKeySchema = v.pipe(
  v.string('must be a string'),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_IDEMPOTENCY_KEY_CHARS, `must be at most ${MAX_IDEMPOTENCY_KEY_CHARS} characters`),
  // Keys are hashed as UTF-8, where every lone surrogate becomes U+FFFD: two different keys would name one request.
  v.check((key) => !/\p{Cs}/u.test(key), 'must be well-formed Unicode (it holds a lone surrogate)'),
);

const wholeNumber = (min: number, max?: number) =>
  v.pipe(
    v.number('must be a number'),
    v.integer('must be a whole number'),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max ?? Number.MAX_SAFE_INTEGER, max === undefined ? 'is too large' : `must be at most ${max}`),
  );

const placeEntries = {
  signal: v.optional(v.instance(AbortSignal, (issue) => `must be an AbortSignal, got ${describeInput(issue.input)}`)),
  request: v.optional(placementRequestSchema),
  explain: v.optional(v.boolean('must be true or false')),
};

const createEntries = {
  ...placeEntries,
  idempotencyKey: v.optional(idempotencyKeySchema),
  waitForOtherReplicaMs: v.optional(v.pipe(v.number('must be a number of ms'), v.finite('must be a finite number of ms'), v.minValue(0, 'must not be negative'))),
};

const groupEntries = {
  ...createEntries,
  replicas: wholeNumber(1, GROUP_LIMITS.maxReplicas),
  minProviders: v.optional(wholeNumber(1)),
  retries: v.optional(wholeNumber(0, GROUP_LIMITS.maxRetries)),
};

const OPTIONS = 'options';
const placeOptionsSchema = strictObjectSchema(placeEntries, 'expected an options object');
const createOptionsSchema = strictObjectSchema(createEntries, 'expected an options object');
const groupOptionsSchema = strictObjectSchema(groupEntries, 'expected an options object');

type ParsedRequest = v.InferOutput<typeof placementRequestSchema>;

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined)) as T;
}

/** Runs a schema over a value after the structural guard; issues are named under `path`. */
function parseAt<TSchema extends v.GenericSchema>(schema: TSchema, value: unknown, path: string): v.InferOutput<TSchema> {
  const structural = findStructuralIssue(value, path);
  if (structural) throw new InvalidSpecError({ issues: [structural] });
  const result = v.safeParse(schema, value);
  if (!result.success) throw new InvalidSpecError({ issues: toSpecIssues(result.issues, path) });
  return result.output;
}

/** Checks the fields each region operator needs, and drops what was not given. */
function finishRequest(parsed: ParsedRequest, path: string): PlacementRequest {
  const constraints = parsed.constraints?.map(
    (c, i): PlacementConstraint => (c.type === 'region' ? toRegionConstraint(c, c.maxLatencyMs, `${path}.constraints[${i}]`, 'maxLatencyMs') : c),
  );
  return withoutUndefined({
    strategy: parsed.strategy,
    constraints,
    weights: parsed.weights && withoutUndefined(parsed.weights),
    spot: parsed.spot,
    failoverPriority: parsed.failoverPriority,
  });
}

/**
 * Validates a placement request given in code (the JS form of a manifest's
 * `spec.federation.placement`): `strategy`, `constraints` (region `near` takes `maxLatencyMs`,
 * a number), `weights` (known keys only, each finite and at least 0), `spot` and
 * `failoverPriority`. Unknown keys are refused. `undefined` is the empty request.
 *
 * @param value - The request, as the caller gave it.
 * @param path - Where the request sits, for the issues' field paths (default `request`).
 * @returns The request, holding only the fields that were given.
 * @throws InvalidSpecError naming the field, e.g. `request.constraints[0].type`.
 */
export function parsePlacementRequest(value: unknown, path = 'request'): PlacementRequest {
  if (value === undefined) return {};
  return simplePlacementRequest(value) ?? schemaPlacementRequest(value, path);
}

/**
 * {@link parsePlacementRequest} through the schema alone, for comparing the fast path with it.
 *
 * @internal
 */
export function schemaPlacementRequest(value: unknown, path = 'request'): PlacementRequest {
  return finishRequest(parseAt(placementRequestSchema, value, path), path);
}

function optionsObject(value: unknown): object {
  if (value === undefined) return {};
  if (!isObjectRecord(value)) throw new InvalidSpecError({ issues: [{ field: OPTIONS, message: `expected an options object, got ${describeInput(value)}` }] });
  return value;
}

const SIMPLE_OPERATORS: Readonly<Record<string, readonly string[]>> = { provider: ['in', 'notIn'], zone: ['in', 'notIn'], region: ['in', 'notIn'] };
const SPOT_POLICIES: readonly unknown[] = ['require', 'forbid', 'provider-default'];

function isPlain(value: unknown): value is Record<string, unknown> {
  return isObjectRecord(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** A copy of a non-empty list of non-empty strings with nothing else on it, or `undefined`. */
function simpleNames(value: unknown, allowEmpty = false): string[] | undefined {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0) || Object.keys(value).length !== value.length) return undefined;
  for (const x of value) if (typeof x !== 'string' || x.length === 0) return undefined;
  return [...(value as string[])];
}

/** A `provider`, `zone`, `region in/notIn` or `cost` constraint as the schema outputs it, or `undefined`. */
function simpleConstraint(value: unknown): PlacementConstraint | undefined {
  if (!isPlain(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 3) return undefined;
  const { type, operator } = value;
  if (type === 'cost') {
    const price = value.value;
    if ((operator !== '<' && operator !== '<=') || typeof price !== 'number' || !Number.isFinite(price) || !(price > 0)) return undefined;
    return { type, operator, value: price };
  }
  if (typeof type !== 'string' || !Object.hasOwn(SIMPLE_OPERATORS, type) || !SIMPLE_OPERATORS[type]!.includes(operator as string) || !keys.includes('values')) return undefined;
  const values = simpleNames(value.values);
  return values && ({ type, operator, values } as PlacementConstraint);
}

/**
 * The common placement request checked without the schema: a plain object of a known
 * strategy and spot policy, provider, zone, region (`in`/`notIn`) and cost constraints and a
 * failover order. Anything else (weights, `near`, capabilities, a bad value, an unknown key)
 * gives `undefined`, and the schema runs and names the problem.
 *
 * @internal
 */
export function simplePlacementRequest(value: unknown): PlacementRequest | undefined {
  if (!isPlain(value)) return undefined;
  const out: { -readonly [K in keyof PlacementRequest]: PlacementRequest[K] } = {};
  for (const key of Object.keys(value)) {
    const given = value[key];
    if (given === undefined) continue;
    if (key === 'strategy') {
      if (!(PLACEMENT_STRATEGIES as readonly unknown[]).includes(given)) return undefined;
      out.strategy = given as PlacementRequest['strategy'];
    } else if (key === 'spot') {
      if (!SPOT_POLICIES.includes(given)) return undefined;
      out.spot = given as PlacementRequest['spot'];
    } else if (key === 'failoverPriority') {
      const names = simpleNames(given, true);
      if (!names) return undefined;
      out.failoverPriority = names;
    } else if (key === 'constraints') {
      if (!Array.isArray(given) || Object.keys(given).length !== given.length) return undefined;
      const constraints: PlacementConstraint[] = [];
      for (const c of given) {
        const parsed = simpleConstraint(c);
        if (!parsed) return undefined;
        constraints.push(parsed);
      }
      out.constraints = constraints;
    } else {
      return undefined;
    }
  }
  return out;
}

/** The common `place` options checked without the schema (see {@link simplePlacementRequest}), or `undefined`. */
function simplePlaceOptions(value: unknown): PlaceOptions | undefined {
  if (value === undefined) return {};
  if (!isPlain(value)) return undefined;
  const out: { -readonly [K in keyof PlaceOptions]: PlaceOptions[K] } = {};
  for (const key of Object.keys(value)) {
    const given = value[key];
    if (given === undefined) continue;
    if (key === 'explain' && typeof given === 'boolean') out.explain = given;
    else if (key === 'signal' && given instanceof AbortSignal) out.signal = given;
    else if (key === 'request') {
      const request = simplePlacementRequest(given);
      if (!request) return undefined;
      out.request = request;
    } else return undefined;
  }
  return out;
}

/**
 * Validates the options of `FederationManager.place`: `signal` (an `AbortSignal`), `request`
 * (see {@link parsePlacementRequest}) and `explain` (a boolean). `undefined` gives `{}`.
 *
 * @throws InvalidSpecError naming the field under `options`, e.g. `options.request.strategy`.
 */
export function parsePlaceOptions(value: unknown): PlaceOptions {
  const simple = simplePlaceOptions(value);
  if (simple) return simple;
  const o = parseAt(placeOptionsSchema, optionsObject(value), OPTIONS);
  return withoutUndefined({ ...o, request: o.request && finishRequest(o.request, `${OPTIONS}.request`) });
}

/**
 * Validates the options of `FederationManager.createVM`: those of {@link parsePlaceOptions},
 * plus `idempotencyKey` (1–256 characters of well-formed Unicode) and `waitForOtherReplicaMs`
 * (a finite number of ms, at least 0). `undefined` gives `{}`.
 *
 * @throws InvalidSpecError naming the field under `options`.
 */
export function parseCreateOptions(value: unknown): FederatedCreateOptions {
  const o = parseAt(createOptionsSchema, optionsObject(value), OPTIONS);
  return withoutUndefined({ ...o, request: o.request && finishRequest(o.request, `${OPTIONS}.request`) });
}

/**
 * Validates the options of `FederationManager.createGroup`: those of
 * {@link parseCreateOptions}, plus `replicas` (required, a whole number 1–1000),
 * `minProviders` (a whole number, at least 1 and at most `replicas`) and `retries` (0–10).
 *
 * @throws InvalidSpecError naming the field under `options`; missing options name `options.replicas`.
 */
export function parseGroupOptions(value: unknown): CreateGroupOptions {
  const o = parseAt(groupOptionsSchema, optionsObject(value), OPTIONS);
  if (o.minProviders !== undefined && o.minProviders > o.replicas) {
    // Fewer VMs than providers cannot span them all; say so now rather than after creating some.
    throw new InvalidSpecError({ issues: [{ field: `${OPTIONS}.minProviders`, message: `must be at most replicas (${o.replicas}), got ${o.minProviders}` }] });
  }
  return withoutUndefined({ ...o, request: o.request && finishRequest(o.request, `${OPTIONS}.request`) });
}
