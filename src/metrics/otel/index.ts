/**
 * `novacron/otel`: a MetricsSink over an OpenTelemetry Meter.
 *
 * @packageDocumentation
 */
export { createOtelSink, type OtelSinkOptions } from './otel-sink.js';
