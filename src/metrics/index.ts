/** The MetricsSink specification, the federation's metric families, and provider instrumentation (core). */
export * from './metrics-sink.js';
export * from './federation-metrics.js';
export * from './instrument-provider.js';
