/**
 * A configuration that names a provider or region nothing answers to is refused when it is
 * loaded, with the path in the document's terms; a request that does is refused at placement
 * with the name in its message.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createMemoryProvider, FederationManager, loadFederationConfig, PlacementRefusedError } from '../../src/index.js';
import { cloud, EAST, offer, WEST } from './fixtures.js';

function config(policies: object[]): object {
  return {
    apiVersion: 'novacron.io/v1alpha1',
    kind: 'FederationConfig',
    metadata: { name: 'names' },
    spec: {
      providers: [
        { name: 'aws-us-east', type: 'aws', config: { region: 'us-east-1' } },
        { name: 'gcp-central', type: 'gcp', config: { region: 'us-central1' } },
      ],
      policies,
    },
  };
}

const restrict = (providers: string[]) => ({ name: 'residency', condition: { type: 'always' }, action: { type: 'restrict', providers } });

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.catch((e: unknown) => e);
  expect(ConfigError.isInstance(error), String(error)).toBe(true);
  return error as ConfigError;
}

describe('provider names in policies, at load time', () => {
  it('refuses a name that is no configured provider, type or capacity type, at its path', async () => {
    const error = await configError(loadFederationConfig(config([restrict(['aws-us-east', 'azure-west'])])));
    expect(error.issues).toEqual([
      {
        field: 'spec.policies[0].action.providers[1]',
        message: 'no provider named "azure-west" is configured (providers: aws-us-east, gcp-central; types: aws, gcp; or spot-instances, on-demand)',
      },
    ]);
    expect(error.message).toBe(
      '[novacron] invalid config: spec.policies[0].action.providers[1]: no provider named "azure-west" is configured (providers: aws-us-east, gcp-central; types: aws, gcp; or spot-instances, on-demand)',
    );
  });

  it('suggests the name a typo most likely meant, and lists every unknown name at once', async () => {
    const prefer = { name: 'cheap', condition: { type: 'always' }, action: { type: 'prefer', providers: ['spot-instance'] } };
    const error = await configError(loadFederationConfig(config([restrict(['aws-us-est']), prefer])));
    expect(error.issues).toEqual([
      { field: 'spec.policies[0].action.providers[0]', message: 'no provider named "aws-us-est" is configured (did you mean "aws-us-east"?)' },
      { field: 'spec.policies[1].action.providers[0]', message: 'no provider named "spot-instance" is configured (did you mean "spot-instances"?)' },
    ]);
  });

  it('accepts provider names, types and capacity types', async () => {
    const loaded = await loadFederationConfig(config([restrict(['aws-us-east', 'gcp', 'on-demand', 'spot-instances'])]));
    expect(loaded.policies[0]!.action).toEqual({ type: 'restrict', providers: ['aws-us-east', 'gcp', 'on-demand', 'spot-instances'] });
  });
});

describe('regions in policies, when the providers say which they serve', () => {
  const factories = (regions?: { aws?: string[]; gcp?: string[] }) => ({
    aws: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'aws', ...(regions?.aws ? { regions: regions.aws } : {}) }),
    gcp: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'gcp', ...(regions?.gcp ? { regions: regions.gcp } : {}) }),
  });
  const inRegions = (regions: string[]) => ({ name: 'eu-only', condition: { type: 'always' }, action: { type: 'restrict', regions } });

  it('refuses a region no provider serves, at its path', async () => {
    const error = await configError(FederationManager.fromConfig(config([inRegions(['us-east-1', 'mars-1'])]), { providerFactories: factories({ aws: ['us-east-1', 'us-west-2'], gcp: ['us-central1'] }) }));
    expect(error.issues).toEqual([{ field: 'spec.policies[0].action.regions[1]', message: 'region "mars-1" is not served by any configured provider (regions: us-central1, us-east-1, us-west-2)' }]);
  });

  it('suggests the region a typo most likely meant', async () => {
    const error = await configError(FederationManager.fromConfig(config([inRegions(['us-centrl1'])]), { providerFactories: factories({ aws: ['us-east-1'], gcp: ['us-central1'] }) }));
    expect(error.issues[0]!.message).toBe('region "us-centrl1" is not served by any configured provider (did you mean "us-central1"?)');
  });

  it('cannot know, and so accepts, when some provider does not say which regions it serves', async () => {
    const manager = await FederationManager.fromConfig(config([inRegions(['mars-1'])]), { providerFactories: factories({ aws: ['us-east-1'] }) });
    expect(manager.providers.size).toBe(2);
  });
});

describe('unknown names at placement time', () => {
  const providers = () => [cloud('aws-east', 'aws', [EAST], [offer('aws', 'east-1', 'm.large', 2, 8, 0.08)]), cloud('gcp-west', 'gcp', [WEST], [offer('gcp', 'west-1', 'e2-standard-2', 2, 8, 0.09)])];
  const refusal = async (spec: object, request: object = {}): Promise<string> => {
    const error = await new FederationManager({ providers: providers() }).place({ name: 'web', cpu: 2, memory: 4, ...spec }, { request: request as never }).catch((e: unknown) => e);
    expect(PlacementRefusedError.isInstance(error), String(error)).toBe(true);
    return (error as Error).message;
  };

  it('a region nobody offers is named, alone, since it rules out everything by itself', async () => {
    expect(await refusal({ region: 'mars-1' })).toBe(
      '[novacron] no feasible placement for web (2 vCPU / 4 GiB): region mars-1 is not offered by any provider (regions: east-1, west-1); see rejected and explanation',
    );
  });

  it('a mistyped region gets a suggestion', async () => {
    expect(await refusal({}, { constraints: [{ type: 'region', operator: 'in', values: ['wst-1'] }] })).toBe(
      '[novacron] no feasible placement for web (2 vCPU / 4 GiB): region wst-1 is not offered by any provider (did you mean west-1?); see rejected and explanation',
    );
  });

  it('an unknown region beside a known one is named with the reasons the known one was refused', async () => {
    expect(await refusal({ cpu: 64 }, { constraints: [{ type: 'region', operator: 'in', values: ['mars-1', 'east-1'] }] })).toBe(
      '[novacron] no feasible placement for web (64 vCPU / 4 GiB): region mars-1 is not offered by any provider (regions: east-1, west-1); region west-1 is not in [mars-1, east-1]; no offer fits 64 vCPU / 4 GiB; see rejected and explanation',
    );
  });
});
