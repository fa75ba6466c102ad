import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../src/index.js';
import { FederationManager, loadFederationConfig, loadVirtualMachine } from '../../src/federation/index.js';
import { parseDurationMs, substituteEnv } from '../../src/federation/config.js';
import { createMemoryProvider } from '../../src/index.js';
import { parseVMSpec } from '../../src/provider-utils/index.js';
import { FEDERATION_YAML, VIRTUAL_MACHINE_YAML } from './spec-examples.js';

const env = { AZURE_SUBSCRIPTION_ID: '00000000-1111-2222-3333-444444444444' };

describe('configuration: the specification examples', () => {
  it('loads the FederationConfig example as written', async () => {
    expect(FEDERATION_YAML).toBeDefined();
    const config = await loadFederationConfig(FEDERATION_YAML, { env });
    expect(config.name).toBe('production-federation');
    expect(config.providers.map((p) => `${p.name}:${p.type}`)).toEqual(['aws-us-east:aws', 'azure-west:azure', 'gcp-central:gcp', 'on-prem:openstack']);
    expect(config.providers[1]!.config.subscription).toBe(env.AZURE_SUBSCRIPTION_ID);
    expect(config.providers[0]!.config.defaults).toEqual({ instanceFamily: 't3', spotEnabled: true });
    expect(config.policies.map((p) => [p.name, p.priority, p.action.type])).toEqual([
      ['data-residency', 100, 'restrict'],
      ['cost-optimization', 50, 'prefer'],
      ['high-availability', 90, 'distribute'],
    ]);
    expect(config.networking).toMatchObject({ mode: 'overlay', overlay: { type: 'wireguard', mesh: true } });
    expect(config.optimization).toEqual({ enabled: true, schedule: '0 2 * * *', strategies: ['cost', 'performance', 'carbon-footprint'] });
  });

  it('loads the VirtualMachine example as written', async () => {
    const vm = await loadVirtualMachine(VIRTUAL_MACHINE_YAML);
    expect(vm.name).toBe('multi-cloud-app');
    expect(vm.spec).toMatchObject({ name: 'multi-cloud-app', cpu: 4, memory: '8Gi', disk: '100Gi' });
    expect(vm.request.strategy).toBe('cost-optimized');
    expect(vm.request.constraints).toEqual([
      { type: 'provider', operator: 'in', values: ['aws', 'azure'] },
      { type: 'region', operator: 'near', value: 'us-east-1', maxLatencyMs: 10 },
      { type: 'cost', operator: '<', value: 0.1 },
    ]);
    expect(vm.request.failoverPriority).toEqual(['aws-us-east', 'azure-west', 'gcp-central']);
  });

  it('takes arch and an exact GPU count from the VirtualMachine template, and the spec parser judges them', async () => {
    const doc = parse(VIRTUAL_MACHINE_YAML);
    doc.spec.template.spec.arch = 'arm64';
    doc.spec.template.spec.resources.gpu = { count: 2, type: 't4', exact: true };
    const vm = await loadVirtualMachine(doc);
    expect(parseVMSpec(vm.spec)).toMatchObject({ arch: ['arm64'], gpu: { count: 2, type: 't4', exact: true } });
    doc.spec.template.spec.arch = 'sparc';
    const bad = await loadVirtualMachine(doc);
    expect(() => parseVMSpec(bad.spec)).toThrow(expect.objectContaining({ field: 'arch' }) as Error);
  });

  it('builds a manager from the example through provider factories, resolving the secret without keeping it', async () => {
    const seen: unknown[] = [];
    const manager = await FederationManager.fromConfig(FEDERATION_YAML, {
      env,
      secrets: async (name) => ({ name, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }),
      providerFactories: {
        aws: (entry) => {
          seen.push(entry.config.credentials);
          return createMemoryProvider({ name: entry.name, kind: 'aws', regions: ['us-east-1'] });
        },
        azure: (entry) => createMemoryProvider({ name: entry.name, kind: 'azure', regions: [String(entry.config.location)] }),
        gcp: (entry) => createMemoryProvider({ name: entry.name, kind: 'gcp', regions: [String(entry.config.region)] }),
        openstack: (entry) => createMemoryProvider({ name: entry.name, kind: 'openstack' }),
      },
    });
    expect([...manager.providers.keys()]).toEqual(['aws-us-east', 'azure-west', 'gcp-central', 'on-prem']);
    expect(seen).toEqual([{ name: 'aws-credentials', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }]);
  });

  it('names a missing environment variable and where it is used', async () => {
    const error = await loadFederationConfig(FEDERATION_YAML, { env: {} }).catch((e: unknown) => e);
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    expect((error as InvalidSpecError).field).toBe('spec.providers[1].config.subscription');
    expect((error as Error).message).toContain('AZURE_SUBSCRIPTION_ID');
  });

  it('substitutes defaults and leaves plain text alone', () => {
    expect(substituteEnv({ a: '${X:-fallback}', b: ['${Y}'], c: 'no vars', d: 3 }, { Y: 'y' })).toEqual({ a: 'fallback', b: ['y'], c: 'no vars', d: 3 });
  });

  it('reads durations', () => {
    expect(parseDurationMs('10ms')).toBe(10);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('250us')).toBe(0.25);
    expect(parseDurationMs('ten')).toBeUndefined();
  });
});

type Mutation = [title: string, mutate: (doc: any) => void, field: string, message: RegExp];

const federationMutations: Mutation[] = [
  ['wrong apiVersion', (d) => (d.apiVersion = 'novacron.io/v1'), 'apiVersion', /expected novacron.io\/v1alpha1/],
  ['wrong kind', (d) => (d.kind = 'Federation'), 'kind', /expected FederationConfig/],
  ['missing metadata name', (d) => delete d.metadata.name, 'metadata.name', /./],
  ['bad metadata name', (d) => (d.metadata.name = 'Prod Federation'), 'metadata.name', /lower-case/],
  ['no providers', (d) => (d.spec.providers = []), 'spec.providers', /at least one provider/],
  ['providers not a list', (d) => (d.spec.providers = { a: 1 }), 'spec.providers', /list of providers/],
  ['provider without name', (d) => delete d.spec.providers[0].name, 'spec.providers[0].name', /./],
  ['bad provider type', (d) => (d.spec.providers[2].type = 'Google Cloud'), 'spec.providers[2].type', /provider type/],
  ['duplicate provider name', (d) => (d.spec.providers[1].name = 'aws-us-east'), 'spec.providers[1].name', /duplicate provider name/],
  ['inline credentials', (d) => (d.spec.providers[0].config.credentials = { accessKeyId: 'x', secretAccessKey: 'y' }), 'spec.providers[0].config.credentials', /secret/],
  ['spotEnabled not boolean', (d) => (d.spec.providers[0].config.defaults.spotEnabled = 'yes'), 'spec.providers[0].config.defaults.spotEnabled', /true or false/],
  ['unknown provider default', (d) => (d.spec.providers[0].config.defaults.instanceFamly = 't3'), 'spec.providers[0].config.defaults.instanceFamly', /unknown field/],
  ['unknown provider field', (d) => (d.spec.providers[0].configg = {}), 'spec.providers[0].configg', /unknown field/],
  ['policy without name', (d) => delete d.spec.policies[0].name, 'spec.policies[0].name', /./],
  ['duplicate policy name', (d) => (d.spec.policies[2].name = 'data-residency'), 'spec.policies[2].name', /duplicate policy name/],
  ['priority not a number', (d) => (d.spec.policies[0].priority = 'high'), 'spec.policies[0].priority', /number/],
  ['fractional priority', (d) => (d.spec.policies[0].priority = 1.5), 'spec.policies[0].priority', /whole number/],
  ['unknown condition type', (d) => (d.spec.policies[1].condition.type = 'weather'), 'spec.policies[1].condition.type', /expected one of label, workload/],
  ['unknown condition operator', (d) => (d.spec.policies[0].condition.operator = '~='), 'spec.policies[0].condition.operator', /expected one of ==/],
  ['label condition without key', (d) => delete d.spec.policies[0].condition.key, 'spec.policies[0].condition.key', /need a key/],
  ['condition without value', (d) => delete d.spec.policies[1].condition.value, 'spec.policies[1].condition.value', /required/],
  ['unknown action type', (d) => (d.spec.policies[1].action.type = 'prefr'), 'spec.policies[1].action.type', /expected one of restrict, prefer, distribute, require, got "prefr"/],
  ['restrict with nothing', (d) => (d.spec.policies[0].action = { type: 'restrict' }), 'spec.policies[0].action', /needs providers, regions/],
  ['restrict providers not a list', (d) => (d.spec.policies[0].action.providers = 'aws-us-east'), 'spec.policies[0].action.providers', /list/],
  ['restrict with empty provider list', (d) => (d.spec.policies[0].action.providers = []), 'spec.policies[0].action.providers', /not be empty/],
  ['distribute without minProviders', (d) => delete d.spec.policies[2].action.minProviders, 'spec.policies[2].action.minProviders', /./],
  ['distribute with zero providers', (d) => (d.spec.policies[2].action.minProviders = 0), 'spec.policies[2].action.minProviders', /at least 1/],
  ['prefer weight above 1', (d) => (d.spec.policies[1].action.weight = 5), 'spec.policies[1].action.weight', /at most 1/],
  ['unknown action field', (d) => (d.spec.policies[0].action.zones = ['a']), 'spec.policies[0].action.zones', /unknown field/],
  ['unknown networking mode', (d) => (d.spec.networking.mode = 'carrier-pigeon'), 'spec.networking.mode', /expected one of overlay, vpn, peering/],
  ['unknown overlay type', (d) => (d.spec.networking.overlay.type = 'ipsec'), 'spec.networking.overlay.type', /expected one of wireguard/],
  ['unknown encryption', (d) => (d.spec.networking.overlay.encryption = 'rot13'), 'spec.networking.overlay.encryption', /chacha20poly1305/],
  ['bad cron schedule', (d) => (d.spec.optimization.schedule = 'daily at 2'), 'spec.optimization.schedule', /cannot read "daily at 2": .*five, six, or seven/],
  ['cron minute out of range', (d) => (d.spec.optimization.schedule = '61 2 * * *'), 'spec.optimization.schedule', /minute/],
  ['cron schedule that never fires', (d) => (d.spec.optimization.schedule = '0 0 30 2 *'), 'spec.optimization.schedule', /never fires/],
  ['cron schedule not a string', (d) => (d.spec.optimization.schedule = 200), 'spec.optimization.schedule', /cron expression/],
  ['unknown strategy', (d) => (d.spec.optimization.strategies = ['cheapest']), 'spec.optimization.strategies[0]', /expected one of cost, performance, carbon-footprint/],
  ['unknown top-level spec field', (d) => (d.spec.provider = []), 'spec.provider', /unknown field/],
];

const vmMutations: Mutation[] = [
  ['wrong VM kind', (d) => (d.kind = 'VM'), 'kind', /expected VirtualMachine/],
  ['unknown strategy', (d) => (d.spec.federation.placement.strategy = 'cheapest'), 'spec.federation.placement.strategy', /expected one of cost-optimized, performance, balanced, carbon/],
  ['unknown constraint type', (d) => (d.spec.federation.placement.constraints[0].type = 'vendor'), 'spec.federation.placement.constraints[0].type', /expected one of provider, region, zone, cost, capability/],
  ['unknown provider operator', (d) => (d.spec.federation.placement.constraints[0].operator = 'within'), 'spec.federation.placement.constraints[0].operator', /expected one of in, notIn/],
  ['bad latency', (d) => (d.spec.federation.placement.constraints[1].maxLatency = 'fast'), 'spec.federation.placement.constraints[1].maxLatency', /duration/],
  ['unknown region operator', (d) => (d.spec.federation.placement.constraints[1].operator = 'around'), 'spec.federation.placement.constraints[1].operator', /expected one of in, notIn, near/],
  ['cost as text', (d) => (d.spec.federation.placement.constraints[2].value = 'cheap'), 'spec.federation.placement.constraints[2].value', /price per hour/],
  ['negative cost', (d) => (d.spec.federation.placement.constraints[2].value = -1), 'spec.federation.placement.constraints[2].value', /greater than 0/],
  ['cost operator >', (d) => (d.spec.federation.placement.constraints[2].operator = '>'), 'spec.federation.placement.constraints[2].operator', /expected one of <, <=/],
  ['failover priority not a list', (d) => (d.spec.federation.failover.priority = 'aws-us-east'), 'spec.federation.failover.priority', /list/],
  ['near without a reference region', (d) => delete d.spec.federation.placement.constraints[1].value, 'spec.federation.placement.constraints[1].value', /required with operator near/],
  ['region in without values', (d) => (d.spec.federation.placement.constraints[1] = { type: 'region', operator: 'in' }), 'spec.federation.placement.constraints[1].values', /required with operator in/],
  ['missing cpu', (d) => delete d.spec.template.spec.resources.cpu, 'spec.template.spec.resources.cpu', /required/],
  ['missing template', (d) => delete d.spec.template, 'spec.template', /./],
];

describe('configuration: every malformed document gives one precise error', () => {
  it.each(federationMutations)('FederationConfig: %s', async (_title, mutate, field, message) => {
    const doc = parse(FEDERATION_YAML);
    mutate(doc);
    const error = await loadFederationConfig(doc, { env }).catch((e: unknown) => e);
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidSpecError).field).toBe(field);
    expect((error as InvalidSpecError).issues.length).toBe(1);
    expect((error as InvalidSpecError).issues[0]!.message).toMatch(message);
  });

  it.each(vmMutations)('VirtualMachine: %s', async (_title, mutate, field, message) => {
    const doc = parse(VIRTUAL_MACHINE_YAML);
    mutate(doc);
    const error = await loadVirtualMachine(doc).catch((e: unknown) => e);
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidSpecError).field).toBe(field);
    expect((error as InvalidSpecError).issues[0]!.message).toMatch(message);
  });

  it('reports YAML syntax errors with their line', async () => {
    const error = await loadFederationConfig('spec: [unclosed', { env }).catch((e: unknown) => e);
    expect((error as InvalidSpecError).field).toMatch(/^line \d+/);
  });
});
