/**
 * Validation of VM requests. Every adapter calls {@link parseVMSpec} before it talks to its
 * cloud, so a malformed spec fails with an `InvalidSpecError` naming the field and nothing
 * is created. The rules for names and labels are the strictest of the supported clouds
 * (GCE's), so a spec that passes here is accepted wherever placement sends it.
 */
import * as v from 'valibot';
import { closestMatch } from './closest-match.js';
import { InvalidSpecError, type SpecIssue } from './errors.js';
import { DEFAULT_IMAGE, findPortableImage, looksLikeAlias, PORTABLE_IMAGES } from './images.js';
import { describeInput, findStructuralIssue, isObjectRecord, joinPath, RESERVED_KEYS, strictObjectSchema } from './input-guards.js';
import { quantityHint, toCores, toGiB } from './quantity.js';
import { ARCHITECTURES, DISK_TYPES, type Architecture, type DiskType, type VMSpec, type VMSpecInput } from './types.js';

/** Limits a spec must stay within. */
const LIMITS = {
  maxCpu: 896,
  minMemoryGiB: 0.5,
  maxMemoryGiB: 32 * 1024,
  minDiskGiB: 1,
  maxDiskGiB: 64 * 1024,
  maxGpus: 16,
  maxLabels: 64,
  maxUserDataBytes: 16 * 1024,
} as const;

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
// Cloud region names (`us-east-1`, `westus2`) and OpenStack's, which Keystone lets operators choose (`RegionOne`).
const REGION = /^[A-Za-z][A-Za-z0-9_.-]{1,63}$/;
const ZONE = /^([a-z][a-z0-9-]{1,40}|[1-9])$/;
const INSTANCE_TYPE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/;

function quantitySchema(field: string, min: number, max: number, unit: 'GiB') {
  return v.pipe(
    v.union([v.number(), v.string()], `${field} must be a number of ${unit} or a quantity such as "8Gi"`),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const raw = dataset.value;
      const gib = toGiB(raw);
      if (gib === undefined) {
        const hint = typeof raw === 'string' ? quantityHint(raw) : undefined;
        addIssue({
          message: `expected a number of GiB or a quantity such as "8Gi" or "512Mi", got ${describeInput(raw)}${hint ? `; ${hint}` : ''}`,
        });
        return NEVER;
      }
      if (gib < min || gib > max) {
        addIssue({ message: `must be between ${min} and ${max} GiB, got ${formatGiB(gib)}${typeof raw === 'string' && /^\s*[0-9.]+\s*$/.test(raw) ? ' (a bare number in a string is bytes; write "8Gi" or the number 8)' : ''}` });
        return NEVER;
      }
      return gib;
    }),
  );
}

function formatGiB(gib: number): string {
  return gib >= 0.01 ? `${Number(gib.toPrecision(6))} GiB` : `${gib * 1024 ** 3} bytes`;
}

/**
 * Cores as whole millicores (`1m` is the finest step any cloud or scheduler allocates), or
 * `undefined` when `cores` is not one. The tolerance absorbs binary rounding (`4.1 * 1000`).
 */
function toWholeMillicores(cores: number): number | undefined {
  const milli = cores * 1000;
  const whole = Math.round(milli);
  return whole >= 1 && Math.abs(milli - whole) < 1e-6 ? whole : undefined;
}

const cpuSchema = v.pipe(
  v.union([v.number(), v.string()], 'must be a number of vCPUs'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const cores = toCores(dataset.value);
    if (cores === undefined) {
      addIssue({ message: `expected a number of vCPUs such as 4 or "500m", got ${describeInput(dataset.value)}` });
      return NEVER;
    }
    if (!(cores > 0) || cores > LIMITS.maxCpu) {
      addIssue({ message: `must be greater than 0 and at most ${LIMITS.maxCpu}, got ${cores}` });
      return NEVER;
    }
    // A value below 1m (such as 5e-324) would reach a cloud as 0 vCPUs.
    const milli = toWholeMillicores(cores);
    if (milli === undefined) {
      addIssue({ message: `must be a whole number of millicores (steps of 0.001 vCPU, "1m"), got ${cores}` });
      return NEVER;
    }
    return milli / 1000;
  }),
);

const diskTypeSchema = v.picklist(DISK_TYPES as DiskType[], `must be one of ${DISK_TYPES.join(', ')}`);
const diskObjectSchema = v.strictObject({
  size: quantitySchema('disk.size', LIMITS.minDiskGiB, LIMITS.maxDiskGiB, 'GiB'),
  type: v.optional(diskTypeSchema),
  encrypted: v.optional(v.boolean('must be true or false')),
});
// Objects are checked with diskObjectSchema afterwards, so their issues name `disk.<field>`.
const diskSchema = v.union(
  [v.number(), v.string(), v.custom<Record<string, unknown>>(isObjectRecord)],
  (issue) => `must be a number of GiB, a quantity such as "100Gi", or { size, type, encrypted }, got ${describeInput(issue.input)}`,
);

const labelsSchema = v.pipe(
  // A record schema alone takes a list, and skips `__proto__`-like keys without a word;
  // lists are refused here, and those keys by findStructuralIssue before any schema runs.
  v.custom<Record<string, unknown>>(isObjectRecord, (issue) => `must be a map of label keys to values, got ${describeInput(issue.input)}`),
  v.record(
    v.pipe(
      v.string(),
      v.regex(LABEL_KEY, 'label keys must start with a lower-case letter and hold only lower-case letters, digits, "_" and "-" (at most 63 characters)'),
    ),
    v.pipe(
      v.string('label values must be strings'),
      v.regex(LABEL_VALUE, 'label values may hold only lower-case letters, digits, "_" and "-" (at most 63 characters)'),
    ),
  ),
  v.check((labels) => Object.keys(labels).length <= LIMITS.maxLabels, `at most ${LIMITS.maxLabels} labels`),
);

const ARCH_WORDS = `${ARCHITECTURES.join(', ')} or any`;
const isArchitecture = (a: unknown): a is Architecture => (ARCHITECTURES as readonly unknown[]).includes(a);
// A union of a picklist and an array would report a bad list element at `arch`; this names `arch[i]`.
const archSchema = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }): Architecture | 'any' | Architecture[] => {
    const arch = dataset.value;
    if (arch === 'any' || isArchitecture(arch)) return arch;
    if (!Array.isArray(arch)) {
      addIssue({ message: `must be ${ARCH_WORDS}, or a list of ${ARCHITECTURES.join(' and ')}, got ${describeInput(arch)}` });
      return NEVER;
    }
    if (arch.length === 0) {
      addIssue({ message: `must name at least one architecture (${ARCHITECTURES.join(', ')})` });
      return NEVER;
    }
    const bad = arch.findIndex((a) => !isArchitecture(a));
    if (bad >= 0) {
      addIssue({
        message: `must be ${ARCHITECTURES.join(' or ')}, got ${describeInput(arch[bad])}`,
        path: [{ type: 'array', origin: 'value', input: arch, key: bad, value: arch[bad] }],
      });
      return NEVER;
    }
    return arch as Architecture[];
  }),
);

/** The allowed architectures of a valid `arch`, without duplicates, in {@link ARCHITECTURES} order. */
function normalizeArch(arch: v.InferOutput<typeof archSchema> | undefined): readonly Architecture[] | undefined {
  if (arch === undefined) return undefined;
  const allowed = new Set<string>(typeof arch === 'string' ? (arch === 'any' ? ARCHITECTURES : [arch]) : arch);
  return Object.freeze(ARCHITECTURES.filter((a) => allowed.has(a)));
}

const specSchema = v.strictObject({
  name: v.pipe(
    v.string('must be a string'),
    v.regex(NAME, 'must start with a lower-case letter and hold only lower-case letters, digits and "-" (at most 63 characters, not ending with "-")'),
  ),
  cpu: cpuSchema,
  memory: quantitySchema('memory', LIMITS.minMemoryGiB, LIMITS.maxMemoryGiB, 'GiB'),
  disk: v.optional(diskSchema),
  gpu: v.optional(
    strictObjectSchema(
      {
        count: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(LIMITS.maxGpus, `must be at most ${LIMITS.maxGpus}`)),
        type: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$/, 'must be a GPU model such as "a100" or "t4"'))),
        exact: v.optional(v.boolean('must be true or false')),
      },
      'must be an object { count, type, exact }',
    ),
  ),
  arch: v.optional(archSchema),
  image: v.optional(v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'), v.maxLength(512, 'is too long'))),
  network: v.optional(
    strictObjectSchema(
      {
        subnet: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
        publicIp: v.optional(v.boolean('must be true or false')),
        securityGroups: v.optional(v.array(v.pipe(v.string(), v.minLength(1, 'must not be empty')), 'must be a list of names or ids')),
        network: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
      },
      'must be an object { subnet, publicIp, securityGroups, network }',
    ),
  ),
  labels: v.optional(labelsSchema),
  userData: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.check((s) => Buffer.byteLength(s, 'utf8') <= LIMITS.maxUserDataBytes, `must be at most ${LIMITS.maxUserDataBytes} bytes`),
    ),
  ),
  spot: v.optional(v.boolean('must be true or false')),
  spotMaxPrice: v.optional(v.pipe(v.number('must be a number'), v.finite('must be finite'), v.gtValue(0, 'must be greater than 0'))),
  iamRole: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
  region: v.optional(v.pipe(v.string(), v.regex(REGION, 'must be a region name such as "us-east-1" or "RegionOne"'))),
  // Azure numbers its zones (1, 2, 3); the other clouds name them after their region.
  zone: v.optional(v.pipe(v.string(), v.regex(ZONE, 'must be a zone name such as "us-east-1a" (or an Azure zone number)'))),
  instanceType: v.optional(v.pipe(v.string(), v.regex(INSTANCE_TYPE, 'must be an instance type name'))),
  egressGBPerMonth: v.optional(v.pipe(v.number('must be a number'), v.finite('must be finite'), v.minValue(0, 'must not be negative'))),
});

/** The fields of a spec as the schema outputs them. */
type SpecFields = v.InferOutput<typeof specSchema>;

/** The checks of the spec's scalar fields that the fast path can run itself (string, number or boolean values only). */
const SIMPLE_FIELDS: Readonly<Record<string, (value: unknown) => unknown>> = {
  name: (x) => (typeof x === 'string' && NAME.test(x) ? x : undefined),
  cpu: (x) => {
    if (typeof x !== 'number' || !Number.isFinite(x) || !(x > 0) || x > LIMITS.maxCpu) return undefined;
    const milli = toWholeMillicores(x);
    return milli === undefined ? undefined : milli / 1000;
  },
  memory: (x) => (typeof x === 'number' && Number.isFinite(x) && x >= LIMITS.minMemoryGiB && x <= LIMITS.maxMemoryGiB ? x : undefined),
  arch: (x) => (x === 'any' || isArchitecture(x) ? x : undefined),
  image: (x) => (typeof x === 'string' && x.length >= 1 && x.length <= 512 ? x : undefined),
  userData: (x) => (typeof x === 'string' && Buffer.byteLength(x, 'utf8') <= LIMITS.maxUserDataBytes ? x : undefined),
  spot: (x) => (typeof x === 'boolean' ? x : undefined),
  spotMaxPrice: (x) => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : undefined),
  iamRole: (x) => (typeof x === 'string' && x.length >= 1 ? x : undefined),
  region: (x) => (typeof x === 'string' && REGION.test(x) ? x : undefined),
  zone: (x) => (typeof x === 'string' && ZONE.test(x) ? x : undefined),
  instanceType: (x) => (typeof x === 'string' && INSTANCE_TYPE.test(x) ? x : undefined),
  egressGBPerMonth: (x) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : undefined),
};

/** Labels as the schema outputs them, when every key and value is valid; else `undefined`. */
function simpleLabels(value: unknown): Record<string, string> | undefined {
  if (!isObjectRecord(value) || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const keys = Object.keys(value);
  if (keys.length > LIMITS.maxLabels) return undefined;
  const out: Record<string, string> = {};
  for (const key of keys) {
    const label = value[key];
    if (RESERVED_KEYS.has(key) || !LABEL_KEY.test(key) || typeof label !== 'string' || !LABEL_VALUE.test(label)) return undefined;
    out[key] = label;
  }
  return out;
}

/**
 * The schema's output for the common spec, checked without the schema: a plain object whose
 * fields are `name`, `cpu` and `memory` as numbers, labels and the scalar fields, every one
 * valid. Anything else (a quantity string, disk, GPUs, network, a bad value, an unknown key)
 * gives `undefined`, and the schema runs and names the problem. Same output as the schema's
 * for every input it accepts (test/provider/spec-fast-path.test.ts).
 *
 * @internal
 */
export function simpleSpecFields(value: Record<string, unknown>): SpecFields | undefined {
  if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const given = value[key];
    if (given === undefined) continue;
    if (key === 'labels') {
      const labels = simpleLabels(given);
      if (labels === undefined) return undefined;
      out.labels = labels;
      continue;
    }
    const check = SIMPLE_FIELDS[key];
    if (check === undefined || !Object.hasOwn(SIMPLE_FIELDS, key)) return undefined;
    const checked = check(given);
    if (checked === undefined) return undefined;
    out[key] = checked;
  }
  if (out.name === undefined || out.cpu === undefined || out.memory === undefined) return undefined;
  return out as SpecFields;
}

/**
 * The schema's own answer for a spec object (after the structural guard and with `undefined`
 * fields dropped), for comparing the fast path with it.
 *
 * @internal
 */
export function schemaSpecFields(value: Record<string, unknown>): SpecFields | undefined {
  if (findStructuralIssue(value)) return undefined;
  const result = v.safeParse(specSchema, dropUndefined(value));
  return result.success ? result.output : undefined;
}

/**
 * Turns schema issues into field-named {@link SpecIssue}s. `root` prefixes every path (e.g.
 * `request` gives `request.constraints[0].type`); an issue of the value itself names `root`,
 * or `(root)` when there is none.
 */
export function toSpecIssues(issues: readonly v.BaseIssue<unknown>[], root = ''): SpecIssue[] {
  const out = issues.flatMap(specific).map((issue) => {
    const path = (issue.path ?? []).reduce<string>((at, p) => joinPath(at, typeof p.key === 'number' ? p.key : String(p.key)), root);
    return { field: path || '(root)', message: objectIssueMessage(issue) ?? issue.message };
  });
  return mergeTypos(out);
}

/**
 * A mistyped key shows up twice — the real field missing, the typo unknown — and the pair
 * reads as two mistakes. Say it once, on the field that is missing: `memory: is required
 * (found "memroy": a typo?)`.
 */
function mergeTypos(issues: SpecIssue[]): SpecIssue[] {
  const parentOf = (field: string): string => field.slice(0, Math.max(0, field.lastIndexOf('.')));
  const leafOf = (field: string): string => field.slice(field.lastIndexOf('.') + 1);
  const unknown = issues.filter((i) => i.message === UNKNOWN_FIELD);
  const merged = new Set<SpecIssue>();
  const out: SpecIssue[] = [];
  for (const issue of issues) {
    if (issue.message === UNKNOWN_FIELD) continue;
    const typo =
      issue.message === 'is required'
        ? unknown.find((u) => !merged.has(u) && parentOf(u.field) === parentOf(issue.field) && closestMatch(leafOf(u.field), [leafOf(issue.field)]) !== undefined)
        : undefined;
    if (typo) {
      merged.add(typo);
      out.push({ field: issue.field, message: `is required (found "${leafOf(typo.field)}": a typo?)` });
    } else {
      out.push(issue);
    }
  }
  return [...out, ...unknown.filter((u) => !merged.has(u))];
}

const UNKNOWN_FIELD = 'unknown field (typo?)';

/**
 * Object schemas report an unknown key, a missing key and a non-object alike, under the
 * schema's one message; say which it is.
 */
function objectIssueMessage(issue: v.BaseIssue<unknown>): string | undefined {
  if (issue.type !== 'strict_object' && issue.type !== 'loose_object' && issue.type !== 'object') return undefined;
  if (issue.expected === 'never') return UNKNOWN_FIELD;
  if (issue.expected === 'Object') return `expected an object, got ${describeInput(issue.input)}`;
  if (issue.input === undefined) return 'is required';
  return undefined;
}

/**
 * A union (`disk: number | string | {...}`) that fails reports one issue at its own path; the
 * branch that got furthest names the real field (`disk.type`), so prefer its issues.
 */
function specific(issue: v.BaseIssue<unknown>): v.BaseIssue<unknown>[] {
  if (issue.type !== 'union' || !issue.issues || issue.issues.length === 0) return [issue];
  const depth = (i: v.BaseIssue<unknown>): number => i.path?.length ?? 0;
  const deepest = Math.max(...issue.issues.map(depth));
  if (deepest <= depth(issue)) return [issue];
  return issue.issues.filter((i) => depth(i) === deepest).flatMap(specific);
}

function isNormalized(spec: VMSpecInput | VMSpec): spec is VMSpec {
  const disk: unknown = (spec as VMSpec).disk;
  return typeof (spec as VMSpec).memoryGiB === 'number' && isObjectRecord(disk) && 'sizeGiB' in disk;
}

function toInput(spec: VMSpec): Record<string, unknown> {
  // Only `disk` is known to be an object here; anything else is handed on for the schema to judge.
  const network: unknown = spec.network;
  return {
    name: spec.name,
    cpu: spec.cpu,
    memory: spec.memoryGiB,
    disk: { size: spec.disk.sizeGiB, type: spec.disk.type, encrypted: spec.disk.encrypted },
    gpu: spec.gpu,
    arch: spec.arch,
    image: spec.image,
    network: isObjectRecord(network)
      ? { subnet: network.subnet, publicIp: network.publicIp, securityGroups: network.securityGroups, network: network.network }
      : network,
    labels: spec.labels,
    userData: spec.userData,
    spot: spec.spot,
    spotMaxPrice: spec.spotMaxPrice,
    iamRole: spec.iamRole,
    region: spec.region,
    zone: spec.zone,
    instanceType: spec.instanceType,
    egressGBPerMonth: spec.egressGBPerMonth,
  };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Validates and normalizes a VM request. Accepts a {@link VMSpecInput} or an already
 * normalized {@link VMSpec}; throws `InvalidSpecError` listing every problem, first one
 * first, with its field path.
 */
export function parseVMSpec(input: VMSpecInput | VMSpec, options: { provider?: string } = {}): VMSpec {
  // The declared type is what callers should pass; the checks below hold for any value at all.
  const value: unknown = input;
  if (!isObjectRecord(value)) {
    throw new InvalidSpecError({ provider: options.provider, issues: [{ field: '(root)', message: `expected a VM spec object, got ${describeInput(value)}` }] });
  }
  // A spec this function produced is frozen and known valid: hand it back as it is.
  if (validated.has(value)) return value as unknown as VMSpec;
  const normalized = isNormalized(input);
  // The common spec is checked field by field; everything else, and every error, goes through the schema.
  const s = (normalized ? undefined : simpleSpecFields(value)) ?? schemaFields(normalized ? toInput(input) : value, options.provider);
  const issues: SpecIssue[] = [];
  let diskObject: v.InferOutput<typeof diskObjectSchema> | undefined;
  if (typeof s.disk === 'object') {
    const disk = v.safeParse(diskObjectSchema, s.disk);
    if (!disk.success) {
      throw new InvalidSpecError({ provider: options.provider, issues: toSpecIssues(disk.issues, 'disk') });
    }
    diskObject = disk.output;
  }
  const image = s.image ?? DEFAULT_IMAGE;
  if (looksLikeAlias(image) && !findPortableImage(image)) {
    issues.push({ field: 'image', message: `unknown image alias "${image}"; known aliases: ${PORTABLE_IMAGES.map((i) => i.alias).join(', ')}` });
  }
  if (s.spotMaxPrice !== undefined && !s.spot) {
    issues.push({ field: 'spotMaxPrice', message: 'is only meaningful with spot: true' });
  }
  if (s.zone !== undefined && s.region !== undefined && !s.zone.startsWith(s.region)) {
    // Zones are named after their region on AWS and GCP (`us-east-1a`, `us-central1-a`); Azure zones are numbers and
    // OpenStack availability zones are names an operator chooses (`nova`, `az-1`), so only a zone in the AWS/GCP form
    // is held to its region.
    if (/^[a-z]{2,}(-[a-z]+)+-?\d+-?[a-z]$/.test(s.zone)) issues.push({ field: 'zone', message: `zone "${s.zone}" is not in region "${s.region}"` });
  }
  if (issues.length > 0) throw new InvalidSpecError({ provider: options.provider, issues });

  const disk =
    s.disk === undefined
      ? { sizeGiB: 20, type: 'ssd' as DiskType, encrypted: true }
      : diskObject
        ? { sizeGiB: diskObject.size, type: diskObject.type ?? 'ssd', encrypted: diskObject.encrypted ?? true }
        : { sizeGiB: diskSize(s.disk as number | string, options.provider), type: 'ssd' as DiskType, encrypted: true };
  const spec: VMSpec = Object.freeze({
    name: s.name,
    cpu: s.cpu,
    memoryGiB: s.memory,
    disk: Object.freeze(disk),
    // `exact` is kept only when true, so that an at-least request looks (and fingerprints) as it always has.
    gpu: s.gpu ? Object.freeze({ count: s.gpu.count, type: s.gpu.type?.toLowerCase(), ...(s.gpu.exact ? { exact: true } : {}) }) : undefined,
    arch: normalizeArch(s.arch),
    image,
    network: Object.freeze({
      subnet: s.network?.subnet,
      publicIp: s.network?.publicIp ?? false,
      securityGroups: Object.freeze([...(s.network?.securityGroups ?? [])]),
      network: s.network?.network,
    }),
    labels: Object.freeze({ ...(s.labels ?? {}) }),
    userData: s.userData,
    spot: s.spot ?? false,
    spotMaxPrice: s.spotMaxPrice,
    iamRole: s.iamRole,
    region: s.region,
    zone: s.zone,
    instanceType: s.instanceType,
    egressGBPerMonth: s.egressGBPerMonth ?? 0,
  });
  validated.add(spec);
  return spec;
}

/** The spec's fields through the structural guard and the schema; throws `InvalidSpecError` naming every problem. */
function schemaFields(value: Record<string, unknown>, provider: string | undefined): SpecFields {
  const structural = findStructuralIssue(value);
  if (structural) throw new InvalidSpecError({ provider, issues: [structural] });
  const raw = dropUndefined(value);
  if (isObjectRecord(raw.network)) raw.network = dropUndefined(raw.network);
  if (isObjectRecord(raw.gpu)) raw.gpu = dropUndefined(raw.gpu);
  if (isObjectRecord(raw.disk)) raw.disk = dropUndefined(raw.disk);
  const result = v.safeParse(specSchema, raw);
  if (!result.success) throw new InvalidSpecError({ provider, issues: toSpecIssues(result.issues) });
  return result.output;
}

/** Specs produced by {@link parseVMSpec} (frozen, so they stay valid). */
const validated = new WeakSet<object>();

function diskSize(value: number | string, provider: string | undefined): number {
  const gib = toGiB(value);
  if (gib === undefined || gib < LIMITS.minDiskGiB || gib > LIMITS.maxDiskGiB) {
    const hint = typeof value === 'string' ? quantityHint(value) : undefined;
    throw new InvalidSpecError({
      provider,
      issues: [{ field: 'disk', message: `expected ${LIMITS.minDiskGiB}–${LIMITS.maxDiskGiB} GiB as a number or a quantity such as "100Gi", got ${describeInput(value)}${hint ? `; ${hint}` : ''}` }],
    });
  }
  return gib;
}
