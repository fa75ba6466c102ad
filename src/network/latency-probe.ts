/**
 * Measured round trips between sites: {@link probeLatency} times TCP connects (SYN → SYN-ACK,
 * one round trip, no payload and nothing the far side must run but a listener) to each target,
 * a few times in a row, and reports the median — one slow handshake (an ARP miss, a first
 * WireGuard handshake) does not move it.
 *
 * Every sample lands in `novacron_federation_network_latency_ms{source,destination}` (the
 * specification's histogram, buckets 1…512 ms) through the host's MetricsSink; each median can
 * feed the placement's {@link LatencyMatrix} (its live-probe layer, through `recordProbe`), so
 * that `near … maxLatency` rules use what the federation measured rather than the published
 * table or the distance model.
 *
 * An unreachable target is an answer, not a failure of the sweep: its `rttMs` is `undefined` and
 * `failure` says why (refused, timed out, unreachable). Only the caller's abort rejects.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { abortErrorFor } from '../federation/operations/deadline.js';
import type { LatencyMatrix } from '../federation/placement/latency-matrix.js';
import { createFederationMetrics } from '../metrics/federation-metrics.js';
import type { MetricsSink } from '../metrics/metrics-sink.js';
import { InvalidSpecError } from '../provider/errors.js';

/** One pair to measure: who measures (`source`), what it reaches (`destination`), and where. */
export interface LatencyTarget {
  /** Label of the measuring site (a region, an overlay node): the metric's `source`, the matrix's first key. */
  readonly source: string;
  /** Label of the far site: the metric's `destination`, the matrix's second key. */
  readonly destination: string;
  /** A TCP listener of the far site, `host:port` or `[ipv6]:port`. */
  readonly endpoint: string;
}

/** Why a target gave no sample. */
export type LatencyFailureReason = 'refused' | 'timeout' | 'unreachable' | 'error';

/** What {@link probeLatency} measured for one target. */
export interface LatencyMeasurement {
  /** The measuring site. */
  readonly source: string;
  /** The far site. */
  readonly destination: string;
  /** The endpoint connected to, as given. */
  readonly endpoint: string;
  /** Median connect time in ms over the samples that succeeded; `undefined` when none did. */
  readonly rttMs: number | undefined;
  /** Every successful connect time in ms, in the order taken. */
  readonly samplesMs: readonly number[];
  /** Connects that failed. */
  readonly failedSamples: number;
  /** Why the last failed connect failed, when one did. */
  readonly failure?: LatencyFailure | undefined;
}

/** Why a connect of {@link probeLatency} failed. */
export interface LatencyFailure {
  /** The kind of failure. */
  readonly reason: LatencyFailureReason;
  /** The system's error code (`ECONNREFUSED`, `EHOSTUNREACH`), or none for novacron's own timeout. */
  readonly code: string | undefined;
}

/** Options of {@link probeLatency}. */
export interface ProbeLatencyOptions {
  /** Connects per target (default 5). */
  readonly samples?: number | undefined;
  /** Longest wait for one connect, in ms (default 1000); a connect that takes longer counts as failed. */
  readonly timeoutMs?: number | undefined;
  /** Targets measured at once (default 4); the samples of one target always run one after another. */
  readonly concurrency?: number | undefined;
  /** Local address to connect from (picks the interface, e.g. an overlay address). */
  readonly localAddress?: string | undefined;
  /** Where samples are recorded (`novacron_federation_network_latency_ms`); default: nowhere. */
  readonly metrics?: MetricsSink | undefined;
  /** A latency matrix to refine: each median is fed to `recordProbe(source, destination, rttMs)`. */
  readonly matrix?: Pick<LatencyMatrix, 'recordProbe'> | undefined;
  /** Cancels the sweep: it rejects with an `AbortError`, and open connects are closed. */
  readonly signal?: AbortSignal | undefined;
}

const ENDPOINT = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):([0-9]{1,5})$/;

function parseEndpoint(endpoint: string, field: string): { host: string; port: number } {
  const m = ENDPOINT.exec(endpoint);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) throw new InvalidSpecError({ issues: [{ field, message: `must be host:port or [ipv6]:port, got ${JSON.stringify(endpoint)}` }] });
  return { host: (m[1] ?? m[2])!, port };
}

function positiveInteger(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new InvalidSpecError({ issues: [{ field, message: 'must be a whole number of at least 1' }] });
  return v;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function reasonOf(code: string | undefined): LatencyFailureReason {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return 'unreachable';
  return 'error';
}

type Sample = { readonly ms: number } | LatencyFailure;

/** One timed connect; settles with a sample or a failure code, or rejects on the caller's abort. */
function connectOnce(host: string, port: number, timeoutMs: number, localAddress: string | undefined, signal: AbortSignal | undefined): Promise<Sample> {
  return new Promise<Sample>((resolve, reject) => {
    const started = performance.now();
    const socket: Socket = connect({ host, port, localAddress, noDelay: true });
    const finish = (outcome: Sample | Error): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = (): void => finish(abortErrorFor(signal!, { operation: 'probeLatency' }));
    const timer = setTimeout(() => finish({ reason: 'timeout', code: undefined }), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ ms: performance.now() - started }));
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ reason: reasonOf(error.code), code: error.code }));
  });
}

/**
 * Measures TCP-connect round trips to each target: `samples` connects in a row, each bounded by
 * `timeoutMs`; returns one {@link LatencyMeasurement} per target, in the order given. Records
 * every sample in the latency histogram and feeds each median to `matrix`. `InvalidSpecError`
 * for a malformed endpoint or option; `AbortError` when `signal` aborts.
 */
export async function probeLatency(targets: readonly LatencyTarget[], options: ProbeLatencyOptions = {}): Promise<LatencyMeasurement[]> {
  const samples = positiveInteger(options.samples, 5, 'samples');
  const timeoutMs = positiveInteger(options.timeoutMs, 1_000, 'timeoutMs');
  const concurrency = positiveInteger(options.concurrency, 4, 'concurrency');
  const parsed = targets.map((t, i) => ({ target: t, ...parseEndpoint(t.endpoint, `targets[${i}].endpoint`) }));
  if (options.signal?.aborted) throw abortErrorFor(options.signal, { operation: 'probeLatency' });
  const histogram = options.metrics === undefined ? undefined : createFederationMetrics(options.metrics).networkLatencyMs;

  const measure = async ({ target, host, port }: (typeof parsed)[number]): Promise<LatencyMeasurement> => {
    const samplesMs: number[] = [];
    let failedSamples = 0;
    let failure: LatencyFailure | undefined;
    for (let i = 0; i < samples; i++) {
      const sample = await connectOnce(host, port, timeoutMs, options.localAddress, options.signal);
      if ('ms' in sample) {
        samplesMs.push(sample.ms);
        histogram?.observe({ source: target.source, destination: target.destination }, sample.ms);
      } else {
        failedSamples++;
        failure = { reason: sample.reason, code: sample.code };
      }
    }
    const rttMs = median(samplesMs);
    if (rttMs !== undefined) options.matrix?.recordProbe(target.source, target.destination, rttMs);
    return {
      source: target.source,
      destination: target.destination,
      endpoint: target.endpoint,
      rttMs,
      samplesMs,
      failedSamples,
      failure,
    };
  };

  const results: LatencyMeasurement[] = new Array<LatencyMeasurement>(parsed.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < parsed.length) {
      const i = next++;
      results[i] = await measure(parsed[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, parsed.length) }, worker));
  return results;
}
