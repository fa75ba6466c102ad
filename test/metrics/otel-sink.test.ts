import type { Meter } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createFederationMetrics } from '../../src/metrics/index.js';
import { NETWORK_LATENCY_BUCKETS_MS } from '../../src/metrics/federation-metrics.js';
import { createOtelSink } from '../../src/metrics/otel/index.js';
import { runFederationScenario } from './federation-scenario.js';

const providers: MeterProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.shutdown()));
});

function setup(): { meter: Meter; read: () => Promise<Map<string, MetricData>> } {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // A long interval: the test exports by flushing, never on a timer.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  providers.push(provider);
  return {
    meter: provider.getMeter('novacron-test'),
    read: async () => {
      await reader.forceFlush();
      const exported = exporter.getMetrics();
      const latest = exported[exported.length - 1]!;
      return new Map(latest.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
    },
  };
}

function pointsByLabels(metric: MetricData | undefined, labelNames: readonly string[]): Map<string, unknown> {
  expect(metric).toBeDefined();
  return new Map(metric!.dataPoints.map((p) => [labelNames.map((n) => p.attributes[n]).join('|'), p.value]));
}

async function checkScenario(meter: Meter, read: () => Promise<Map<string, MetricData>>): Promise<void> {
  const expected = await runFederationScenario(createFederationMetrics(createOtelSink({ meter })));
  const metrics = await read();

  const vms = metrics.get('novacron_federation_vms_total');
  expect(vms?.dataPointType).toBe(DataPointType.GAUGE);
  expect(vms?.descriptor.description).toBe('Total VMs by provider');
  expect(Object.fromEntries(pointsByLabels(vms, ['provider', 'region']))).toEqual(expected.vms);

  const costs = pointsByLabels(metrics.get('novacron_federation_provider_costs_dollars'), ['provider', 'type']);
  expect(costs.size).toBe(Object.keys(expected.costs).length);
  for (const [series, dollars] of Object.entries(expected.costs)) expect(costs.get(series), series).toBeCloseTo(dollars, 9);

  const migrations = metrics.get('novacron_federation_migrations_total');
  expect(migrations?.dataPointType).toBe(DataPointType.SUM);
  expect(Object.fromEntries(pointsByLabels(migrations, ['source', 'destination', 'status']))).toEqual({
    'mem-aws|mem-gcp|succeeded': 1,
    'mem-gcp|mem-aws|failed': 1,
  });

  const latency = metrics.get('novacron_federation_network_latency_ms');
  expect(latency?.dataPointType).toBe(DataPointType.HISTOGRAM);
  expect(latency?.descriptor.unit).toBe('ms');
  const point = pointsByLabels(latency, ['source', 'destination']).get('mem-aws|mem-gcp') as {
    buckets: { boundaries: number[]; counts: number[] };
    count: number;
    sum: number;
  };
  expect(point.buckets.boundaries).toEqual([...NETWORK_LATENCY_BUCKETS_MS]);
  // OpenTelemetry counts per bucket (not cumulatively), with one overflow bucket past 512.
  const perBucket = [...NETWORK_LATENCY_BUCKETS_MS, Infinity].map((le, i, all) =>
    expected.latencies.filter((ms) => ms <= le && (i === 0 || ms > all[i - 1]!)).length,
  );
  expect(point.buckets.counts).toEqual(perBucket);
  expect(point.count).toBe(expected.latencies.length);
  expect(point.sum).toBeCloseTo(expected.latencies.reduce((a, b) => a + b, 0), 9);
}

describe('OpenTelemetry sink', () => {
  it('reports the four federation families, read back through the SDK in-memory exporter', async () => {
    const { meter, read } = setup();
    await checkScenario(meter, read);
  });

  it('falls back to an observable gauge on a meter without createGauge', async () => {
    const { meter, read } = setup();
    const withoutGauge = new Proxy(meter, { get: (target, key) => (key === 'createGauge' ? undefined : Reflect.get(target, key)) });
    await checkScenario(withoutGauge, read);
  });

  it('increments and decrements a gauge series from its current value', async () => {
    const { meter, read } = setup();
    const sink = createOtelSink({ meter });
    const gauge = sink.gauge({ name: 'test_gauge', help: 'h', labelNames: ['k'] });
    gauge.inc({ k: 'a' }, 5);
    gauge.dec({ k: 'a' });
    gauge.set({ k: 'b' }, 7);
    gauge.inc({ k: 'b' });
    expect(Object.fromEntries(pointsByLabels((await read()).get('test_gauge'), ['k']))).toEqual({ a: 4, b: 8 });
  });
});
