/**
 * Provider factories for the configuration's built-in types, used by `fromConfig` when the
 * host passes none for a type. Each loads its adapter (and through it, the cloud's SDK) only
 * when a configuration names that type.
 */
import { InvalidSpecError } from '../provider/errors.js';
import type { ProviderV1 } from '../provider/provider-v1.js';
import type { ProviderEntry } from './config.js';

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
 * `defaults.securityGroups`, `waiter.minDelaySeconds`/`maxDelaySeconds`, and credentials
 * resolved from `credentials.secret` as `{ accessKeyId, secretAccessKey, sessionToken? }` (the
 * default AWS credential chain when absent).
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
  });
};

function waiterOption(entry: ProviderEntry): { minDelaySeconds: number; maxDelaySeconds: number } | undefined {
  const w = entry.config.waiter as { minDelaySeconds?: unknown; maxDelaySeconds?: unknown } | undefined;
  if (w === undefined) return undefined;
  if (typeof w.minDelaySeconds !== 'number' || typeof w.maxDelaySeconds !== 'number' || !(w.minDelaySeconds > 0) || w.maxDelaySeconds < w.minDelaySeconds) {
    throw new InvalidSpecError({ issues: [{ field: `providers.${entry.name}.config.waiter`, message: 'needs minDelaySeconds > 0 and maxDelaySeconds ≥ minDelaySeconds' }] });
  }
  return { minDelaySeconds: w.minDelaySeconds, maxDelaySeconds: w.maxDelaySeconds };
}

/** The factories `fromConfig` falls back to, by type. */
export const BUILT_IN_PROVIDER_FACTORIES: Readonly<Record<string, ProviderFactory>> = { aws: awsFactory };
