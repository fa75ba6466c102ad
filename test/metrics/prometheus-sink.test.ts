import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createFederationMetrics } from '../../src/metrics/index.js';
import { NETWORK_LATENCY_BUCKETS_MS } from '../../src/metrics/federation-metrics.js';
import { createPrometheusSink } from '../../src/metrics/prometheus/index.js';
import { runFederationScenario } from './federation-scenario.js';

/** Parses Prometheus text exposition into `name{labels}` → value, plus HELP and TYPE lines. */
function parseExposition(text: string): { samples: Map<string, number>; help: Map<string, string>; type: Map<string, string> } {
  const samples = new Map<string, number>();
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) (meta[1] === 'HELP' ? help : type).set(meta[2]!, meta[3]!);
    else if (line.trim() !== '') {
      const at = line.lastIndexOf(' ');
      samples.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
  }
  return { samples, help, type };
}

describe('Prometheus sink', () => {
  it('exposes the four federation families with the specification names, labels and values after real operations', async () => {
    const registry = new Registry();
    const metrics = createFederationMetrics(await createPrometheusSink({ registry }));
    const expected = await runFederationScenario(metrics);
    const { samples, help, type } = parseExposition(await registry.metrics());

    expect(Object.fromEntries(type)).toEqual({
      novacron_federation_vms_total: 'gauge',
      novacron_federation_migrations_total: 'counter',
      novacron_federation_provider_costs_dollars: 'gauge',
      novacron_federation_network_latency_ms: 'histogram',
    });
    expect(help.get('novacron_federation_vms_total')).toBe('Total VMs by provider');
    expect(help.get('novacron_federation_migrations_total')).toBe('Total cross-cloud migrations');
    expect(help.get('novacron_federation_provider_costs_dollars')).toBe('Current costs by provider');
    expect(help.get('novacron_federation_network_latency_ms')).toBe('Cross-cloud network latency');

    for (const [series, count] of Object.entries(expected.vms)) {
      const [provider, region] = series.split('|');
      expect(samples.get(`novacron_federation_vms_total{provider="${provider}",region="${region}"}`), series).toBe(count);
    }
    expect([...samples.keys()].filter((k) => k.startsWith('novacron_federation_vms_total{'))).toHaveLength(3);

    for (const [series, dollars] of Object.entries(expected.costs)) {
      const [provider, costType] = series.split('|');
      const value = samples.get(`novacron_federation_provider_costs_dollars{provider="${provider}",type="${costType}"}`);
      expect(value, series).toBeCloseTo(dollars, 9);
    }
    expect(expected.costs['mem-aws|compute']).toBeGreaterThan(0);
    expect(expected.costs['mem-aws|storage']).toBeGreaterThan(0);

    expect(samples.get('novacron_federation_migrations_total{source="mem-aws",destination="mem-gcp",status="succeeded"}')).toBe(1);
    expect(samples.get('novacron_federation_migrations_total{source="mem-gcp",destination="mem-aws",status="failed"}')).toBe(1);

    const labels = 'source="mem-aws",destination="mem-gcp"';
    for (const le of NETWORK_LATENCY_BUCKETS_MS) {
      const below = expected.latencies.filter((ms) => ms <= le).length;
      expect(samples.get(`novacron_federation_network_latency_ms_bucket{le="${le}",${labels}}`), `le=${le}`).toBe(below);
    }
    expect(NETWORK_LATENCY_BUCKETS_MS).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
    expect(samples.get(`novacron_federation_network_latency_ms_bucket{le="+Inf",${labels}}`)).toBe(expected.latencies.length);
    expect(samples.get(`novacron_federation_network_latency_ms_count{${labels}}`)).toBe(expected.latencies.length);
    expect(samples.get(`novacron_federation_network_latency_ms_sum{${labels}}`)).toBeCloseTo(expected.latencies.reduce((a, b) => a + b, 0), 9);
  });

  it('shares series when the families are declared twice on one registry', async () => {
    const registry = new Registry();
    const first = createFederationMetrics(await createPrometheusSink({ registry }));
    const second = createFederationMetrics(await createPrometheusSink({ registry }));
    first.migrationsTotal.inc({ source: 'a', destination: 'b', status: 'succeeded' });
    second.migrationsTotal.inc({ source: 'a', destination: 'b', status: 'succeeded' }, 2);
    const { samples } = parseExposition(await registry.metrics());
    expect(samples.get('novacron_federation_migrations_total{source="a",destination="b",status="succeeded"}')).toBe(3);
  });
});
