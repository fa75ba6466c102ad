/**
 * `novacron/prometheus`: a MetricsSink over prom-client.
 *
 * @module novacron/prometheus
 * @packageDocumentation
 */
export { createPrometheusSink, type PrometheusSinkOptions, type PromClientModule } from './prometheus-sink.js';
