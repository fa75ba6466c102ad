/**
 * The state-store conformance suite: every store (ours and third parties') proves the
 * StateStore specification by running it from its own test file.
 *
 * ```ts
 * describeStateStoreConformance('sqlite', () => createSqliteStore({ path }), {
 *   childStore: { module: '/abs/path/to/sqlite/index.js', exportName: 'createSqliteStore', args: { path } },
 * });
 * ```
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../provider/abort.js';
import { ConflictError, InvalidSpecError } from '../provider/errors.js';
import { FencedError } from '../state/fenced-error.js';
import { compareKeys } from '../state/key-path.js';
import type { Lease, StateStore, StoredRecord, WatchEvent } from '../state/state-store.js';
import { ChildStore, type ChildCallError, type ChildStoreDescriptor } from './state-store-child.js';
import { seededRandom, StateStoreModel, type ModelOperation, type ModelOutcome } from './state-store-model.js';

export type { ChildStoreDescriptor, ChildCallError } from './state-store-child.js';

/** Options of {@link describeStateStoreConformance}. */
export interface StateStoreConformanceOptions {
  /**
   * Whether every `factory()` call opens another client onto the same data (a SQLite file, a
   * PostgreSQL schema): default `true`. Stores that live in one object (the memory store) set
   * `false`; the suite then opens one store per test and lets its contenders share it, and skips
   * nothing else.
   */
  sharedAcrossInstances?: boolean | undefined;
  /**
   * How a child process opens a client of the same store, for the two-process lease race. When
   * absent (a store that cannot be shared between processes), the race runs between two
   * contenders in this process instead.
   */
  childStore?: ChildStoreDescriptor | undefined;
  /** Lease duration used by the expiry tests, in milliseconds (default 1500). */
  leaseTtlMs?: number | undefined;
}

/** Waits for the next event of a watch, failing the test instead of hanging when none comes. */
async function nextEvent(iterator: AsyncIterator<WatchEvent>, what: string): Promise<WatchEvent> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no watch event arrived (waiting for ${what})`)), 15_000);
  });
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    if (result.done === true) throw new Error(`watch ended while waiting for ${what}`);
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

async function collect<T>(iterable: AsyncIterable<StoredRecord<T>>): Promise<StoredRecord<T>[]> {
  const out: StoredRecord<T>[] = [];
  for await (const record of iterable) out.push(record);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject, but it resolved');
}

/** Retries `acquire` until it returns a lease, for the expiry tests; fails after `limitMs`. */
async function acquireEventually(acquire: () => Promise<Lease | null>, limitMs: number): Promise<Lease> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const lease = await acquire();
    if (lease !== null) return lease;
    if (Date.now() > deadline) throw new Error('the lease never became free');
    await sleep(50);
  }
}

/**
 * Registers the conformance tests for a {@link StateStore} implementation with vitest.
 *
 * @param name - Label of the store, shown in test names.
 * @param factory - Opens a client of the store under test. Each test uses its own key prefix, so
 *   stores need not be empty; the suite closes every store it opened.
 * @param options - See {@link StateStoreConformanceOptions}.
 */
export function describeStateStoreConformance(
  name: string,
  factory: () => StateStore | Promise<StateStore>,
  options: StateStoreConformanceOptions = {},
): void {
  const shared = options.sharedAcrossInstances ?? true;
  const ttl = options.leaseTtlMs ?? 1500;
  const run = randomUUID().slice(0, 8);
  let counter = 0;
  const opened: StateStore[] = [];
  const children: ChildStore[] = [];

  async function open(): Promise<StateStore> {
    const store = await factory();
    opened.push(store);
    return store;
  }

  /** A fresh store (or client) for one test, and a key prefix no other test uses. */
  async function setup(): Promise<{ store: StateStore; prefix: string; other: () => Promise<StateStore> }> {
    const store = await open();
    const prefix = `conformance/${run}/t${++counter}`;
    // A second client onto the same data where the store has them; the same object otherwise.
    const other = async (): Promise<StateStore> => (shared ? open() : store);
    return { store, prefix, other };
  }

  describe(`StateStore conformance: ${name}`, () => {
    afterEach(async () => {
      await Promise.all(children.splice(0).map((c) => c.close()));
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });
    afterAll(async () => {
      await Promise.all(children.splice(0).map((c) => c.close()));
    });

    describe('records', () => {
      it('creates at version 1, bumps the version by 1 on each write, and reads back copies', async () => {
        const { store, prefix } = await setup();
        const key = `${prefix}/vm`;
        expect(await store.get(key)).toBeUndefined();
        expect(await store.put(key, { state: 'pending', tags: ['a'] })).toBe(1);
        expect(await store.put(key, { state: 'running', tags: ['a', 'b'] })).toBe(2);
        const record = await store.get<{ state: string; tags: string[] }>(key);
        expect(record).toEqual({ key, value: { state: 'running', tags: ['a', 'b'] }, version: 2 });
        record!.value.tags.push('mutated');
        expect((await store.get<{ tags: string[] }>(key))!.value.tags).toEqual(['a', 'b']);
      });

      it('stores every JSON value exactly, including unicode, nested objects and key order', async () => {
        const { store, prefix } = await setup();
        const values: unknown[] = [null, true, 0, -1.5, 1e300, '', 'é 🚀 \u0000 "q"', [], [1, [2, [3]]], { z: 1, a: { y: [null], b: 'x' } }];
        for (const [i, value] of values.entries()) await store.put(`${prefix}/v${i}`, value);
        for (const [i, value] of values.entries()) {
          const record = await store.get(`${prefix}/v${i}`);
          expect(record?.value).toEqual(value);
          expect(JSON.stringify(record?.value)).toBe(JSON.stringify(value));
        }
      });

      it('refuses invalid keys and values that have no JSON form, writing nothing', async () => {
        const { store, prefix } = await setup();
        for (const key of ['', '/a', 'a/', 'a//b', 'a\u0000b', 'a\uD800b', 'x'.repeat(1025)]) {
          expect(InvalidSpecError.isInstance(await rejection(store.put(key, 1))), JSON.stringify(key)).toBe(true);
        }
        for (const value of [undefined, () => 1, Number.NaN, { n: Infinity }, 10n]) {
          expect(InvalidSpecError.isInstance(await rejection(store.put(`${prefix}/bad`, value)))).toBe(true);
        }
        expect(await store.get(`${prefix}/bad`)).toBeUndefined();
      });

      it('compare-and-swap writes only at the expected version', async () => {
        const { store, prefix } = await setup();
        const key = `${prefix}/cas`;
        const error = await rejection(store.put(key, 'x', { expectedVersion: 1 }));
        expect(ConflictError.isInstance(error)).toBe(true);
        expect(await store.get(key)).toBeUndefined();
        await store.put(key, 'v1');
        expect(await store.put(key, 'v2', { expectedVersion: 1 })).toBe(2);
        const stale = await rejection(store.put(key, 'lost', { expectedVersion: 1 }));
        expect(ConflictError.isInstance(stale)).toBe(true);
        expect((stale as Error).message).toContain(key);
        expect(await store.get(key)).toEqual({ key, value: 'v2', version: 2 });
        expect(await store.put(key, 'v3', { expectedVersion: 2 })).toBe(3);
      });

      it('create-only (expectedVersion: null) succeeds once', async () => {
        const { store, prefix } = await setup();
        const key = `${prefix}/once`;
        expect(await store.put(key, 'first', { expectedVersion: null })).toBe(1);
        expect(ConflictError.isInstance(await rejection(store.put(key, 'second', { expectedVersion: null })))).toBe(true);
        expect((await store.get(key))?.value).toBe('first');
      });

      it('deletes unconditionally or at the expected version', async () => {
        const { store, prefix } = await setup();
        const key = `${prefix}/del`;
        expect(await store.delete(key)).toBe(false);
        expect(ConflictError.isInstance(await rejection(store.delete(key, { expectedVersion: 1 })))).toBe(true);
        await store.put(key, 1);
        await store.put(key, 2);
        expect(ConflictError.isInstance(await rejection(store.delete(key, { expectedVersion: 1 })))).toBe(true);
        expect((await store.get(key))?.version).toBe(2);
        expect(await store.delete(key, { expectedVersion: 2 })).toBe(true);
        expect(await store.get(key)).toBeUndefined();
        expect(await store.put(key, 'again', { expectedVersion: null })).toBe(1);
        expect(await store.delete(key)).toBe(true);
        expect(await store.delete(key)).toBe(false);
      });

      it('rejects with the abort reason when the signal is already aborted', async () => {
        const { store, prefix } = await setup();
        const controller = new AbortController();
        controller.abort();
        const signal = controller.signal;
        const calls = [
          () => store.get(`${prefix}/a`, { signal }),
          () => store.put(`${prefix}/a`, 1, { signal }),
          () => store.delete(`${prefix}/a`, { signal }),
          () => store.transaction([{ type: 'put', key: `${prefix}/a`, value: 1 }], { signal }),
          () => store.acquireLease(`${prefix}/lease`, 'me', ttl, { signal }),
          () => collect(store.list(prefix, { signal })),
        ];
        for (const call of calls) expect(((await rejection(call())) as Error).name).toBe('AbortError');
        expect(await store.get(`${prefix}/a`)).toBeUndefined();
      });
    });

    describe('transactions', () => {
      it('applies every operation and returns the new versions in order', async () => {
        const { store, prefix } = await setup();
        await store.put(`${prefix}/b`, 'b1');
        await store.put(`${prefix}/c`, 'c1');
        await store.put(`${prefix}/d`, 'd1');
        const results = await store.transaction([
          { type: 'put', key: `${prefix}/a`, value: 'a1', expectedVersion: null },
          { type: 'put', key: `${prefix}/b`, value: 'b2', expectedVersion: 1 },
          { type: 'delete', key: `${prefix}/c`, expectedVersion: 1 },
          { type: 'check', key: `${prefix}/d`, expectedVersion: 1 },
          { type: 'put', key: `${prefix}/e`, value: { n: 1 } },
        ]);
        expect(results).toEqual([
          { key: `${prefix}/a`, version: 1 },
          { key: `${prefix}/b`, version: 2 },
          { key: `${prefix}/c`, version: null },
          { key: `${prefix}/d`, version: 1 },
          { key: `${prefix}/e`, version: 1 },
        ]);
        expect((await collect(store.list(prefix))).map((r) => [r.key.slice(prefix.length + 1), r.value, r.version])).toEqual([
          ['a', 'a1', 1],
          ['b', 'b2', 2],
          ['d', 'd1', 1],
          ['e', { n: 1 }, 1],
        ]);
      });

      it('writes nothing when any condition fails, whichever operation it is', async () => {
        const { store, prefix } = await setup();
        await store.put(`${prefix}/x`, 'x1');
        await store.put(`${prefix}/y`, 'y1');
        const failing = [
          { type: 'put', key: `${prefix}/x`, value: 'stale', expectedVersion: 7 },
          { type: 'put', key: `${prefix}/y`, value: 'exists', expectedVersion: null },
          { type: 'delete', key: `${prefix}/missing`, expectedVersion: 1 },
          { type: 'check', key: `${prefix}/y`, expectedVersion: 2 },
        ] as const;
        for (const [i, bad] of failing.entries()) {
          // The failing operation comes last, after writes that would succeed on their own.
          const ops = [
            { type: 'put', key: `${prefix}/new${i}`, value: 'n', expectedVersion: null },
            { type: 'put', key: `${prefix}/x2`, value: i },
            { type: 'delete', key: `${prefix}/${bad.key.endsWith('/x') ? 'y' : 'x'}` },
            bad,
          ] as const;
          expect(ConflictError.isInstance(await rejection(store.transaction(ops))), `case ${i}`).toBe(true);
          expect((await collect(store.list(prefix))).map((r) => [r.key.slice(prefix.length + 1), r.value, r.version])).toEqual([
            ['x', 'x1', 1],
            ['y', 'y1', 1],
          ]);
        }
      });

      it('refuses a transaction naming one key twice', async () => {
        const { store, prefix } = await setup();
        const error = await rejection(
          store.transaction([
            { type: 'put', key: `${prefix}/k`, value: 1 },
            { type: 'delete', key: `${prefix}/k` },
          ]),
        );
        expect(InvalidSpecError.isInstance(error)).toBe(true);
        expect(await store.get(`${prefix}/k`)).toBeUndefined();
      });
    });

    describe('model', () => {
      it('agrees with the reference model on random sequences of puts, deletes and transactions', async () => {
        const { store, prefix } = await setup();
        const keys = ['a', 'a/b', 'a/b/c', 'ab', 'b', 'é'].map((k) => `${prefix}/m/${k}`);
        const seed = Math.floor(Math.random() * 2 ** 31);
        const random = seededRandom(seed);
        const model = new StateStoreModel();
        const perform = async (op: ModelOperation): Promise<ModelOutcome> => {
          try {
            if (op.kind === 'put') return { ok: true, result: await store.put(op.key, op.value, { expectedVersion: op.expectedVersion }) };
            if (op.kind === 'delete') return { ok: true, result: await store.delete(op.key, { expectedVersion: op.expectedVersion }) };
            return { ok: true, result: await store.transaction(op.ops) };
          } catch (error) {
            if (!ConflictError.isInstance(error)) throw error;
            return { ok: false };
          }
        };
        const outcomes = { ok: 0, conflict: 0 };
        for (let step = 0; step < 300; step++) {
          const op = model.randomOperation(random, keys);
          const expected = model.apply(op);
          expect(await perform(op), `seed ${seed}, step ${step}: ${JSON.stringify(op)}`).toEqual(expected);
          outcomes[expected.ok ? 'ok' : 'conflict']++;
        }
        // Both paths must have been exercised for the comparison to mean anything.
        expect(outcomes.ok).toBeGreaterThan(50);
        expect(outcomes.conflict).toBeGreaterThan(50);
        const listed = await collect(store.list(`${prefix}/m`));
        const modelled = [...model.records].sort(([x], [y]) => compareKeys(x, y)).map(([key, r]) => ({ key, ...r }));
        expect(listed, `seed ${seed}`).toEqual(modelled);
        for (const key of keys) expect(await store.get(key), `seed ${seed}: ${key}`).toEqual(model.records.has(key) ? { key, ...model.records.get(key)! } : undefined);
      });
    });

    describe('list', () => {
      it('lists only keys under the prefix path, in code-point order', async () => {
        const { store, prefix } = await setup();
        const under = ['vms/a/x', 'vms/a/y/z', 'vms/a/-', 'vms/a/Z', 'vms/a/é', 'vms/a/\uFF5E', 'vms/a/😀', 'vms/a/x0', 'vms/a/x/1'];
        const outside = ['vms/a', 'vms/ab', 'vms/ab/c', 'vms/a0', 'vms/a-', 'vms/b/a', 'vms/A/x'];
        const shuffled = [...under, ...outside].sort(() => Math.random() - 0.5);
        for (const key of shuffled) await store.put(`${prefix}/${key}`, key);
        const expected = under.map((k) => `${prefix}/${k}`).sort(compareKeys);
        // '😀' (U+1F600) sorts after U+FF5E by code point, though its UTF-16 form sorts before.
        expect(expected.indexOf(`${prefix}/vms/a/😀`)).toBe(expected.length - 1);
        for (const p of [`${prefix}/vms/a`, `${prefix}/vms/a/`]) {
          const listed = await collect(store.list<string>(p));
          expect(listed.map((r) => r.key)).toEqual(expected);
          expect(listed.every((r) => r.value === r.key.slice(prefix.length + 1) && r.version === 1)).toBe(true);
        }
        expect((await collect(store.list(`${prefix}/vms/ab`))).map((r) => r.key)).toEqual([`${prefix}/vms/ab/c`]);
        expect(await collect(store.list(`${prefix}/nothing`))).toEqual([]);
      });

      it('streams more records than fit in one page, each exactly once and in order', async () => {
        const { store, prefix } = await setup();
        const count = 2_345;
        const keys = Array.from({ length: count }, (_, i) => `${prefix}/many/${String((i * 7919) % count).padStart(5, '0')}`);
        await Promise.all(
          Array.from({ length: 8 }, async (_, w) => {
            for (let i = w; i < count; i += 8) await store.put(keys[i]!, i);
          }),
        );
        const listed = await collect(store.list(`${prefix}/many`));
        expect(listed.map((r) => r.key)).toEqual([...keys].sort(compareKeys));
        const all = await collect(store.list(''));
        expect(all.filter((r) => r.key.startsWith(`${prefix}/many/`))).toHaveLength(count);
        for (let i = 1; i < all.length; i++) expect(compareKeys(all[i - 1]!.key, all[i]!.key)).toBeLessThan(0);
      });

      it('stops when the signal aborts mid-listing', async () => {
        const { store, prefix } = await setup();
        for (let i = 0; i < 1500; i++) await store.put(`${prefix}/p/${String(i).padStart(4, '0')}`, i);
        const controller = new AbortController();
        let seen = 0;
        const error = await rejection(
          (async () => {
            for await (const _ of store.list(`${prefix}/p`, { signal: controller.signal })) {
              if (++seen === 10) controller.abort();
            }
          })(),
        );
        expect((error as Error).name).toBe('AbortError');
        expect(seen).toBeLessThan(1500);
      });
    });

    describe('concurrency', () => {
      it('16 concurrent compare-and-swap writers lose no update', async () => {
        const { store, prefix, other } = await setup();
        const clients = [store, await other()];
        const key = `${prefix}/counter`;
        await store.put(key, 0, { expectedVersion: null });
        const perWriter = 12;
        let successes = 0;
        let conflicts = 0;
        await Promise.all(
          Array.from({ length: 16 }, async (_, w) => {
            const client = clients[w % clients.length]!;
            for (let done = 0; done < perWriter; ) {
              const current = (await client.get<number>(key))!;
              try {
                await client.put(key, current.value + 1, { expectedVersion: current.version });
                successes++;
                done++;
              } catch (error) {
                if (!ConflictError.isInstance(error)) throw error;
                conflicts++;
              }
            }
          }),
        );
        const final = await store.get<number>(key);
        expect(successes).toBe(16 * perWriter);
        expect(final).toEqual({ key, value: successes, version: successes + 1 });
        expect(conflicts).toBeGreaterThanOrEqual(0);
      });

      it('concurrent create-only puts of one key: exactly one succeeds', async () => {
        const { store, prefix, other } = await setup();
        const clients = [store, await other()];
        const key = `${prefix}/claim`;
        const outcomes = await Promise.allSettled(Array.from({ length: 16 }, (_, w) => clients[w % 2]!.put(key, w, { expectedVersion: null })));
        const winners = outcomes.filter((o) => o.status === 'fulfilled');
        expect(winners).toHaveLength(1);
        expect(outcomes.filter((o) => o.status === 'rejected').every((o) => ConflictError.isInstance((o as PromiseRejectedResult).reason))).toBe(true);
        expect((await store.get(key))?.version).toBe(1);
      });
    });

    describe('leases', () => {
      it('grants a lease to one holder at a time and lets the holder extend it with the same token', async () => {
        const { store, prefix } = await setup();
        const name = `${prefix}/leader`;
        const a = await store.acquireLease(name, 'replica-a', 60_000);
        expect(a).not.toBeNull();
        expect(a!.holder).toBe('replica-a');
        expect(a!.fencingToken).toBeGreaterThanOrEqual(1);
        expect(await store.acquireLease(name, 'replica-b', 60_000)).toBeNull();
        const again = await store.acquireLease(name, 'replica-a', 120_000);
        expect(again?.fencingToken).toBe(a!.fencingToken);
        expect(again!.expiresAt.getTime()).toBeGreaterThan(a!.expiresAt.getTime());
        const renewed = await store.renewLease(a!, 60_000);
        expect(renewed?.fencingToken).toBe(a!.fencingToken);
        expect(await store.getLease(name)).toMatchObject({ name, holder: 'replica-a', fencingToken: a!.fencingToken });
        expect(await store.renewLease({ ...a!, holder: 'replica-b' }, 60_000)).toBeNull();
        expect(await store.releaseLease({ ...a!, holder: 'replica-b' })).toBe(false);
      });

      it('after release, the next holder gets a higher token and the old tenure can no longer renew or write', async () => {
        const { store, prefix } = await setup();
        const name = `${prefix}/lock`;
        const a = (await store.acquireLease(name, 'a', 60_000))!;
        await store.put(`${prefix}/owned`, 'by a', { fencing: { lease: name, token: a.fencingToken } });
        expect(await store.releaseLease(a)).toBe(true);
        expect(await store.getLease(name)).toBeUndefined();
        const b = (await store.acquireLease(name, 'b', 60_000))!;
        expect(b.fencingToken).toBeGreaterThan(a.fencingToken);
        expect(await store.renewLease(a, 60_000)).toBeNull();
        expect(await store.releaseLease(a)).toBe(false);
        const error = await rejection(store.put(`${prefix}/owned`, 'by stale a', { fencing: { lease: name, token: a.fencingToken } }));
        expect(FencedError.isInstance(error)).toBe(true);
        expect(ConflictError.isInstance(error)).toBe(true);
        expect((await store.get(`${prefix}/owned`))?.value).toBe('by a');
        // Re-acquiring after one's own release is a new tenure, too.
        expect(await store.releaseLease(b)).toBe(true);
        const b2 = (await store.acquireLease(name, 'b', 60_000))!;
        expect(b2.fencingToken).toBeGreaterThan(b.fencingToken);
      });

      it('an expired lease passes to another holder with a higher token, and the stale holder is fenced out of every write', async () => {
        const { store, prefix, other } = await setup();
        const peer = await other();
        const name = `${prefix}/vm-lock/i-1`;
        const key = `${prefix}/vm/i-1`;
        const a = (await store.acquireLease(name, 'a', ttl))!;
        const aGuard = { lease: name, token: a.fencingToken };
        await store.put(key, 'a1', { fencing: aGuard });
        const b = await acquireEventually(() => peer.acquireLease(name, 'b', 60_000), ttl + 20_000);
        expect(b.fencingToken).toBeGreaterThan(a.fencingToken);
        expect(await store.renewLease(a, ttl)).toBeNull();
        const stale = [
          () => store.put(key, 'a2', { fencing: aGuard }),
          () => store.put(key, 'a2', { fencing: aGuard, expectedVersion: 1 }),
          () => store.delete(key, { fencing: aGuard }),
          () => store.transaction([{ type: 'put', key: `${prefix}/other`, value: 1 }], { fencing: aGuard }),
          () => store.put(key, 'never issued', { fencing: { lease: name, token: b.fencingToken + 1 } }),
          () => store.put(key, 'no such lease', { fencing: { lease: `${prefix}/nope`, token: 1 } }),
        ];
        for (const [i, call] of stale.entries()) expect(FencedError.isInstance(await rejection(call())), `stale write ${i}`).toBe(true);
        expect(await store.get(key)).toEqual({ key, value: 'a1', version: 1 });
        expect(await store.get(`${prefix}/other`)).toBeUndefined();
        const bGuard = { lease: name, token: b.fencingToken };
        expect(await peer.put(key, 'b1', { fencing: bGuard, expectedVersion: 1 })).toBe(2);
        await peer.transaction([{ type: 'put', key: `${prefix}/other`, value: 'b' }], { fencing: bGuard });
        expect(await peer.delete(key, { fencing: bGuard })).toBe(true);
      });

      if (shared) {
        it('fencing tokens survive closing every client', async () => {
          const { store, prefix } = await setup();
          const name = `${prefix}/durable`;
          const first = (await store.acquireLease(name, 'a', 60_000))!;
          await store.releaseLease(first);
          await store.close();
          const reopened = await open();
          const next = (await reopened.acquireLease(name, 'b', 60_000))!;
          expect(next.fencingToken).toBeGreaterThan(first.fencingToken);
        });
      }

      it(
        options.childStore
          ? 'two processes race for a lease: exactly one wins, expiry hands it over with a higher token, the stale holder is fenced'
          : 'two contenders in one process (the store cannot be shared between processes) race for a lease: exactly one wins, expiry hands it over, the stale holder is fenced',
        async () => {
          const { store, prefix, other } = await setup();
          type Contender = { acquire(name: string, holder: string, ttlMs: number): Promise<Lease | null>; put(key: string, value: unknown, guard: { lease: string; token: number }): Promise<unknown>; renew(lease: Lease, ttlMs: number): Promise<Lease | null> };
          let contenders: [Contender, Contender];
          if (options.childStore) {
            const spawned = await Promise.all([ChildStore.spawn(options.childStore), ChildStore.spawn(options.childStore)]);
            children.push(...spawned);
            contenders = spawned.map(
              (child): Contender => ({
                acquire: async (n, h, t) => (await child.call('acquireLease', n, h, t)) as Lease | null,
                put: (k, v, guard) => child.call('put', k, v, { fencing: guard }),
                renew: async (l, t) => (await child.call('renewLease', l, t)) as Lease | null,
              }),
            ) as [Contender, Contender];
          } else {
            const stores = [store, await other()];
            contenders = stores.map(
              (s): Contender => ({
                acquire: (n, h, t) => s.acquireLease(n, h, t),
                put: (k, v, guard) => s.put(k, v, { fencing: guard }),
                renew: (l, t) => s.renewLease(l, t),
              }),
            ) as [Contender, Contender];
          }
          const holders = ['process-0', 'process-1'];
          // Several rounds on fresh names, so that the race is really run more than once.
          for (let round = 0; round < 5; round++) {
            const results = await Promise.all(contenders.map((c, i) => c.acquire(`${prefix}/race-${round}`, holders[i]!, 60_000)));
            expect(results.filter((r) => r !== null), `round ${round}`).toHaveLength(1);
          }
          const name = `${prefix}/leader`;
          // A long lease for the race itself, so that a slow process cannot make both win legitimately.
          const results = await Promise.all(contenders.map((c, i) => c.acquire(name, holders[i]!, 60_000)));
          expect(results.filter((r) => r !== null)).toHaveLength(1);
          const w = results[0] !== null ? 0 : 1;
          const winner = contenders[w]!;
          const loser = contenders[1 - w]!;
          const first = results[w]!;
          expect(first.holder).toBe(holders[w]);
          const key = `${prefix}/leader-state`;
          await winner.put(key, 'from winner', { lease: name, token: first.fencingToken });
          // The winner's last renewal is short: it then stops renewing (a crash, a pause) and the lease lapses.
          expect((await winner.renew(first, ttl))?.fencingToken).toBe(first.fencingToken);
          const second = await acquireEventually(() => loser.acquire(name, holders[1 - w]!, 60_000), ttl + 20_000);
          expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
          const refused = (await rejection(winner.put(key, 'from stale winner', { lease: name, token: first.fencingToken }))) as Partial<ChildCallError> & Error;
          expect(options.childStore ? refused.fenced : FencedError.isInstance(refused)).toBe(true);
          expect(await winner.renew(first, ttl)).toBeNull();
          await loser.put(key, 'from new holder', { lease: name, token: second.fencingToken });
          expect(await store.get(key)).toMatchObject({ value: 'from new holder', version: 2 });
        },
      );
    });

    describe('watch', () => {
      it('delivers every change under the prefix, in order, with versions and values', async () => {
        const { store, prefix } = await setup();
        const controller = new AbortController();
        const iterator = store.watch(`${prefix}/w`, { signal: controller.signal })[Symbol.asyncIterator]();
        await store.put(`${prefix}/w/a`, { n: 1 });
        await store.put(`${prefix}/wx/outside`, 'no');
        await store.put(`${prefix}/w/b`, 'b');
        await store.put(`${prefix}/w/a`, { n: 2 }, { expectedVersion: 1 });
        await rejection(store.put(`${prefix}/w/a`, 'conflict', { expectedVersion: 1 }));
        await store.delete(`${prefix}/w/a`);
        await store.transaction([
          { type: 'put', key: `${prefix}/w/c`, value: [1] },
          { type: 'delete', key: `${prefix}/w/b` },
          { type: 'put', key: `${prefix}/other`, value: 'no' },
        ]);
        const expected: WatchEvent[] = [
          { type: 'put', key: `${prefix}/w/a`, version: 1, value: { n: 1 } },
          { type: 'put', key: `${prefix}/w/b`, version: 1, value: 'b' },
          { type: 'put', key: `${prefix}/w/a`, version: 2, value: { n: 2 } },
          { type: 'delete', key: `${prefix}/w/a`, version: 2 },
          // A transaction's changes arrive in key order, whatever the order of its operations.
          { type: 'delete', key: `${prefix}/w/b`, version: 1 },
          { type: 'put', key: `${prefix}/w/c`, version: 1, value: [1] },
        ];
        for (const [i, event] of expected.entries()) expect(await nextEvent(iterator, `event ${i}`)).toEqual(event);
        // A burst of writes arrives complete and in order.
        for (let i = 1; i <= 200; i++) await store.put(`${prefix}/w/burst`, i);
        for (let i = 1; i <= 200; i++) expect(await nextEvent(iterator, `burst ${i}`)).toEqual({ type: 'put', key: `${prefix}/w/burst`, version: i, value: i });
        controller.abort();
        expect(((await rejection(iterator.next())) as Error).name).toBe('AbortError');
      });

      it('ends every watch when the store closes', async () => {
        const { store, prefix } = await setup();
        const iterator = store.watch(prefix)[Symbol.asyncIterator]();
        const pending = iterator.next();
        await store.close();
        expect((await pending).done).toBe(true);
      });
    });
  });
}
