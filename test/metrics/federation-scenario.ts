/**
 * Real operations on two in-memory clouds, through instrumented providers: creates (one
 * retried with the same idempotency key), a delete, a migration by export/import, and latency
 * samples. Returns what the metrics must then say.
 */
import { createMemoryImageStore, createMemoryProvider, HOURS_PER_MONTH, type VMSpecInput } from '../../src/index.js';
import { instrumentProvider, type FederationMetrics } from '../../src/metrics/index.js';

/** Expected metric values after {@link runFederationScenario}. */
export interface ScenarioExpectations {
  /** vms_total by `provider|region`. */
  vms: Record<string, number>;
  /** provider_costs_dollars by `provider|type`. */
  costs: Record<string, number>;
  /** Latency samples observed for mem-aws → mem-gcp. */
  latencies: number[];
}

export async function runFederationScenario(metrics: FederationMetrics): Promise<ScenarioExpectations> {
  const images = createMemoryImageStore();
  const rawAws = createMemoryProvider({ name: 'mem-aws', regions: ['east-1', 'west-1'], provisioningDelayMs: 0, imageStore: images });
  const rawGcp = createMemoryProvider({ name: 'mem-gcp', regions: ['central-1'], provisioningDelayMs: 0, imageStore: images });
  const aws = instrumentProvider(rawAws, { metrics });
  const gcp = instrumentProvider(rawGcp, { metrics });

  const spec = (name: string, region: string): VMSpecInput => ({ name, cpu: 2, memory: 4, disk: 50, region, egressGBPerMonth: 100 });
  const web1 = await aws.createVM(spec('web-1', 'east-1'), { idempotencyKey: 'web-1' });
  await aws.createVM(spec('web-1', 'east-1'), { idempotencyKey: 'web-1' }); // a retry: the same VM, counted once
  const web2 = await aws.createVM(spec('web-2', 'east-1'));
  await aws.createVM(spec('batch-1', 'west-1'));
  await aws.deleteVM(web2.id);

  // A migration of web-1 to the other cloud: export, import, verify, delete the source.
  const artifact = await aws.exportVM(web1.id);
  const moved = await gcp.importVM(artifact, spec('web-1', 'central-1'));
  await gcp.getVM(moved.id);
  await aws.deleteVM(web1.id);
  metrics.migrationsTotal.inc({ source: 'mem-aws', destination: 'mem-gcp', status: 'succeeded' });
  metrics.migrationsTotal.inc({ source: 'mem-gcp', destination: 'mem-aws', status: 'failed' });

  const latencies = [0.4, 3, 3, 17, 250, 900];
  for (const ms of latencies) metrics.networkLatencyMs.observe({ source: 'mem-aws', destination: 'mem-gcp' }, ms);

  const perHour = async (provider: typeof rawAws, s: VMSpecInput) => {
    const b = (await provider.estimateCost(s)).breakdown;
    return { compute: b.compute / HOURS_PER_MONTH, storage: b.storage / HOURS_PER_MONTH, network: b.network / HOURS_PER_MONTH };
  };
  const awsLeft = await perHour(rawAws, spec('batch-1', 'west-1'));
  const gcpLeft = await perHour(rawGcp, spec('web-1', 'central-1'));
  return {
    vms: { 'mem-aws|east-1': 0, 'mem-aws|west-1': 1, 'mem-gcp|central-1': 1 },
    costs: {
      'mem-aws|compute': awsLeft.compute,
      'mem-aws|storage': awsLeft.storage,
      'mem-aws|network': awsLeft.network,
      'mem-gcp|compute': gcpLeft.compute,
      'mem-gcp|storage': gcpLeft.storage,
      'mem-gcp|network': gcpLeft.network,
    },
    latencies,
  };
}
