/**
 * A {@link MetricsSink} over an OpenTelemetry `Meter` (API `^1.9.0`). It uses only the meter it
 * is given, so it imports nothing from `@opentelemetry/api` at run time.
 *
 * Gauges keep the current value of each series here (OpenTelemetry gauges record values; they
 * have no increment), and report it with the synchronous `createGauge` of API 1.9+, or, on a
 * meter without it, an observable gauge read at each collection.
 */
import type { Attributes, Meter } from '@opentelemetry/api';
import type { CounterMetric, GaugeMetric, HistogramDefinition, HistogramMetric, MetricDefinition, MetricLabels, MetricsSink } from '../metrics-sink.js';

/** Options of {@link createOtelSink}. */
export interface OtelSinkOptions {
  /** The meter to create instruments with, e.g. `metrics.getMeter('novacron')`. */
  meter: Meter;
}

function options(d: MetricDefinition): { description: string; unit?: string } {
  return d.unit === undefined ? { description: d.help } : { description: d.help, unit: d.unit };
}

function seriesKey(labelNames: readonly string[], labels: MetricLabels): string {
  return JSON.stringify(labelNames.map((n) => (labels as Record<string, string>)[n] ?? ''));
}

/** Creates a sink recording through `meter`. */
export function createOtelSink(sinkOptions: OtelSinkOptions): MetricsSink {
  const { meter } = sinkOptions;
  // Instruments by name, so that declaring a metric twice shares its series (as with prom-client).
  const declared = new Map<string, unknown>();
  function once<T>(name: string, make: () => T): T {
    if (!declared.has(name)) declared.set(name, make());
    return declared.get(name) as T;
  }

  return {
    counter<L extends string>(d: MetricDefinition<L>): CounterMetric<L> {
      return once(d.name, () => {
        const counter = meter.createCounter(d.name, options(d));
        return { inc: (labels: MetricLabels<L>, value = 1) => counter.add(value, labels as Attributes) };
      });
    },

    gauge<L extends string>(d: MetricDefinition<L>): GaugeMetric<L> {
      return once(d.name, () => {
        const current = new Map<string, { labels: MetricLabels<L>; value: number }>();
        let record: (labels: MetricLabels<L>, value: number) => void;
        if (typeof meter.createGauge === 'function') {
          const gauge = meter.createGauge(d.name, options(d));
          record = (labels, value) => gauge.record(value, labels as Attributes);
        } else {
          const observable = meter.createObservableGauge(d.name, options(d));
          observable.addCallback((result) => {
            for (const series of current.values()) result.observe(series.value, series.labels as Attributes);
          });
          record = () => undefined;
        }
        const update = (labels: MetricLabels<L>, next: (previous: number) => number): void => {
          const key = seriesKey(d.labelNames, labels);
          const value = next(current.get(key)?.value ?? 0);
          current.set(key, { labels: { ...labels }, value });
          record(labels, value);
        };
        return {
          set: (labels: MetricLabels<L>, value: number) => update(labels, () => value),
          inc: (labels: MetricLabels<L>, value = 1) => update(labels, (v) => v + value),
          dec: (labels: MetricLabels<L>, value = 1) => update(labels, (v) => v - value),
        };
      });
    },

    histogram<L extends string>(d: HistogramDefinition<L>): HistogramMetric<L> {
      return once(d.name, () => {
        const histogram = meter.createHistogram(d.name, { ...options(d), advice: { explicitBucketBoundaries: [...d.buckets] } });
        return { observe: (labels: MetricLabels<L>, value: number) => histogram.record(value, labels as Attributes) };
      });
    },
  };
}
