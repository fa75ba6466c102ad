/**
 * The MetricsSink specification: the few instruments the SDK records to, so that the core has
 * no metrics dependency. Adapters map it onto prom-client (`novacron/prometheus`) or an
 * OpenTelemetry `Meter` (`novacron/otel`); the default sink drops everything.
 */

/** Label values of one series, by label name. */
export type MetricLabels<L extends string = string> = Readonly<Record<L, string>>;

/** What every instrument is declared with. */
export interface MetricDefinition<L extends string = string> {
  /** Metric name, e.g. `novacron_federation_vms_total`. */
  readonly name: string;
  /** One-line description. */
  readonly help: string;
  /** Names of the labels every series carries. */
  readonly labelNames: readonly L[];
  /** Unit, for backends that keep one (OpenTelemetry), e.g. `ms`. */
  readonly unit?: string | undefined;
}

/** A histogram's declaration: a {@link MetricDefinition} plus its bucket upper bounds. */
export interface HistogramDefinition<L extends string = string> extends MetricDefinition<L> {
  /** Upper bounds of the buckets, ascending (the `+Inf` bucket is implicit). */
  readonly buckets: readonly number[];
}

/** A value that only grows. */
export interface CounterMetric<L extends string = string> {
  /** Adds `value` (default 1; must not be negative). */
  inc(labels: MetricLabels<L>, value?: number): void;
}

/** A value that is set, or moves up and down. */
export interface GaugeMetric<L extends string = string> {
  /** Sets the series to `value`. */
  set(labels: MetricLabels<L>, value: number): void;
  /** Adds `value` (default 1). */
  inc(labels: MetricLabels<L>, value?: number): void;
  /** Subtracts `value` (default 1). */
  dec(labels: MetricLabels<L>, value?: number): void;
}

/** A distribution of observed values. */
export interface HistogramMetric<L extends string = string> {
  /** Records one observation. */
  observe(labels: MetricLabels<L>, value: number): void;
}

/** Creates instruments. Declaring the same name twice returns instruments of one series set. */
export interface MetricsSink {
  /** Declares a counter. */
  counter<L extends string>(definition: MetricDefinition<L>): CounterMetric<L>;
  /** Declares a gauge. */
  gauge<L extends string>(definition: MetricDefinition<L>): GaugeMetric<L>;
  /** Declares a histogram. */
  histogram<L extends string>(definition: HistogramDefinition<L>): HistogramMetric<L>;
}

const noop = (): void => undefined;

/** A sink that records nothing: the default, so that metrics cost nothing until a host wires a backend. */
export const noopMetricsSink: MetricsSink = Object.freeze({
  counter: () => ({ inc: noop }),
  gauge: () => ({ set: noop, inc: noop, dec: noop }),
  histogram: () => ({ observe: noop }),
});
