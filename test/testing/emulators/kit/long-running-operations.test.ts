/** Long-running operations: PENDING → RUNNING → DONE over the clock, one effect, results and errors. */
import { describe, expect, it } from 'vitest';
import { LifecycleClock } from '../../../../src/testing/emulators/kit/lifecycle-clock.js';
import { LongRunningOperations } from '../../../../src/testing/emulators/kit/long-running-operations.js';

describe('LongRunningOperations', () => {
  it('goes PENDING → RUNNING → DONE over the clock and runs its effect once, when done', () => {
    let now = 0;
    let effects = 0;
    const ops = new LongRunningOperations<string>(new LifecycleClock(() => now), { pendingMs: 100, runningMs: 200 });
    const op = ops.start({ kind: 'insert', target: 'vm-1', complete: () => `created ${++effects}` });
    expect(op).toMatchObject({ id: 'operation-1', kind: 'insert', target: 'vm-1', status: 'PENDING', progress: 0, result: undefined });
    now = 150;
    expect(ops.get(op.id)).toMatchObject({ status: 'RUNNING', progress: 25 });
    expect(effects).toBe(0); // nothing appears before the operation says it is done
    now = 300;
    expect(ops.get(op.id)).toMatchObject({ status: 'DONE', progress: 100, result: 'created 1', error: undefined });
    expect(ops.list()).toHaveLength(1);
    expect(effects).toBe(1);
    expect(ops.get('operation-9')).toBeUndefined();
  });

  it('ends with the error it was given, without its effect', () => {
    let now = 0;
    let effects = 0;
    const ops = new LongRunningOperations(new LifecycleClock(() => now));
    const op = ops.start({ kind: 'insert', complete: () => effects++, error: { code: 'ZONE_RESOURCE_POOL_EXHAUSTED', message: 'no room' } });
    now = 1000;
    expect(ops.get(op.id)).toMatchObject({ status: 'DONE', result: undefined, error: { code: 'ZONE_RESOURCE_POOL_EXHAUSTED' } });
    expect(effects).toBe(0);
  });

  it('waits until done, or returns the operation as it is when the wait times out', async () => {
    let now = 0;
    const ops = new LongRunningOperations<number>(new LifecycleClock(() => now), { pendingMs: 0, runningMs: 1000 });
    const op = ops.start({ kind: 'delete', complete: () => 7 });
    expect(await ops.wait(op.id, { timeoutMs: 20 })).toMatchObject({ status: 'RUNNING' });
    setTimeout(() => (now = 1000), 15);
    expect(await ops.wait(op.id, { timeoutMs: 2000, pollMs: 5 })).toMatchObject({ status: 'DONE', result: 7 });
    const controller = new AbortController();
    const waiting = ops.wait(ops.start({ kind: 'slow', runningMs: 1e9 }).id, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
