/**
 * The specification's four metric families, with its exact names, help texts and labels, as a
 * typed facade over any {@link MetricsSink}.
 */
import { noopMetricsSink, type CounterMetric, type GaugeMetric, type HistogramDefinition, type HistogramMetric, type MetricDefinition, type MetricsSink } from './metrics-sink.js';

/** Latency buckets: 1·2^k ms for k = 0..9, i.e. 1, 2, 4, ... 512 ms (Prometheus `ExponentialBuckets(1, 2, 10)`). */
export const NETWORK_LATENCY_BUCKETS_MS: readonly number[] = Object.freeze(Array.from({ length: 10 }, (_, k) => 2 ** k));

/** `novacron_federation_vms_total{provider,region}`: VMs that exist, by provider and region (gauge). */
export const VMS_TOTAL: MetricDefinition<'provider' | 'region'> = {
  name: 'novacron_federation_vms_total',
  help: 'Total VMs by provider',
  labelNames: ['provider', 'region'],
};

/** `novacron_federation_migrations_total{source,destination,status}`: cross-cloud migrations (counter). */
export const MIGRATIONS_TOTAL: MetricDefinition<'source' | 'destination' | 'status'> = {
  name: 'novacron_federation_migrations_total',
  help: 'Total cross-cloud migrations',
  labelNames: ['source', 'destination', 'status'],
};

/**
 * `novacron_federation_provider_costs_dollars{provider,type}`: the current cost run-rate, in US
 * dollars per hour, by provider and `type` (`compute`, `storage` or `network`) (gauge).
 */
export const PROVIDER_COSTS_DOLLARS: MetricDefinition<'provider' | 'type'> = {
  name: 'novacron_federation_provider_costs_dollars',
  help: 'Current costs by provider',
  labelNames: ['provider', 'type'],
};

/** `novacron_federation_network_latency_ms{source,destination}`: measured cross-cloud latency (histogram). */
export const NETWORK_LATENCY_MS: HistogramDefinition<'source' | 'destination'> = {
  name: 'novacron_federation_network_latency_ms',
  help: 'Cross-cloud network latency',
  labelNames: ['source', 'destination'],
  buckets: NETWORK_LATENCY_BUCKETS_MS,
  unit: 'ms',
};

/** Cost components of `novacron_federation_provider_costs_dollars` (its `type` label). */
export type CostType = 'compute' | 'storage' | 'network';

/** The federation's instruments. */
export interface FederationMetrics {
  /** VMs by provider and region. */
  readonly vmsTotal: GaugeMetric<'provider' | 'region'>;
  /** Migrations by source, destination and status (`succeeded`, `failed`, `rolled_back`). */
  readonly migrationsTotal: CounterMetric<'source' | 'destination' | 'status'>;
  /** Hourly cost run-rate in dollars by provider and {@link CostType}. */
  readonly providerCostsDollars: GaugeMetric<'provider' | 'type'>;
  /** Cross-cloud latency samples in milliseconds. */
  readonly networkLatencyMs: HistogramMetric<'source' | 'destination'>;
}

/** Declares the four families on `sink` (the no-op sink by default). */
export function createFederationMetrics(sink: MetricsSink = noopMetricsSink): FederationMetrics {
  return {
    vmsTotal: sink.gauge(VMS_TOTAL),
    migrationsTotal: sink.counter(MIGRATIONS_TOTAL),
    providerCostsDollars: sink.gauge(PROVIDER_COSTS_DOLLARS),
    networkLatencyMs: sink.histogram(NETWORK_LATENCY_MS),
  };
}
