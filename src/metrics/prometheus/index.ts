/**
 * `novacron/prometheus`: a MetricsSink over prom-client.
 *
 * @packageDocumentation
 */
export { createPrometheusSink, type PrometheusSinkOptions, type PromClientModule } from './prometheus-sink.js';
