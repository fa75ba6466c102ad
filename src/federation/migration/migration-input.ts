/**
 * Validation of what callers hand `migrateVM` and `resumeMigrations`: one valibot schema per
 * argument, whose issues name the path (`source.id`, `target.region`, `options.gracePeriodMs`),
 * before anything is read or changed. Each parser returns a fresh object without `undefined`
 * fields.
 */
import * as v from 'valibot';
import { InvalidSpecError } from '../../provider/errors.js';
import { describeInput, findStructuralIssue, strictObjectSchema } from '../../provider/input-guards.js';
import { toSpecIssues } from '../../provider/spec-schema.js';
import { nonEmptyStringSchema } from '../request-schema.js';
import type { HealthCheck } from './health-check.js';
import type { MigrateVMOptions, MigrationSource, MigrationTarget, ResumeMigrationsOptions } from './migration-types.js';
import type { TrafficSwitcher } from './traffic-switcher.js';

/** Longest grace period accepted: 30 days. */
const MAX_GRACE_MS = 30 * 24 * 3_600_000;
/** Longest idempotency key (as for creates). */
const MAX_KEY_CHARS = 256;

const msSchema = (max: number) =>
  v.pipe(v.number('must be a number of ms'), v.finite('must be a finite number of ms'), v.minValue(0, 'must not be negative'), v.maxValue(max, `must be at most ${max} ms`));

const keySchema = v.pipe(
  v.string('must be a string'),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_KEY_CHARS, `must be at most ${MAX_KEY_CHARS} characters`),
  // Keys are hashed as UTF-8, where a lone surrogate becomes U+FFFD: two keys would name one migration.
  v.check((key) => !/\p{Cs}/u.test(key), 'must be well-formed Unicode (it holds a lone surrogate)'),
);

const signalSchema = v.instance(AbortSignal, (issue) => `must be an AbortSignal, got ${describeInput(issue.input)}`);
const healthCheckSchema = v.custom<HealthCheck>((x) => typeof x === 'function', (issue) => `must be a function (vm, ctx) => Promise<boolean | void>, got ${describeInput(issue.input)}`);
const switcherSchema = v.custom<TrafficSwitcher>(
  (x) => typeof x === 'object' && x !== null && typeof (x as TrafficSwitcher).switch === 'function' && ((x as TrafficSwitcher).revert === undefined || typeof (x as TrafficSwitcher).revert === 'function'),
  (issue) => `must be a TrafficSwitcher { switch(from, to, ctx), revert?(from, to, ctx) }, got ${describeInput(issue.input)}`,
);

const sourceSchema = strictObjectSchema({ provider: nonEmptyStringSchema, id: nonEmptyStringSchema }, 'must be { provider, id }');
const targetSchema = strictObjectSchema(
  { provider: nonEmptyStringSchema, region: v.optional(nonEmptyStringSchema), zone: v.optional(nonEmptyStringSchema), instanceType: v.optional(nonEmptyStringSchema) },
  'must be { provider, region?, zone?, instanceType? }',
);
const optionsSchema = strictObjectSchema(
  {
    signal: v.optional(signalSchema),
    idempotencyKey: v.optional(keySchema),
    liveMigration: v.optional(v.boolean('must be true or false')),
    gracePeriodMs: v.optional(msSchema(MAX_GRACE_MS)),
    waitForGrace: v.optional(v.boolean('must be true or false')),
    healthCheck: v.optional(healthCheckSchema),
    trafficSwitcher: v.optional(switcherSchema),
    waitForOtherReplicaMs: v.optional(msSchema(24 * 3_600_000)),
  },
  'expected an options object',
);
const resumeSchema = strictObjectSchema(
  { signal: v.optional(signalSchema), healthCheck: v.optional(healthCheckSchema), trafficSwitcher: v.optional(switcherSchema), waitForGrace: v.optional(v.boolean('must be true or false')) },
  'expected an options object',
);

/** The arguments of `migrateVM`, checked. */
export interface MigrateArguments {
  readonly source: MigrationSource;
  readonly target: MigrationTarget;
  readonly options: MigrateVMOptions;
}

/** Checks `migrateVM`'s arguments; `InvalidSpecError` naming every wrong field. */
export function parseMigrateArguments(source: unknown, target: unknown, options: unknown): MigrateArguments {
  const issues = [...issuesOf(sourceSchema, source, 'source'), ...issuesOf(targetSchema, target, 'target'), ...issuesOf(optionsSchema, options ?? {}, 'options')];
  if (issues.length > 0) throw new InvalidSpecError({ issues });
  return {
    source: withoutUndefined(source as MigrationSource),
    target: withoutUndefined(target as MigrationTarget),
    options: withoutUndefined((options ?? {}) as MigrateVMOptions),
  };
}

/** Checks `resumeMigrations`' options. */
export function parseResumeOptions(options: unknown): ResumeMigrationsOptions {
  const issues = issuesOf(resumeSchema, options ?? {}, 'options');
  if (issues.length > 0) throw new InvalidSpecError({ issues });
  return withoutUndefined((options ?? {}) as ResumeMigrationsOptions);
}

function issuesOf(schema: v.GenericSchema, value: unknown, path: string) {
  // Signals, switchers and checks are objects of the host's: only plain data is walked for structure.
  const structural = path === 'options' ? undefined : findStructuralIssue(value, path);
  if (structural) return [structural];
  const result = v.safeParse(schema, value);
  return result.success ? [] : toSpecIssues(result.issues, path);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined)) as T;
}
