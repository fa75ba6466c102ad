/**
 * probeLatency against loopback listeners: a finite positive median per reachable target, every
 * sample in the latency histogram with its labels, medians fed to the placement's latency
 * matrix, a closed port answered as `refused` (no sample, no matrix entry) without failing the
 * sweep, and the caller's abort (the timeout is proven in wireguard-namespaces.test.ts, where a
 * dropped SYN is deterministic).
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatencyMatrix } from '../../src/federation/placement/latency-matrix.js';
import type { HistogramDefinition, MetricsSink } from '../../src/metrics/metrics-sink.js';
import { probeLatency } from '../../src/network/index.js';
import { AbortError, InvalidSpecError } from '../../src/provider/errors.js';
import { rejectionOf } from '../helpers.js';

/** A sink that keeps histogram declarations and observations. */
function recordingSink() {
  const declared: HistogramDefinition[] = [];
  const observed: { name: string; labels: Record<string, string>; value: number }[] = [];
  const noop = (): void => undefined;
  const sink: MetricsSink = {
    counter: () => ({ inc: noop }),
    gauge: () => ({ set: noop, inc: noop, dec: noop }),
    histogram: (d) => {
      declared.push(d);
      return { observe: (labels, value) => void observed.push({ name: d.name, labels: { ...labels }, value }) };
    },
  };
  return { sink, declared, observed };
}

function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as { port: number }).port)));
}

let open: Server;
let openPort: number;
let closedPort: number;
beforeAll(async () => {
  open = createServer((socket) => socket.destroy());
  openPort = await listen(open);
  // A port that was just free: bound, then closed, so that nothing listens on it.
  const gone = createServer();
  closedPort = await listen(gone);
  await new Promise((r) => gone.close(r));
});
afterAll(async () => {
  await new Promise((r) => open.close(r));
});

describe('probeLatency', () => {
  it('reports a finite positive median of N connects, records each in the histogram and refines the matrix', async () => {
    const { sink, declared, observed } = recordingSink();
    const matrix = new LatencyMatrix({ withoutPublishedTable: true });
    const [m] = await probeLatency([{ source: 'aws-east', destination: 'gcp-west', endpoint: `127.0.0.1:${openPort}` }], { samples: 5, metrics: sink, matrix });
    expect(m!.samplesMs).toHaveLength(5);
    expect(m!.failedSamples).toBe(0);
    expect(m!.failure).toBeUndefined();
    expect(Number.isFinite(m!.rttMs) && m!.rttMs! > 0).toBe(true);
    const sorted = [...m!.samplesMs].sort((a, b) => a - b);
    expect(m!.rttMs).toBe(sorted[2]);

    expect(declared[0]).toMatchObject({ name: 'novacron_federation_network_latency_ms', labelNames: ['source', 'destination'], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], unit: 'ms' });
    expect(observed.map((o) => o.value)).toEqual(m!.samplesMs);
    expect(observed.every((o) => o.name === 'novacron_federation_network_latency_ms' && o.labels.source === 'aws-east' && o.labels.destination === 'gcp-west')).toBe(true);

    // The matrix knew nothing of the pair; now it has the live probe, in either order.
    expect(matrix.rtt('gcp-west', 'aws-east')).toMatchObject({ rttMs: m!.rttMs, source: 'live-probe' });
  });

  it('answers a closed port with `refused` and no sample, and still measures the other targets', async () => {
    const { sink, observed } = recordingSink();
    const matrix = new LatencyMatrix({ withoutPublishedTable: true });
    const results = await probeLatency(
      [
        { source: 'a', destination: 'down', endpoint: `127.0.0.1:${closedPort}` },
        { source: 'a', destination: 'up', endpoint: `127.0.0.1:${openPort}` },
      ],
      { samples: 3, metrics: sink, matrix },
    );
    expect(results[0]).toMatchObject({ destination: 'down', rttMs: undefined, samplesMs: [], failedSamples: 3, failure: { reason: 'refused', code: 'ECONNREFUSED' } });
    expect(results[1]!.rttMs).toBeGreaterThan(0);
    expect(observed.every((o) => o.labels.destination === 'up')).toBe(true);
    expect(matrix.rtt('a', 'down')).toBeUndefined();
  });

  it('rejects with an AbortError when the caller aborts, and refuses malformed endpoints', async () => {
    const controller = new AbortController();
    // Far more connects than 20 ms allow: the abort lands mid-sweep.
    const pending = probeLatency([{ source: 'a', destination: 'up', endpoint: `127.0.0.1:${openPort}` }], { samples: 1_000_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(AbortError.isInstance(await rejectionOf(pending))).toBe(true);
    controller.abort();
    expect(AbortError.isInstance(await rejectionOf(probeLatency([{ source: 'a', destination: 'up', endpoint: `127.0.0.1:${openPort}` }], { signal: controller.signal })))).toBe(true);
    const bad = await rejectionOf(probeLatency([{ source: 'a', destination: 'b', endpoint: 'no-port' }]));
    expect(InvalidSpecError.isInstance(bad)).toBe(true);
    expect(String(bad)).toMatch(/targets\[0\]\.endpoint/);
  });
});
