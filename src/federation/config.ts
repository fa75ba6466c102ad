/**
 * The YAML configuration: `FederationConfig` (providers, policies, networking, optimization)
 * and `VirtualMachine` manifests, apiVersion `novacron.io/v1alpha1`. Both shapes are those of
 * the specification's examples. Validation errors are `InvalidSpecError`s whose `field` is
 * the path in the document (`spec.policies[1].action.type`).
 */
import * as v from 'valibot';
import { ConfigError } from './federation-errors.js';
import { closestMatch } from '../provider/closest-match.js';
import { InvalidSpecError, type SpecIssue } from '../provider/errors.js';
import { describeInput, findStructuralIssue } from '../provider/input-guards.js';
import { toSpecIssues } from '../provider/spec-schema.js';
import type { VMSpecInput } from '../provider/types.js';
import type { PlacementConstraint, PlacementRequest } from './placement/index.js';
import type { Policy } from './placement/index.js';
import { parseCron } from './cron-schedule.js';
import type { NetworkingSettings } from '../network/networking-settings.js';
import { CAPABILITY_NAMES, choiceMessage, constraintSchemaWith, oneOf, spotPolicySchema, strategySchema, stringListSchema, toRegionConstraint } from './request-schema.js';

/** The API version this loader reads. */
export const API_VERSION = 'novacron.io/v1alpha1';

const NAME = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/;
const nameSchema = v.pipe(v.string('must be a string'), v.regex(NAME, 'must be lower-case letters, digits, "-", "_" or "." (at most 63 characters)'));
const metadataSchema = v.looseObject({
  name: nameSchema,
  labels: v.optional(v.record(v.string(), v.string('label values must be strings'))),
});

const conditionSchema = v.strictObject({
  type: oneOf(['label', 'workload', 'cost', 'compliance', 'location', 'always'] as const),
  key: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
  operator: v.optional(oneOf(['==', '!=', 'in', 'notIn', 'exists', 'contains', '<', '<=', '>', '>='] as const)),
  value: v.optional(v.union([v.string(), v.number(), v.array(v.string())], 'must be a string, a number or a list of strings')),
});

const actionSchema = v.variant(
  'type',
  [
    v.strictObject({
      type: v.literal('restrict'),
      providers: v.optional(stringListSchema),
      regions: v.optional(stringListSchema),
      countries: v.optional(stringListSchema),
      areas: v.optional(stringListSchema),
    }),
    v.strictObject({
      type: v.literal('prefer'),
      providers: v.optional(stringListSchema),
      regions: v.optional(stringListSchema),
      weight: v.optional(v.pipe(v.number('must be a number'), v.minValue(0, 'must not be negative'), v.maxValue(1, 'must be at most 1'))),
    }),
    v.strictObject({
      type: v.literal('distribute'),
      minProviders: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1')),
    }),
    v.strictObject({
      type: v.literal('require'),
      capabilities: v.optional(v.array(oneOf(CAPABILITY_NAMES))),
      providers: v.optional(stringListSchema),
      regions: v.optional(stringListSchema),
    }),
  ],
  (issue) => choiceMessage(['restrict', 'prefer', 'distribute', 'require'], issue.input),
);

const policySchema = v.strictObject({
  name: nameSchema,
  priority: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'))),
  condition: conditionSchema,
  action: actionSchema,
});

const providerDefaultsSchema = v.strictObject({
  instanceFamily: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
  instanceFamilies: v.optional(stringListSchema),
  spotEnabled: v.optional(v.boolean('must be true or false')),
  subnet: v.optional(v.string()),
  securityGroups: v.optional(v.array(v.string())),
});

const providerEntrySchema = v.strictObject({
  name: nameSchema,
  type: v.pipe(v.string('must be a string'), v.regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a provider type such as aws, azure, gcp, openstack, memory')),
  config: v.optional(
    v.pipe(
      v.looseObject({
        credentials: v.optional(
          v.pipe(
            v.unknown(),
            v.check(
              (c) => typeof c === 'object' && c !== null && Object.keys(c).length === 1 && typeof (c as { secret?: unknown }).secret === 'string' && (c as { secret: string }).secret.length > 0,
              'must be { secret: <name> }; credentials are never written inline',
            ),
          ),
        ),
        defaults: v.optional(providerDefaultsSchema),
      }),
    ),
  ),
});

/** A cron expression croner can read and that fires (see cron-schedule.ts); the issue says what is wrong. */
const cronSchema = v.pipe(
  v.string('must be a cron expression such as "0 2 * * *"'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    try {
      parseCron(dataset.value);
    } catch (error) {
      addIssue({ message: InvalidSpecError.isInstance(error) ? (error.issues[0]?.message ?? error.message) : String(error) });
    }
  }),
);

const federationConfigSchema = v.strictObject({
  apiVersion: v.literal(API_VERSION, (i) => `expected ${API_VERSION}, got ${describeInput(i.input)}`),
  kind: v.literal('FederationConfig', (i) => `expected FederationConfig, got ${describeInput(i.input)}`),
  metadata: metadataSchema,
  spec: v.strictObject({
    providers: v.pipe(v.array(providerEntrySchema, 'must be a list of providers'), v.minLength(1, 'must list at least one provider')),
    policies: v.optional(v.array(policySchema, 'must be a list of policies')),
    networking: v.optional(
      v.strictObject({
        mode: oneOf(['overlay', 'vpn', 'peering'] as const),
        overlay: v.optional(
          v.strictObject({
            type: oneOf(['wireguard'] as const),
            mesh: v.optional(v.boolean('must be true or false')),
            encryption: v.optional(oneOf(['chacha20poly1305'] as const)),
          }),
        ),
      }),
    ),
    optimization: v.optional(
      v.strictObject({
        enabled: v.optional(v.boolean('must be true or false')),
        schedule: v.optional(cronSchema),
        strategies: v.optional(v.array(oneOf(['cost', 'performance', 'carbon-footprint', 'balanced'] as const))),
      }),
    ),
  }),
});

const durationSchema = v.pipe(
  v.union([v.number(), v.string()], 'must be a duration such as "10ms"'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const ms = parseDurationMs(dataset.value);
    if (ms === undefined) {
      addIssue({ message: `expected a duration such as "10ms" or "1s", got ${describeInput(dataset.value)}` });
      return NEVER;
    }
    return ms;
  }),
);

// YAML writes a near constraint's bound as a duration ("10ms"); the JS form takes maxLatencyMs.
const constraintSchema = constraintSchemaWith({ maxLatency: v.optional(durationSchema) });

const virtualMachineSchema = v.strictObject({
  apiVersion: v.literal(API_VERSION, (i) => `expected ${API_VERSION}, got ${describeInput(i.input)}`),
  kind: v.literal('VirtualMachine', (i) => `expected VirtualMachine, got ${describeInput(i.input)}`),
  metadata: metadataSchema,
  spec: v.strictObject({
    federation: v.optional(
      v.strictObject({
        enabled: v.optional(v.boolean('must be true or false')),
        placement: v.optional(
          v.strictObject({
            strategy: v.optional(strategySchema),
            constraints: v.optional(v.array(constraintSchema, 'must be a list of constraints')),
            spot: v.optional(spotPolicySchema),
          }),
        ),
        failover: v.optional(
          v.strictObject({
            enabled: v.optional(v.boolean('must be true or false')),
            priority: v.optional(stringListSchema),
          }),
        ),
      }),
    ),
    template: v.strictObject({
      spec: v.looseObject({
        resources: v.looseObject({}),
      }),
    }),
  }),
});

/** `10ms`, `1.5s`, `250us`, or a number of ms. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(us|µs|ms|s|m)\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!;
  return unit === 'us' || unit === 'µs' ? n / 1000 : unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000;
}

/** Options of the loaders. */
export interface LoadOptions {
  /** Variables for `${VAR}` and `${VAR:-default}` (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** A provider entry of a FederationConfig, as handed to a provider factory. */
export interface ProviderEntry {
  /** Provider name. */
  readonly name: string;
  /** Provider type (`aws`, `azure`, `gcp`, `openstack`, or a host-registered one). */
  readonly type: string;
  /** The entry's `config`, with `${VAR}` substituted and `credentials.secret` resolved by the host's resolver. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** The configuration's `optimization` section. */
export interface OptimizationSettings {
  /** Whether scheduled optimization runs. */
  readonly enabled: boolean;
  /** Cron expression in croner's syntax (five fields such as `0 2 * * *`, or more), when scheduled. */
  readonly schedule: string | undefined;
  /** Strategies to optimize for (`cost`, `performance`, `carbon-footprint`, `balanced`). */
  readonly strategies: readonly string[];
}

/** A loaded FederationConfig. */
export interface FederationConfig {
  /** `metadata.name`. */
  readonly name: string;
  /** Provider entries, in order. */
  readonly providers: readonly ProviderEntry[];
  /** Policies. */
  readonly policies: readonly Policy[];
  /** Networking mode and overlay settings. */
  readonly networking: NetworkingSettings | undefined;
  /** Optimization schedule and strategies, as written. */
  readonly optimization: OptimizationSettings | undefined;
}

/** A loaded VirtualMachine manifest. */
export interface VirtualMachineManifest {
  /** `metadata.name`. */
  readonly name: string;
  /** The VM spec, from `spec.template.spec` (resources, image, network, ...). */
  readonly spec: VMSpecInput;
  /** The placement request, from `spec.federation.placement` and `failover`. */
  readonly request: PlacementRequest;
  /** Failover enabled (default true). */
  readonly failoverEnabled: boolean;
}

/** Parses YAML text (loaded lazily: the root import never loads the YAML parser). */
export async function parseYaml(text: string): Promise<unknown> {
  const yaml = await import('yaml');
  try {
    return yaml.parse(text);
  } catch (error) {
    const e = error as { message?: string; linePos?: { line: number; col: number }[] };
    const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(document)';
    throw new InvalidSpecError({ issues: [{ field: where, message: `YAML syntax error: ${String(e.message ?? error).split('\n')[0]}` }] });
  }
}

/** Replaces `${VAR}` and `${VAR:-default}` in every string of a document; a missing variable names its path. */
export function substituteEnv(doc: unknown, env: Readonly<Record<string, string | undefined>>, path = ''): unknown {
  if (typeof doc === 'string') {
    return doc.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/g, (_m, name: string, _d, fallback: string | undefined) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      throw new InvalidSpecError({ issues: [{ field: path || '(root)', message: `environment variable ${name} is not set` }] });
    });
  }
  if (Array.isArray(doc)) return doc.map((item, i) => substituteEnv(item, env, `${path}[${i}]`));
  if (doc !== null && typeof doc === 'object') {
    return Object.fromEntries(Object.entries(doc).map(([k, val]) => [k, substituteEnv(val, env, path ? `${path}.${k}` : k)]));
  }
  return doc;
}

async function toDocument(input: string | object, options: LoadOptions): Promise<unknown> {
  const raw = typeof input === 'string' ? await parseYaml(input) : input;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidSpecError({ issues: [{ field: '(root)', message: 'expected a YAML mapping (an object)' }] });
  }
  // substituteEnv walks the whole document; a cyclic or very deep one must fail here, by path.
  const structural = findStructuralIssue(raw);
  if (structural) throw new InvalidSpecError({ issues: [structural] });
  return substituteEnv(raw, options.env ?? process.env);
}

function fail(issues: readonly v.BaseIssue<unknown>[]): never {
  const specific: SpecIssue[] = toSpecIssues(issues);
  throw new InvalidSpecError({ issues: specific.slice(0, 1).concat(specific.slice(1)) });
}

/** Loads and validates a FederationConfig from YAML text or an object. */
export async function loadFederationConfig(input: string | object, options: LoadOptions = {}): Promise<FederationConfig> {
  try {
    return await readFederationConfig(input, options);
  } catch (error) {
    throw asConfigError(error);
  }
}

/** The same problems, said as a configuration's (`ConfigError`); anything else as it is. */
export function asConfigError(error: unknown, rename: (field: string) => string = (f) => f): unknown {
  if (!InvalidSpecError.isInstance(error)) return error;
  const invalid: InvalidSpecError = error;
  if (ConfigError.isInstance(invalid) && rename('') === '') return invalid;
  return new ConfigError({ issues: invalid.issues.map((i) => ({ field: rename(i.field), message: i.message })), cause: invalid.cause });
}

async function readFederationConfig(input: string | object, options: LoadOptions): Promise<FederationConfig> {
  const doc = await toDocument(input, options);
  const result = v.safeParse(federationConfigSchema, doc);
  if (!result.success) fail(result.issues);
  const s = result.output;
  const names = new Set<string>();
  s.spec.providers.forEach((p, i) => {
    if (names.has(p.name)) throw new InvalidSpecError({ issues: [{ field: `spec.providers[${i}].name`, message: `duplicate provider name "${p.name}"` }] });
    names.add(p.name);
  });
  const policyNames = new Set<string>();
  (s.spec.policies ?? []).forEach((p, i) => {
    if (policyNames.has(p.name)) throw new InvalidSpecError({ issues: [{ field: `spec.policies[${i}].name`, message: `duplicate policy name "${p.name}"` }] });
    policyNames.add(p.name);
    if (p.condition.type === 'label' && p.condition.key === undefined) {
      throw new InvalidSpecError({ issues: [{ field: `spec.policies[${i}].condition.key`, message: 'label conditions need a key' }] });
    }
    if (p.condition.type !== 'always' && p.condition.value === undefined && p.condition.operator !== 'exists') {
      throw new InvalidSpecError({ issues: [{ field: `spec.policies[${i}].condition.value`, message: 'is required for this condition' }] });
    }
    if (p.action.type === 'restrict' && !p.action.providers && !p.action.regions && !p.action.countries && !p.action.areas) {
      throw new InvalidSpecError({ issues: [{ field: `spec.policies[${i}].action`, message: 'restrict needs providers, regions, countries or areas' }] });
    }
  });
  const unknown = unknownProviderTargets(s.spec.providers, s.spec.policies ?? []);
  if (unknown.length > 0) throw new InvalidSpecError({ issues: unknown });
  return {
    name: s.metadata.name,
    providers: s.spec.providers.map((p) => ({ name: p.name, type: p.type, config: { ...(p.config ?? {}) } })),
    policies: (s.spec.policies ?? []).map((p) => ({ name: p.name, priority: p.priority ?? 0, condition: p.condition, action: p.action })) as Policy[],
    networking: s.spec.networking
      ? {
          mode: s.spec.networking.mode,
          overlay: s.spec.networking.overlay
            ? { type: s.spec.networking.overlay.type, mesh: s.spec.networking.overlay.mesh ?? true, encryption: s.spec.networking.overlay.encryption ?? 'chacha20poly1305' }
            : undefined,
        }
      : undefined,
    optimization: s.spec.optimization
      ? { enabled: s.spec.optimization.enabled ?? true, schedule: s.spec.optimization.schedule, strategies: s.spec.optimization.strategies ?? [] }
      : undefined,
  };
}

/** What a policy's `providers` list may name besides provider names and types: capacity types. */
const CAPACITY_TARGETS: readonly string[] = ['spot-instances', 'spot', 'on-demand'];

/**
 * Every name in a policy's `providers` list that is neither a configured provider's name or
 * type nor a capacity type: such a policy could never match (a `restrict` or `require` would
 * refuse every VM it applies to), so the configuration is refused where it says it.
 */
function unknownProviderTargets(providers: readonly { name: string; type: string }[], policies: readonly { action: { type: string; providers?: readonly string[] | undefined } }[]): SpecIssue[] {
  const names = providers.map((p) => p.name);
  const types = [...new Set(providers.map((p) => p.type))];
  const known = new Set([...names, ...types, ...CAPACITY_TARGETS]);
  const issues: SpecIssue[] = [];
  policies.forEach((policy, i) => {
    (policy.action.providers ?? []).forEach((target, j) => {
      if (known.has(target)) return;
      const suggestion = closestMatch(target, [...known]);
      const hint = suggestion !== undefined ? `did you mean "${suggestion}"?` : `providers: ${names.join(', ')}; types: ${types.join(', ')}; or ${CAPACITY_TARGETS.filter((t) => t !== 'spot').join(', ')}`;
      issues.push({ field: `spec.policies[${i}].action.providers[${j}]`, message: `no provider named "${target}" is configured (${hint})` });
    });
  });
  return issues;
}

/**
 * Issues for the regions policies name that no provider serves, in the document's paths; empty
 * when some provider does not say which regions it serves (then it cannot be known here).
 */
export function unservedPolicyRegions(policies: readonly Policy[], providers: readonly { readonly regionNames?: readonly string[] | undefined }[]): SpecIssue[] {
  const declared = providers.map((p) => p.regionNames);
  if (declared.some((names) => names === undefined)) return [];
  const served = [...new Set(declared.flatMap((names) => names ?? []))].sort();
  const known = new Set(served);
  const issues: SpecIssue[] = [];
  policies.forEach((policy, i) => {
    const regions = 'regions' in policy.action ? (policy.action.regions ?? []) : [];
    regions.forEach((region, j) => {
      if (known.has(region)) return;
      const suggestion = closestMatch(region, served);
      issues.push({
        field: `spec.policies[${i}].action.regions[${j}]`,
        message: `region "${region}" is not served by any configured provider (${suggestion !== undefined ? `did you mean "${suggestion}"?` : `regions: ${served.join(', ')}`})`,
      });
    });
  });
  return issues;
}

/** Loads and validates a VirtualMachine manifest from YAML text or an object. */
export async function loadVirtualMachine(input: string | object, options: LoadOptions = {}): Promise<VirtualMachineManifest> {
  const doc = await toDocument(input, options);
  const result = v.safeParse(virtualMachineSchema, doc);
  if (!result.success) fail(result.issues);
  const m = result.output;
  const template = m.spec.template.spec as Record<string, unknown>;
  const resources = template.resources as Record<string, unknown>;
  for (const required of ['cpu', 'memory'] as const) {
    if (resources[required] === undefined) {
      throw new InvalidSpecError({ issues: [{ field: `spec.template.spec.resources.${required}`, message: 'is required' }] });
    }
  }
  const { resources: _r, ...rest } = template;
  const spec = {
    ...rest,
    name: m.metadata.name,
    cpu: resources.cpu,
    memory: resources.memory,
    ...(resources.disk !== undefined ? { disk: resources.disk } : {}),
    ...(resources.gpu !== undefined ? { gpu: resources.gpu } : {}),
    labels: { ...(m.metadata.labels ?? {}), ...((rest.labels as Record<string, string> | undefined) ?? {}) },
  } as VMSpecInput;
  const placement = m.spec.federation?.placement;
  const constraints: PlacementConstraint[] = (placement?.constraints ?? []).map((c, i) =>
    c.type === 'region' ? toRegionConstraint(c, c.maxLatency, `spec.federation.placement.constraints[${i}]`, 'maxLatency') : c,
  );
  return {
    name: m.metadata.name,
    spec,
    request: {
      strategy: placement?.strategy,
      constraints,
      spot: placement?.spot,
      failoverPriority: m.spec.federation?.failover?.priority,
    },
    failoverEnabled: m.spec.federation?.failover?.enabled ?? true,
  };
}
