/**
 * The schema pieces a placement request is checked with, shared by the two ways one arrives:
 * a VirtualMachine manifest (config.ts, `spec.federation.placement`) and the options of
 * `place`/`createVM`/`createGroup` (request-options.ts). Both accept the same constraint
 * shapes and give the same messages; they differ only in how a `near` constraint writes its
 * latency (`maxLatency: "10ms"` in YAML, `maxLatencyMs: 10` in JS), which each side passes in.
 *
 * Internal: not part of the public entry.
 */
import * as v from 'valibot';
import { InvalidSpecError } from '../provider/errors.js';
import { closestMatch } from '../provider/closest-match.js';
import { describeInput, isObjectRecord } from '../provider/input-guards.js';
import { PLACEMENT_STRATEGIES, type CapabilityName, type PlacementConstraint } from './placement/index.js';

/**
 * The message for a value outside `values`. With a `noun` (`strategy`), a string reads
 * `unknown strategy "cost-optimised"; did you mean "cost-optimized"?`; without one, or for a
 * value that is not a string, it reads `expected one of a, b, got "x"`.
 */
export function choiceMessage(values: readonly string[], input: unknown, noun?: string): string {
  const suggestion = closestMatch(input, values);
  if (noun !== undefined && typeof input === 'string') {
    return `unknown ${noun} ${describeInput(input)}; ${suggestion ? `did you mean "${suggestion}"?` : `expected one of ${values.join(', ')}`}`;
  }
  return `expected one of ${values.join(', ')}, got ${describeInput(input)}${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
}

/** A picklist of `values` whose error lists them and suggests the closest (see {@link choiceMessage}). */
export function oneOf<const T extends readonly string[]>(values: T, noun?: string) {
  return v.picklist(values, (issue) => choiceMessage(values, issue.input, noun));
}

/** Capabilities a `capability` constraint or a `require` policy may name. */
export const CAPABILITY_NAMES = ['spot', 'gpu', 'reservedPricing', 'stopStart', 'deallocate', 'vpn', 'peering', 'export', 'import'] as const satisfies readonly CapabilityName[];

/** A non-empty string. */
export const nonEmptyStringSchema = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'));

/** A non-empty list of non-empty strings (provider names, regions, zones). */
export const stringListSchema = v.pipe(v.array(nonEmptyStringSchema, 'must be a list'), v.minLength(1, 'must not be empty'));

/** A placement strategy. */
export const strategySchema = oneOf(PLACEMENT_STRATEGIES, 'strategy');

/** A spot policy. */
export const spotPolicySchema = oneOf(['require', 'forbid', 'provider-default'] as const);

const CONSTRAINT_TYPES = ['provider', 'region', 'zone', 'cost', 'capability'] as const;

/**
 * The constraint schema; `latency` holds the entry a `region` constraint writes its latency
 * bound with. One shape serves every region operator: which fields each operator needs is
 * checked afterwards by {@link toRegionConstraint}, with a message naming the operator.
 */
export function constraintSchemaWith<const TLatency extends v.ObjectEntries>(latency: TLatency) {
  return v.pipe(
    // valibot's variant takes a list as an object; a constraint that is not one reads better as such.
    v.custom<Record<string, unknown>>(isObjectRecord, (issue) => `must be a constraint object such as { type: provider, operator: in, values: [...] }, got ${describeInput(issue.input)}`),
    v.variant(
      'type',
      [
        v.strictObject({ type: v.literal('provider'), operator: oneOf(['in', 'notIn'] as const), values: stringListSchema }),
        v.strictObject({
          type: v.literal('region'),
          operator: oneOf(['in', 'notIn', 'near'] as const),
          values: v.optional(stringListSchema),
          value: v.optional(nonEmptyStringSchema),
          ...latency,
        }),
        v.strictObject({ type: v.literal('zone'), operator: oneOf(['in', 'notIn'] as const), values: stringListSchema }),
        v.strictObject({
          type: v.literal('cost'),
          operator: oneOf(['<', '<='] as const),
          value: v.pipe(v.number('must be a price per hour'), v.finite('must be a finite price per hour'), v.gtValue(0, 'must be greater than 0')),
        }),
        v.strictObject({ type: v.literal('capability'), operator: v.literal('has'), values: v.array(oneOf(CAPABILITY_NAMES), 'must be a list') }),
      ],
      (issue) => choiceMessage(CONSTRAINT_TYPES, issue.input, 'constraint type'),
    ),
  );
}

/** A `region` constraint as parsed, before its operator's fields are checked. */
export interface ParsedRegionConstraint {
  /** `in`, `notIn` or `near`. */
  readonly operator: 'in' | 'notIn' | 'near';
  /** Regions, for `in` and `notIn`. */
  readonly values?: readonly string[] | undefined;
  /** The reference region, for `near`. */
  readonly value?: string | undefined;
}

/**
 * Checks that a region constraint has the fields its operator needs and builds it. `at` is the
 * constraint's path and `latencyField` the name its latency was written under, for messages.
 */
export function toRegionConstraint(c: ParsedRegionConstraint, maxLatencyMs: number | undefined, at: string, latencyField: string): PlacementConstraint {
  const fail = (field: string, message: string): never => {
    throw new InvalidSpecError({ issues: [{ field: `${at}.${field}`, message }] });
  };
  if (c.operator === 'near') {
    if (c.value === undefined) return fail('value', 'is required with operator near (the reference region)');
    if (c.values !== undefined) return fail('values', 'does not apply to operator near (use value)');
    return maxLatencyMs === undefined ? { type: 'region', operator: 'near', value: c.value } : { type: 'region', operator: 'near', value: c.value, maxLatencyMs };
  }
  if (c.values === undefined) return fail('values', `is required with operator ${c.operator}`);
  if (c.value !== undefined) return fail('value', `does not apply to operator ${c.operator} (use values)`);
  if (maxLatencyMs !== undefined) return fail(latencyField, 'only applies to operator near');
  return { type: 'region', operator: c.operator, values: c.values };
}
