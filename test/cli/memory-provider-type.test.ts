/**
 * The configuration's built-in `type: memory` (src/federation/built-in-factories.ts), which the
 * CLI and the quickstarts run on: a FederationConfig that needs no cloud.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, FederationManager, InvalidSpecError } from '../../src/index.js';

function config(providers: string): string {
  return `apiVersion: novacron.io/v1alpha1
kind: FederationConfig
metadata: { name: no-cloud }
spec:
  providers:
${providers}`;
}

async function refusal(yaml: string, options: Parameters<typeof FederationManager.fromConfig>[1] = {}): Promise<InvalidSpecError> {
  const error = await FederationManager.fromConfig(yaml, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!InvalidSpecError.isInstance(error)) throw new Error(`expected an InvalidSpecError, got ${String(error)}`);
  expect(ConfigError.isInstance(error)).toBe(true);
  return error;
}

describe('type: memory in a FederationConfig', () => {
  it('builds in-memory providers without a factory: the synthetic rate card by default, the bundled snapshot for a cloud kind', async () => {
    const manager = await FederationManager.fromConfig(
      config(`    - { name: local, type: memory }
    - { name: aws-sim, type: memory, config: { kind: aws, regions: [us-east-1] } }
`),
    );
    const local = manager.providers.get('local')!;
    const aws = manager.providers.get('aws-sim')!;
    expect(local.kind).toBe('memory');
    expect(aws.kind).toBe('aws');
    const regions = async (p: typeof local): Promise<string[]> => {
      const out: string[] = [];
      for await (const r of p.regions()) out.push(r.name);
      return out;
    };
    expect(await regions(local)).toEqual(['local-1']);
    expect(await regions(aws)).toEqual(['us-east-1']);
    const decision = await manager.place({ name: 'x', cpu: 2, memory: '8Gi' }, { request: { constraints: [{ type: 'provider', operator: 'in', values: ['aws-sim'] }] } });
    expect(decision.chosen.offer.source).toBe('bundled-snapshot:aws');
    const vm = (await manager.createVM({ name: 'web', cpu: 1, memory: '1Gi' }, { request: { constraints: [{ type: 'provider', operator: 'in', values: ['local'] }] } })).vm;
    expect(vm).toMatchObject({ provider: 'local', state: 'running' });
  });

  it('sells the offers the entry lists, at their prices, with their source and date', async () => {
    const manager = await FederationManager.fromConfig(
      config(`    - name: on-prem
      type: memory
      config:
        regions: [{ name: dc-1, zones: [dc-1a], geo: { country: DE, area: europe } }]
        provisioningDelay: 1ms
        offers:
          - { region: dc-1, instanceType: rack.medium, vcpus: 4, memoryGiB: 16, onDemandHourly: 0.08, currency: EUR, source: chargeback, asOf: "2026-12-01" }
`),
    );
    const decision = await manager.place({ name: 'db', cpu: 4, memory: '16Gi' });
    expect(decision.chosen).toMatchObject({ provider: 'on-prem', region: 'dc-1', instanceType: 'rack.medium', hourlyPrice: 0.08 });
    expect(decision.chosen.offer).toMatchObject({ provider: 'memory', currency: 'EUR', source: 'chargeback', asOf: '2026-12-01', arch: 'x86_64' });
  });

  it.each([
    ['an unknown key', '{ kind: aws, region: us-east-1 }', 'spec.providers[0].config.region', /unknown field/],
    ['a bad kind', '{ kind: AWS }', 'spec.providers[0].config.kind', /cloud kind/],
    ['a bad delay', '{ provisioningDelay: soon }', 'spec.providers[0].config.provisioningDelay', /duration/],
    ['an empty region list', '{ regions: [] }', 'spec.providers[0].config.regions', /at least one region/],
    ['an offer without its date', '{ offers: [{ region: r, instanceType: t, vcpus: 1, memoryGiB: 1, onDemandHourly: 0.01, source: s }] }', 'spec.providers[0].config.offers[0].asOf', /.+/],
    ['a negative price', '{ offers: [{ region: r, instanceType: t, vcpus: 1, memoryGiB: 1, onDemandHourly: -1, source: s, asOf: "2026-12-01" }] }', 'spec.providers[0].config.offers[0].onDemandHourly', /negative/],
  ])('refuses %s, naming the field', async (_what, value, field, message) => {
    const error = await refusal(config(`    - { name: m, type: memory, config: ${value} }\n`));
    expect(error.issues[0]).toMatchObject({ field, message: expect.stringMatching(message) });
  });

  it('refuses credentials: a memory provider has none to take', async () => {
    const error = await refusal(config(`    - { name: m, type: memory, config: { credentials: { secret: key } } }\n`), { secrets: () => ({ token: 'not-needed' }) });
    expect(error.issues[0]).toMatchObject({ field: 'spec.providers[0].config.credentials', message: 'a memory provider takes no credentials' });
    expect(error.message).not.toContain('not-needed');
  });
});
