/**
 * Provider factories for the configuration's built-in types, used by `fromConfig` when the
 * host passes none for a type. Each loads its adapter (and through it, the cloud's SDK) only
 * when a configuration names that type.
 */
import { InvalidSpecError } from '../provider/errors.js';
import type { ProviderV1 } from '../provider/provider-v1.js';
import type { AzureTokenCredential } from '../providers/azure/index.js';
import type { GcpAuthClient, GcpCredentialsObject } from '../providers/gcp/index.js';
import type { OpenStackAuth } from '../providers/openstack/index.js';
import type { RateCard } from '../optimizer/loaders/openstack-rate-card.js';
import * as v from 'valibot';
import { toSpecIssues } from '../provider/spec-schema.js';
import { createMemoryProvider, type MemoryProviderOptions } from '../providers/memory/memory-provider.js';
import { parseDurationMs, type ProviderEntry } from './config.js';

/** Builds a provider from a configuration entry. */
export type ProviderFactory = (entry: ProviderEntry) => ProviderV1 | Promise<ProviderV1>;

function stringOption(entry: ProviderEntry, key: string, required: boolean): string | undefined {
  const value = entry.config[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidSpecError({ issues: [{ field: `providers.${entry.name}.config.${key}`, message: required ? 'is required (a string)' : 'must be a string' }] });
  }
  return value;
}

/**
 * `type: aws` → `createAwsProvider`. Reads `region` (required), `regions`, `endpoint`,
 * `pricingEndpoint`, `defaults.instanceFamily`/`instanceFamilies`, `defaults.subnet`,
 * `defaults.securityGroups`, `waiter.minDelaySeconds`/`maxDelaySeconds`, `export.bucket` /
 * `export.prefix` / `export.format` (where `exportVM` writes disk images for other clouds),
 * `s3.endpoint` (an S3-compatible endpoint, path-style), and credentials resolved from
 * `credentials.secret` as `{ accessKeyId, secretAccessKey, sessionToken? }` (the default AWS
 * credential chain when absent).
 */
export const awsFactory: ProviderFactory = async (entry) => {
  const { createAwsProvider } = await import('../providers/aws/index.js');
  const defaults = (entry.config.defaults ?? {}) as { instanceFamily?: string; instanceFamilies?: string[]; subnet?: string; securityGroups?: string[] };
  const credentials = entry.config.credentials as { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string } | undefined;
  if (credentials !== undefined && (typeof credentials.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string')) {
    throw new InvalidSpecError({ issues: [{ field: `providers.${entry.name}.config.credentials`, message: 'the secret must resolve to { accessKeyId, secretAccessKey, sessionToken? }' }] });
  }
  return createAwsProvider({
    name: entry.name,
    region: stringOption(entry, 'region', true)!,
    regions: Array.isArray(entry.config.regions) ? (entry.config.regions as string[]) : undefined,
    endpoint: stringOption(entry, 'endpoint', false),
    pricingEndpoint: stringOption(entry, 'pricingEndpoint', false),
    credentials: credentials as { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined,
    waiter: waiterOption(entry),
    defaults: {
      instanceFamilies: defaults.instanceFamilies ?? (defaults.instanceFamily ? [defaults.instanceFamily] : undefined),
      subnetId: defaults.subnet,
      securityGroupIds: defaults.securityGroups,
    },
    ...awsExportOptions(entry),
  });
};

const awsExportSchema = v.strictObject({
  bucket: v.pipe(v.string('must be a string'), v.minLength(3, 'must be an S3 bucket name')),
  prefix: v.optional(v.string('must be a string')),
  format: v.optional(v.picklist(['vmdk', 'vhd', 'raw'], 'must be vmdk, vhd or raw')),
});
const awsS3Schema = v.strictObject({ endpoint: v.optional(v.pipe(v.string('must be a string'), v.url('must be a URL'))) });

/** The `export` and `s3` sections of an AWS entry, as adapter options. */
function awsExportOptions(entry: ProviderEntry): { export?: { bucket: string; prefix?: string; format?: 'vmdk' | 'vhd' | 'raw' }; s3?: { clientConfig: { endpoint: string; forcePathStyle: true } } } {
  const exported = entry.config.export === undefined ? undefined : parsed(entry, 'export', awsExportSchema, entry.config.export);
  const s3 = entry.config.s3 === undefined ? undefined : parsed(entry, 's3', awsS3Schema, entry.config.s3);
  return {
    ...(exported ? { export: { bucket: exported.bucket, ...(exported.prefix !== undefined ? { prefix: exported.prefix } : {}), ...(exported.format ? { format: exported.format } : {}) } } : {}),
    ...(s3?.endpoint ? { s3: { clientConfig: { endpoint: s3.endpoint, forcePathStyle: true } } } : {}),
  };
}

function waiterOption(entry: ProviderEntry): { minDelaySeconds: number; maxDelaySeconds: number } | undefined {
  const w = entry.config.waiter as { minDelaySeconds?: unknown; maxDelaySeconds?: unknown } | undefined;
  if (w === undefined) return undefined;
  if (typeof w.minDelaySeconds !== 'number' || typeof w.maxDelaySeconds !== 'number' || !(w.minDelaySeconds > 0) || w.maxDelaySeconds < w.minDelaySeconds) {
    throw new InvalidSpecError({ issues: [{ field: `providers.${entry.name}.config.waiter`, message: 'needs minDelaySeconds > 0 and maxDelaySeconds ≥ minDelaySeconds' }] });
  }
  return { minDelaySeconds: w.minDelaySeconds, maxDelaySeconds: w.maxDelaySeconds };
}

/**
 * `type: azure` → `createAzureProvider`. Reads `location` (required), `locations`, `subscription`
 * (required; `subscriptionId` also accepted), `resourceGroup` (required), `endpoint`,
 * `caCertificate`, `retailPricesEndpoint`, `virtualNetwork`, `subnet`, `networkSecurityGroup`,
 * `adminUsername`, `sshPublicKey`, `defaults.instanceFamily`/`instanceFamilies` (VM size families
 * such as `Standard_D`), `defaults.spotEnabled`, `defaults.subnet`, `defaults.securityGroups` (one
 * NSG). Credentials from `credentials.secret`: a `TokenCredential` (an object with `getToken`), or
 * `{ tenantId, clientId, clientSecret }` for a service principal (`ClientSecretCredential` of
 * @azure/identity); `DefaultAzureCredential` when absent.
 */
export const azureFactory: ProviderFactory = async (entry) => {
  const { createAzureProvider } = await import('../providers/azure/index.js');
  const defaults = (entry.config.defaults ?? {}) as { instanceFamily?: string; instanceFamilies?: string[]; spotEnabled?: boolean; subnet?: string; securityGroups?: string[] };
  const subscriptionId = entry.config.subscription !== undefined ? stringOption(entry, 'subscription', true)! : stringOption(entry, 'subscriptionId', true)!;
  return createAzureProvider({
    name: entry.name,
    location: stringOption(entry, 'location', true)!,
    locations: Array.isArray(entry.config.locations) ? (entry.config.locations as string[]) : undefined,
    subscriptionId,
    resourceGroup: stringOption(entry, 'resourceGroup', true)!,
    endpoint: stringOption(entry, 'endpoint', false),
    caCertificate: stringOption(entry, 'caCertificate', false),
    retailPricesEndpoint: stringOption(entry, 'retailPricesEndpoint', false),
    credential: await azureCredential(entry),
    defaults: {
      vmSizeFamilies: defaults.instanceFamilies ?? (defaults.instanceFamily ? [defaults.instanceFamily] : undefined),
      spot: defaults.spotEnabled,
      virtualNetwork: stringOption(entry, 'virtualNetwork', false),
      subnet: defaults.subnet ?? stringOption(entry, 'subnet', false),
      networkSecurityGroup: defaults.securityGroups?.[0] ?? stringOption(entry, 'networkSecurityGroup', false),
      adminUsername: stringOption(entry, 'adminUsername', false),
      sshPublicKey: stringOption(entry, 'sshPublicKey', false),
    },
  });
};

/** The credential an Azure entry's resolved secret stands for, `undefined` for the default chain. */
async function azureCredential(entry: ProviderEntry): Promise<AzureTokenCredential | undefined> {
  const secret = entry.config.credentials as Record<string, unknown> | undefined;
  if (secret === undefined) return undefined;
  if (typeof secret.getToken === 'function') return secret as unknown as AzureTokenCredential;
  const { tenantId, clientId, clientSecret } = secret;
  if (typeof tenantId !== 'string' || typeof clientId !== 'string' || typeof clientSecret !== 'string') {
    throw new InvalidSpecError({ issues: [{ field: `providers.${entry.name}.config.credentials`, message: 'the secret must resolve to a TokenCredential or to { tenantId, clientId, clientSecret }' }] });
  }
  const { ClientSecretCredential } = await import('@azure/identity');
  return new ClientSecretCredential(tenantId, clientId, clientSecret);
}

/**
 * `type: gcp` → `createGcpProvider`. Reads `project` (required), `region` (required), `regions`,
 * `zones` (or one `zone`, as the specification's `gcp-central` entry writes it), `endpoint`, `billingCatalogEndpoint`,
 * `storageEndpoint`, `exportBucket` (where `exportVM` writes images), `network`, `subnetwork`, `serviceAccount`,
 * `defaults.instanceFamily`/`instanceFamilies` (machine families such as `n2`),
 * `defaults.spotEnabled`, `defaults.subnet`. Credentials from `credentials.secret`: an auth client
 * (an object with `getRequestHeaders`), a service account key object (`{ client_email,
 * private_key, ... }`), or a key file path (a string), or `credentials.keyFile`; Application
 * Default Credentials when absent.
 */
export const gcpFactory: ProviderFactory = async (entry) => {
  const { createGcpProvider } = await import('../providers/gcp/index.js');
  const defaults = (entry.config.defaults ?? {}) as { instanceFamily?: string; instanceFamilies?: string[]; spotEnabled?: boolean; subnet?: string };
  const { credentials, authClient } = gcpCredentials(entry);
  return createGcpProvider({
    name: entry.name,
    project: stringOption(entry, 'project', true)!,
    region: stringOption(entry, 'region', true)!,
    regions: Array.isArray(entry.config.regions) ? (entry.config.regions as string[]) : undefined,
    zones: Array.isArray(entry.config.zones) ? (entry.config.zones as string[]) : entry.config.zone !== undefined ? [stringOption(entry, 'zone', true)!] : undefined,
    endpoint: stringOption(entry, 'endpoint', false),
    billingCatalogEndpoint: stringOption(entry, 'billingCatalogEndpoint', false),
    storageEndpoint: stringOption(entry, 'storageEndpoint', false),
    exportBucket: stringOption(entry, 'exportBucket', false),
    credentials,
    authClient,
    defaults: {
      machineFamilies: defaults.instanceFamilies ?? (defaults.instanceFamily ? [defaults.instanceFamily] : undefined),
      spot: defaults.spotEnabled,
      network: stringOption(entry, 'network', false),
      subnetwork: defaults.subnet ?? stringOption(entry, 'subnetwork', false),
      serviceAccount: stringOption(entry, 'serviceAccount', false),
    },
  });
};

/** The credentials a GCP entry's resolved secret stands for; neither for Application Default Credentials. */
function gcpCredentials(entry: ProviderEntry): { credentials?: string | GcpCredentialsObject; authClient?: GcpAuthClient } {
  const secret = entry.config.credentials as unknown;
  if (secret === undefined) return {};
  if (typeof secret === 'string' && secret.length > 0) return { credentials: secret };
  if (typeof secret === 'object' && secret !== null) {
    const s = secret as Record<string, unknown>;
    if (typeof s.getRequestHeaders === 'function') return { authClient: secret as GcpAuthClient };
    if (typeof s.keyFile === 'string') return { credentials: s.keyFile };
    if (typeof s.client_email === 'string' && typeof s.private_key === 'string') return { credentials: secret as GcpCredentialsObject };
  }
  throw new InvalidSpecError({ issues: [{ field: `providers.${entry.name}.config.credentials`, message: 'the secret must resolve to an auth client, a service account key ({ client_email, private_key, ... }) or a key file path' }] });
}

const price = v.pipe(v.number('must be a number'), v.minValue(0, 'must not be negative'));
const rateCardSchema = v.strictObject({
  regions: v.optional(v.array(v.string())),
  perVcpuHour: price,
  perGiBHour: price,
  perDiskGiBHour: v.optional(price),
  perVolumeGiBMonth: v.optional(price),
  perEgressGB: v.optional(price),
  gpuPerHour: v.optional(v.record(v.string(), price)),
  flavorPrices: v.optional(v.record(v.string(), price)),
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')),
  source: v.pipe(v.string(), v.minLength(1, 'must say where the prices come from')),
  asOf: v.pipe(v.string(), v.check((d) => !Number.isNaN(Date.parse(d)), 'must be an ISO 8601 date')),
});
const optionalString = v.optional(v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty')));
const openstackAuthSchema = v.union([
  v.object({ type: v.literal('application_credential'), id: v.string(), secret: v.string() }),
  v.object({ applicationCredentialId: v.string(), applicationCredentialSecret: v.string() }),
  v.object({
    type: v.optional(v.literal('password')),
    username: optionalString,
    userId: optionalString,
    password: v.string(),
    userDomainName: optionalString,
    userDomainId: optionalString,
    projectName: optionalString,
    projectId: optionalString,
    projectDomainName: optionalString,
    projectDomainId: optionalString,
  }),
]);

function parsed<S extends v.GenericSchema>(entry: ProviderEntry, key: string, schema: S, value: unknown, message?: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issues = toSpecIssues(result.issues, `providers.${entry.name}.config.${key}`);
  throw new InvalidSpecError({ issues: message ? [{ field: `providers.${entry.name}.config.${key}`, message }] : issues });
}

/** The Keystone credentials an OpenStack entry's resolved secret stands for; `undefined` for the `OS_*` environment variables. */
function openstackAuth(entry: ProviderEntry): OpenStackAuth | undefined {
  const secret = entry.config.credentials;
  if (secret === undefined) return undefined;
  const auth = parsed(entry, 'credentials', openstackAuthSchema, secret, 'the secret must resolve to { type: "application_credential", id, secret } or { username, password, userDomainName?, projectName?, ... }');
  if ('applicationCredentialId' in auth) return { type: 'application_credential', id: auth.applicationCredentialId, secret: auth.applicationCredentialSecret };
  if ('type' in auth && auth.type === 'application_credential') return auth as OpenStackAuth;
  return { ...(auth as Omit<Extract<OpenStackAuth, { type: 'password' }>, 'type'>), type: 'password' };
}

/**
 * `type: openstack` → `createOpenStackProvider`. Reads `authUrl` (required), `region` (default
 * `RegionOne`, Keystone's default region name), `projectId` (an id or, as the specification's
 * `projectId: novacron`, a project name) or `projectName`, `interface`, `ca` (PEM), `network`,
 * `floatingNetwork`, `keyName`, `availabilityZone` (or `zone`), `defaults.securityGroups`, and
 * `rateCard` inline (`{ perVcpuHour, perGiBHour, perVolumeGiBMonth?, perEgressGB?, gpuPerHour?,
 * flavorPrices?, currency, source, asOf }`; `regions` defaults to the entry's region). Credentials
 * from `credentials.secret`: `{ type: 'application_credential', id, secret }` (or
 * `{ applicationCredentialId, applicationCredentialSecret }`) or a password user (`{ username,
 * password, userDomainName?, projectName?, ... }`); the `OS_*` variables of an openrc when absent.
 * Without a rate card the entry builds, and its offers stay unpriced.
 */
export const openstackFactory: ProviderFactory = async (entry) => {
  const { createOpenStackProvider } = await import('../providers/openstack/index.js');
  const defaults = (entry.config.defaults ?? {}) as { securityGroups?: string[] };
  const region = stringOption(entry, 'region', false) ?? 'RegionOne';
  const card = entry.config.rateCard === undefined ? undefined : parsed(entry, 'rateCard', rateCardSchema, entry.config.rateCard);
  const rateCard: RateCard | undefined = card ? { ...card, regions: card.regions ?? [region] } : undefined;
  const iface = stringOption(entry, 'interface', false);
  if (iface !== undefined && iface !== 'public' && iface !== 'internal' && iface !== 'admin') {
    throw new InvalidSpecError({ issues: [{ field: `providers.${entry.name}.config.interface`, message: 'must be public, internal or admin' }] });
  }
  return createOpenStackProvider({
    name: entry.name,
    authUrl: stringOption(entry, 'authUrl', true)!,
    region,
    projectId: stringOption(entry, 'projectId', false) ?? stringOption(entry, 'projectName', false),
    auth: openstackAuth(entry),
    interface: iface,
    ca: stringOption(entry, 'ca', false),
    network: stringOption(entry, 'network', false),
    floatingNetwork: stringOption(entry, 'floatingNetwork', false),
    keyName: stringOption(entry, 'keyName', false),
    availabilityZone: stringOption(entry, 'availabilityZone', false) ?? stringOption(entry, 'zone', false),
    securityGroups: defaults.securityGroups,
    rateCard,
  });
};

const nonEmpty = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'));
const memoryDuration = v.pipe(
  v.union([v.number(), v.string()], 'must be a duration such as "20ms"'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const ms = parseDurationMs(dataset.value);
    if (ms === undefined) {
      addIssue({ message: 'must be a duration such as "20ms" or "1s" (or a number of ms)' });
      return NEVER;
    }
    return ms;
  }),
);
const memoryRegionSchema = v.union(
  [
    nonEmpty,
    v.strictObject({
      name: nonEmpty,
      zones: v.optional(v.array(nonEmpty)),
      geo: v.optional(v.strictObject({ country: v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US')), area: v.optional(nonEmpty) })),
    }),
  ],
  'must be a region name or { name, zones?, geo? }',
);
const memoryOfferSchema = v.strictObject({
  region: nonEmpty,
  zone: v.optional(nonEmpty),
  instanceType: nonEmpty,
  vcpus: v.pipe(v.number('must be a number'), v.minValue(0.25, 'must be at least 0.25')),
  memoryGiB: v.pipe(v.number('must be a number'), v.minValue(0, 'must not be negative')),
  gpu: v.optional(v.strictObject({ model: nonEmpty, count: v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1')), memoryGiB: v.optional(price) })),
  arch: v.optional(v.picklist(['x86_64', 'arm64'], 'must be x86_64 or arm64')),
  onDemandHourly: price,
  spotHourly: v.optional(price),
  spotInterruption: v.optional(v.picklist(['<5%', '5-10%', '10-15%', '15-20%', '>20%'], 'must be one of <5%, 5-10%, 10-15%, 15-20%, >20%')),
  reserved1yHourly: v.optional(price),
  reserved3yHourly: v.optional(price),
  currency: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'))),
  source: v.pipe(v.string(), v.minLength(1, 'must say where the prices come from')),
  asOf: v.pipe(v.string(), v.check((d) => !Number.isNaN(Date.parse(d)), 'must be an ISO 8601 date')),
});
const memoryConfigSchema = v.strictObject({
  kind: v.optional(v.pipe(v.string('must be a string'), v.regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a cloud kind such as memory, aws, azure, gcp'))),
  regions: v.optional(v.pipe(v.array(memoryRegionSchema, 'must be a list of regions'), v.minLength(1, 'must list at least one region'))),
  offers: v.optional(v.pipe(v.array(memoryOfferSchema, 'must be a list of offers'), v.minLength(1, 'must list at least one offer'))),
  provisioningDelay: v.optional(memoryDuration),
  transitionDelay: v.optional(memoryDuration),
  network: v.optional(v.boolean('must be true or false')),
  // Read by fromConfig itself (spotEnabled, instanceFamilies), like every type's.
  defaults: v.optional(v.unknown()),
});

/**
 * The {@link MemoryProviderOptions} a `type: memory` entry stands for: `kind` (the cloud it
 * stands in for, default `memory`; with `aws`, `azure` or `gcp` and no `offers` it prices from
 * the bundled list-price snapshot), `regions` (names, or `{ name, zones?, geo? }`), `offers`
 * (`{ region, zone?, instanceType, vcpus, memoryGiB, gpu?, arch?, onDemandHourly, spotHourly?,
 * spotInterruption?, reserved1yHourly?, reserved3yHourly?, currency?, source, asOf }`; default: the
 * bundled snapshot for `aws`/`azure`/`gcp`, the synthetic rate card otherwise),
 * `provisioningDelay` and `transitionDelay` (durations such as `"20ms"`), and `network: true`
 * for a network companion. It takes no credentials. A host that wants to add to the options (an
 * image store shared between providers, a clock) builds its provider from these.
 */
export function memoryProviderOptions(entry: ProviderEntry): MemoryProviderOptions {
  const { credentials, ...rest } = entry.config;
  if (credentials !== undefined) {
    throw new InvalidSpecError({ issues: [{ field: `providers.${entry.name}.config.credentials`, message: 'a memory provider takes no credentials' }] });
  }
  const result = v.safeParse(memoryConfigSchema, rest);
  if (!result.success) throw new InvalidSpecError({ issues: toSpecIssues(result.issues, `providers.${entry.name}.config`) });
  const c = result.output;
  const kind = c.kind ?? 'memory';
  return {
    name: entry.name,
    kind,
    regions: c.regions?.map((r) => (typeof r === 'string' ? r : { name: r.name, zones: r.zones ?? [], geo: r.geo })),
    offers: c.offers?.map((o) => ({ ...o, provider: kind, arch: o.arch ?? 'x86_64', currency: o.currency ?? 'USD' })),
    provisioningDelayMs: c.provisioningDelay,
    transitionDelayMs: c.transitionDelay,
    network: c.network,
  };
}

/**
 * `type: memory` → `createMemoryProvider`: an in-process cloud, so that a configuration runs
 * without any cloud (quickstarts, the CLI, tests). Options as {@link memoryProviderOptions} reads
 * them. Each entry has an image store of its own; a host that migrates between memory providers
 * passes a factory that shares one (`imageStore`).
 */
export const memoryFactory: ProviderFactory = (entry) => createMemoryProvider(memoryProviderOptions(entry));

/** The factories `fromConfig` falls back to, by type. */
export const BUILT_IN_PROVIDER_FACTORIES: Readonly<Record<string, ProviderFactory>> = {
  aws: awsFactory,
  azure: azureFactory,
  gcp: gcpFactory,
  openstack: openstackFactory,
  memory: memoryFactory,
};
