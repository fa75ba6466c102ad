/** The MetricsSink specification, the federation's metric families, and provider instrumentation (core). */
export {
  noopMetricsSink,
  type CounterMetric,
  type GaugeMetric,
  type HistogramDefinition,
  type HistogramMetric,
  type MetricDefinition,
  type MetricLabels,
  type MetricsSink,
} from './metrics-sink.js';
export { createFederationMetrics, type CostType, type FederationMetrics } from './federation-metrics.js';
export { instrumentProvider, type InstrumentProviderOptions } from './instrument-provider.js';
