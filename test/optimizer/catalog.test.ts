import { describe, expect, it } from 'vitest';
import { Catalog, type OfferLoader } from '../../src/optimizer/catalog.js';
import { bundledSnapshotLoader, providerOffersLoader, staticOffersLoader } from '../../src/optimizer/loaders/provider-offers.js';
import { createMemoryStore } from '../../src/state/memory-store.js';
import type { Offer } from '../../src/provider/types.js';

const offer = (instanceType: string, price: number, extra: Partial<Offer> = {}): Offer => ({
  provider: 'aws',
  region: 'us-east-1',
  instanceType,
  vcpus: 2,
  memoryGiB: 8,
  arch: 'x86_64',
  onDemandHourly: price,
  currency: 'USD',
  source: 'test',
  asOf: '2026-11-01',
  ...extra,
});

/** A loader whose next answer the test decides. */
function scriptedLoader(name: string) {
  let next: () => Offer[] = () => [];
  let calls = 0;
  const loader: OfferLoader = {
    name,
    async *load() {
      calls++;
      yield* next();
    },
  };
  return {
    loader,
    answer(fn: () => Offer[]) {
      next = fn;
    },
    get calls() {
      return calls;
    },
  };
}

describe('Catalog', () => {
  it('loads on first use, numbers versions, and builds the index once per version', async () => {
    const a = scriptedLoader('a');
    a.answer(() => [offer('m5.large', 0.096)]);
    const catalog = new Catalog({ loaders: [a.loader] });
    expect(catalog.version).toBe(0);
    const s1 = await catalog.current();
    expect(s1.version).toBe(1);
    expect(s1.offers.map((o) => o.instanceType)).toEqual(['m5.large']);
    expect(s1.index()).toBe(s1.index());
    a.answer(() => [offer('m5.large', 0.09), offer('c5.large', 0.085)]);
    const report = await catalog.refresh();
    expect(report).toMatchObject({ version: 2, ok: true, offers: 2, keptLastGood: [] });
    const s2 = await catalog.current();
    expect(s2.index()).not.toBe(s1.index());
    expect(s1.offers).toHaveLength(1); // an old snapshot is immutable
  });

  it('keeps the last good offers of a failing loader and says so', async () => {
    const a = scriptedLoader('a');
    const b = scriptedLoader('b');
    a.answer(() => [offer('m5.large', 0.096)]);
    b.answer(() => [offer('n2-standard-2', 0.097, { provider: 'gcp', region: 'us-central1' })]);
    const reports: unknown[] = [];
    const catalog = new Catalog({ loaders: [a.loader, b.loader], onRefresh: (r) => reports.push(r) });
    await catalog.current();
    b.answer(() => {
      throw new Error('billing API returned 503');
    });
    const report = await catalog.refresh();
    expect(report.ok).toBe(false);
    expect(report.keptLastGood).toEqual(['b']);
    expect(report.loaders.find((l) => l.name === 'b')).toMatchObject({ ok: false, offers: 1, error: 'billing API returned 503' });
    expect((await catalog.current()).offers.map((o) => o.provider).sort()).toEqual(['aws', 'gcp']);
    expect(catalog.status().loaders.find((l) => l.name === 'b')?.ok).toBe(false);
    expect(reports).toHaveLength(2);
  });

  it('drops invalid offers and counts them', async () => {
    const catalog = new Catalog({
      loaders: [staticOffersLoader('s', [offer('ok', 1), offer('nan', Number.NaN), offer('', 1), { ...offer('nosource', 1), source: '' }])],
    });
    const s = await catalog.current();
    expect(s.offers.map((o) => o.instanceType)).toEqual(['ok']);
    expect(catalog.status().loaders[0]!.rejected).toBe(3);
  });

  it('refreshes in the background once older than the TTL, serving the stale catalog meanwhile', async () => {
    let now = 0;
    const a = scriptedLoader('a');
    a.answer(() => [offer('m5.large', 1)]);
    const catalog = new Catalog({ loaders: [a.loader], ttlMs: 1000, clock: () => now });
    await catalog.current();
    now = 500;
    await catalog.current();
    expect(a.calls).toBe(1);
    now = 1500;
    a.answer(() => [offer('m5.large', 2)]);
    const stale = await catalog.current();
    expect(stale.offers[0]!.onDemandHourly).toBe(1);
    await catalog.refresh(); // joins the background refresh
    expect(a.calls).toBe(2);
    expect((await catalog.current()).offers[0]!.onDemandHourly).toBe(2);
    expect(catalog.status().stale).toBe(false);
  });

  it('persists to a state store and restores from it without calling the loaders', async () => {
    const store = createMemoryStore();
    const a = scriptedLoader('a');
    a.answer(() => [offer('g5.xlarge', 1.006, { gpu: { model: 'a10g', count: 1, memoryGiB: 24 }, spotHourly: 0.4, spotInterruption: '15-20%', zone: 'us-east-1a' })]);
    const first = new Catalog({ loaders: [a.loader], store, clock: () => 1_000 });
    const report = await first.refresh();
    expect(report.persisted).toBe(true);
    const second = new Catalog({ loaders: [a.loader], store, clock: () => 2_000 });
    const restored = await second.current();
    expect(a.calls).toBe(1);
    expect(restored.offers).toEqual((await first.current()).offers);
    // A second writer with a stale version still persists (compare-and-swap, then retry once).
    const again = await first.refresh();
    expect(again.persisted).toBe(true);
    expect((await second.refresh()).persisted).toBe(true);
    expect((await store.get('optimizer/catalog'))!.version).toBe(3);
  });

  it('reports, rather than fails on, a store that refuses writes', async () => {
    const store = {
      get: async () => undefined,
      put: async (): Promise<number> => {
        throw new Error('disk full');
      },
    };
    const catalog = new Catalog({ loaders: [staticOffersLoader('s', [offer('m5.large', 1)])], store });
    const report = await catalog.refresh();
    expect(report).toMatchObject({ ok: true, persisted: false, persistError: 'disk full' });
  });

  it('stops on abort instead of recording a failure', async () => {
    const controller = new AbortController();
    const slow: OfferLoader = {
      name: 'slow',
      async *load({ signal } = {}) {
        controller.abort();
        signal?.throwIfAborted();
        yield offer('x', 1);
      },
    };
    const catalog = new Catalog({ loaders: [slow] });
    await expect(catalog.refresh({ signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('takes offers from any ProviderV1 offers() and from the bundled snapshot', async () => {
    const provider = {
      name: 'fake-aws',
      async *offers(region?: string) {
        yield offer('m5.large', 0.096, { region: region ?? 'us-east-1' });
      },
    };
    const catalog = new Catalog({ loaders: [providerOffersLoader(provider, { regions: ['us-east-1', 'eu-west-1'] }), bundledSnapshotLoader({ provider: 'gcp' })] });
    const s = await catalog.current();
    expect(s.offers.filter((o) => o.provider === 'aws').map((o) => o.region)).toEqual(['us-east-1', 'eu-west-1']);
    expect(s.offers.some((o) => o.source === 'bundled-snapshot:gcp')).toBe(true);
    expect(catalog.status().loaders.map((l) => l.name)).toEqual(['provider:fake-aws', 'bundled-snapshot']);
    expect(() => new Catalog({ loaders: [bundledSnapshotLoader(), bundledSnapshotLoader()] })).toThrow(/two loaders/);
  });
});

describe('Catalog under concurrent first use', () => {
  it('loads once when many callers ask at the same time', async () => {
    let calls = 0;
    const catalog = new Catalog({
      loaders: [
        {
          name: 'slow',
          async *load() {
            calls++;
            await new Promise((r) => setTimeout(r, 20));
            yield offer('m5.large', 1);
          },
        },
      ],
      store: createMemoryStore(),
    });
    const snapshots = await Promise.all(Array.from({ length: 5 }, () => catalog.current()));
    expect(calls).toBe(1);
    expect(new Set(snapshots.map((s) => s.version))).toEqual(new Set([1]));
  });
});
