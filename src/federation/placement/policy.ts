/**
 * Federation policies: rules that apply to VMs matching a condition, in priority order.
 *
 * - `restrict` narrows the providers, regions, countries or areas a VM may use (hard);
 * - `require` demands capabilities, providers or regions (hard);
 * - `prefer` adds `weight` to the score of matching candidates (soft);
 * - `distribute` asks groups to span at least `minProviders` providers.
 *
 * Targets in `providers` lists are provider names, provider kinds, or the capacity types
 * `spot-instances` and `on-demand`.
 */
import type { CapabilityName } from './placement-request.js';

/** Comparison operators of conditions. */
export type ConditionOperator = '==' | '!=' | 'in' | 'notIn' | 'exists' | 'contains' | '<' | '<=' | '>' | '>=';

/** When a policy applies. */
export interface PolicyCondition {
  /**
   * What is compared: a VM `label` (by `key`), the `workload` type (label `workload`), the
   * VM's `cost` (cheapest fitting on-demand $/h), its `compliance` labels, its `location`
   * (requested or `near` region, or the region's area), or `always`.
   */
  readonly type: 'label' | 'workload' | 'cost' | 'compliance' | 'location' | 'always';
  /** Label key, for `label` conditions. */
  readonly key?: string | undefined;
  /** Operator (default `==`). */
  readonly operator?: ConditionOperator | undefined;
  /** Value compared against. */
  readonly value?: string | number | readonly string[] | undefined;
}

/** Narrow where a VM may go. */
export interface RestrictAction {
  /** Action kind. */
  readonly type: 'restrict';
  /** Allowed provider names, kinds or capacity types. */
  readonly providers?: readonly string[] | undefined;
  /** Allowed regions. */
  readonly regions?: readonly string[] | undefined;
  /** Allowed countries (ISO 3166-1 alpha-2, matched against region geography). */
  readonly countries?: readonly string[] | undefined;
  /** Allowed areas (`north-america`, `europe`, ...). */
  readonly areas?: readonly string[] | undefined;
}

/** Favour some candidates. */
export interface PreferAction {
  /** Action kind. */
  readonly type: 'prefer';
  /** Preferred provider names, kinds or capacity types. */
  readonly providers?: readonly string[] | undefined;
  /** Preferred regions. */
  readonly regions?: readonly string[] | undefined;
  /** Score added to matching candidates (default 0.1; scores are 0–1 before bonuses). */
  readonly weight?: number | undefined;
}

/** Spread replicas. */
export interface DistributeAction {
  /** Action kind. */
  readonly type: 'distribute';
  /** Fewest distinct providers a group may span. */
  readonly minProviders: number;
}

/** Demand capabilities or locations. */
export interface RequireAction {
  /** Action kind. */
  readonly type: 'require';
  /** Capabilities the provider must declare. */
  readonly capabilities?: readonly CapabilityName[] | undefined;
  /** Providers (names, kinds or capacity types) one of which must match. */
  readonly providers?: readonly string[] | undefined;
  /** Regions one of which must match. */
  readonly regions?: readonly string[] | undefined;
}

/** What a policy does. */
export type PolicyAction = RestrictAction | PreferAction | DistributeAction | RequireAction;

/** A named rule with a priority (higher first). */
export interface Policy {
  /** Name, shown in explanations. */
  readonly name: string;
  /** Priority; higher runs first (default 0). */
  readonly priority?: number | undefined;
  /** When it applies. */
  readonly condition: PolicyCondition;
  /** What it does. */
  readonly action: PolicyAction;
}

/** The facts a condition is evaluated against. */
export interface PolicySubject {
  /** VM labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** The region the VM asked for or is near, when any. */
  readonly location: string | undefined;
  /** Area of that region, when known. */
  readonly locationArea: string | undefined;
  /** Cheapest fitting on-demand price per hour, when known. */
  readonly cost: number | undefined;
}

function asList(value: PolicyCondition['value']): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function compareText(actual: string | undefined, operator: ConditionOperator, value: PolicyCondition['value']): boolean {
  const values = asList(value);
  switch (operator) {
    case 'exists':
      return actual !== undefined;
    case '==':
      return actual !== undefined && actual === String(value);
    case '!=':
      return actual !== String(value);
    case 'in':
      return actual !== undefined && values.includes(actual);
    case 'notIn':
      return actual === undefined || !values.includes(actual);
    case 'contains':
      return actual !== undefined && asList(actual).some((a) => values.includes(a));
    default:
      return false;
  }
}

function compareNumber(actual: number | undefined, operator: ConditionOperator, value: PolicyCondition['value']): boolean {
  const v = Number(value);
  if (actual === undefined || !Number.isFinite(v)) return false;
  switch (operator) {
    case '<':
      return actual < v;
    case '<=':
      return actual <= v;
    case '>':
      return actual > v;
    case '>=':
      return actual >= v;
    case '==':
      return actual === v;
    case '!=':
      return actual !== v;
    default:
      return false;
  }
}

/** True when `condition` holds for `subject`. */
export function conditionHolds(condition: PolicyCondition, subject: PolicySubject): boolean {
  const op = condition.operator ?? (condition.type === 'compliance' ? 'contains' : '==');
  switch (condition.type) {
    case 'always':
      return true;
    case 'label':
      return compareText(condition.key === undefined ? undefined : subject.labels[condition.key], op, condition.value);
    case 'workload':
      return compareText(subject.labels.workload ?? subject.labels['workload-type'], op, condition.value);
    case 'compliance':
      return compareText(subject.labels.compliance, op, condition.value);
    case 'cost':
      return compareNumber(subject.cost, op, condition.value);
    case 'location': {
      if (op === '==' && typeof condition.value === 'string') {
        const v = condition.value;
        return subject.location === v || subject.locationArea === v || (v.endsWith('*') && (subject.location ?? '').startsWith(v.slice(0, -1)));
      }
      return compareText(subject.location, op, condition.value) || compareText(subject.locationArea, op, condition.value);
    }
  }
}

/** Policies in the order they run: priority descending, then name. */
export function orderPolicies(policies: readonly Policy[]): Policy[] {
  return [...policies].sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** True when a policy target (`aws`, `aws-us-east`, `spot-instances`, `on-demand`) names this candidate. */
export function targetMatches(target: string, candidate: { provider: string; providerKind: string; spot: boolean }): boolean {
  if (target === 'spot-instances' || target === 'spot') return candidate.spot;
  if (target === 'on-demand') return !candidate.spot;
  return target === candidate.provider || target === candidate.providerKind;
}
