/**
 * A {@link MetricsSink} that records into a prom-client `Registry`.
 *
 * prom-client is imported when the sink is created (so the factory is async), never by the
 * root entry; a host that bundles its own copy passes it as `promClient`. Metrics register in
 * the given registry only (not prom-client's global one), and a name already registered there
 * is reused, so two sinks over one registry share series instead of throwing.
 */
import type * as PromClient from 'prom-client';
import type { Registry } from 'prom-client';
import type { CounterMetric, GaugeMetric, HistogramDefinition, HistogramMetric, MetricDefinition, MetricsSink } from '../metrics-sink.js';

/** The prom-client classes the sink uses. */
export type PromClientModule = Pick<typeof PromClient, 'Counter' | 'Gauge' | 'Histogram'>;

/** Options of {@link createPrometheusSink}. */
export interface PrometheusSinkOptions {
  /** The registry to register the metrics in (scrape it with `registry.metrics()`). */
  registry: Registry;
  /** The prom-client module to use instead of importing `prom-client`. */
  promClient?: PromClientModule | undefined;
}

/** Creates a sink recording into `registry`. */
export async function createPrometheusSink(options: PrometheusSinkOptions): Promise<MetricsSink> {
  const prom: PromClientModule = options.promClient ?? (await import('prom-client'));
  const { registry } = options;

  function existing<M>(name: string): M | undefined {
    return registry.getSingleMetric(name) as M | undefined;
  }

  return {
    counter<L extends string>(d: MetricDefinition<L>): CounterMetric<L> {
      const metric = existing<PromClient.Counter<L>>(d.name) ?? new prom.Counter<L>({ name: d.name, help: d.help, labelNames: d.labelNames, registers: [registry] });
      return { inc: (labels, value = 1) => metric.inc(labels, value) };
    },
    gauge<L extends string>(d: MetricDefinition<L>): GaugeMetric<L> {
      const metric = existing<PromClient.Gauge<L>>(d.name) ?? new prom.Gauge<L>({ name: d.name, help: d.help, labelNames: d.labelNames, registers: [registry] });
      return {
        set: (labels, value) => metric.set(labels, value),
        inc: (labels, value = 1) => metric.inc(labels, value),
        dec: (labels, value = 1) => metric.dec(labels, value),
      };
    },
    histogram<L extends string>(d: HistogramDefinition<L>): HistogramMetric<L> {
      const metric =
        existing<PromClient.Histogram<L>>(d.name) ??
        new prom.Histogram<L>({ name: d.name, help: d.help, labelNames: d.labelNames, buckets: [...d.buckets], registers: [registry] });
      return { observe: (labels, value) => metric.observe(labels, value) };
    },
  };
}
