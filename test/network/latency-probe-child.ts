/**
 * A separate process that runs probeLatency and prints what it measured, with every histogram
 * sample it recorded, as one line of JSON. The namespace test starts it inside a network
 * namespace (`ip netns exec`), where the test process itself cannot connect from. Not a test file.
 */
import type { MetricsSink } from '../../src/metrics/metrics-sink.js';
import { probeLatency, type LatencyTarget, type ProbeLatencyOptions } from '../../src/network/index.js';

const targets = JSON.parse(process.env.NOVACRON_PROBE_TARGETS ?? '[]') as LatencyTarget[];
const options = JSON.parse(process.env.NOVACRON_PROBE_OPTIONS ?? '{}') as Pick<ProbeLatencyOptions, 'samples' | 'timeoutMs'>;
const observed: { name: string; buckets: readonly number[]; labels: Record<string, string>; value: number }[] = [];
const noop = (): void => undefined;
const sink: MetricsSink = {
  counter: () => ({ inc: noop }),
  gauge: () => ({ set: noop, inc: noop, dec: noop }),
  histogram: (d) => ({ observe: (labels, value) => void observed.push({ name: d.name, buckets: d.buckets, labels: { ...labels }, value }) }),
};
const measurements = await probeLatency(targets, { ...options, metrics: sink });
process.stdout.write(`${JSON.stringify({ measurements, observed })}\n`);
