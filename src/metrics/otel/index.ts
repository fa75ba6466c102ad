/**
 * `novacron/otel`: a MetricsSink over an OpenTelemetry Meter.
 *
 * @module novacron/otel
 * @packageDocumentation
 */
export { createOtelSink, type OtelSinkOptions } from './otel-sink.js';
