/** The durable-operation core on its own: records, fenced writes, and writes whose answer was lost. */
import { describe, expect, it } from 'vitest';
import { ConflictError, createMemoryStore } from '../../../src/index.js';
import { DurableOperation, readOperation } from '../../../src/federation/operations/durable-operation.js';
import { faultyStore } from '../safety/faulty-store.js';

const base = { id: 'op-1', kind: 'test', fingerprint: 'f1', waitMs: 0, now: Date.now, conflictMessage: 'other request' };

async function open(store: ReturnType<typeof createMemoryStore>, holder = 'a') {
  const opened = await DurableOperation.open({ ...base, store, holder });
  if (!('operation' in opened)) throw new Error('expected to hold the operation');
  return opened.operation;
}

describe('DurableOperation', () => {
  it('records steps started before and settled after, and a finished operation is returned to waiters', async () => {
    const store = createMemoryStore();
    const op = await open(store);
    const i = await op.startStep({ name: 'launch', token: 't-1', input: { where: 'x' } });
    expect((await readOperation(store, 'op-1'))!.steps[i]!.status).toBe('started');
    await op.settleStep(i, 'succeeded', { output: { vmId: 'vm-1' } });
    await op.succeed({ vmId: 'vm-1' });
    const other = await DurableOperation.open({ ...base, store, holder: 'b', waitMs: 1_000 });
    expect('settled' in other).toBe(true);
    await op.close();
    expect(op.writeCount).toBe(4);
  });

  it('refuses the same id with another fingerprint', async () => {
    const store = createMemoryStore();
    const op = await open(store);
    await op.close();
    await expect(DurableOperation.open({ ...base, store, holder: 'a', fingerprint: 'f2' })).rejects.toSatisfy((e) => ConflictError.isInstance(e));
  });

  it('goes on after a write that landed but whose answer was lost', async () => {
    const store = faultyStore(createMemoryStore());
    const op = await open(store);
    const i = await op.startStep({ name: 'launch', token: 't-1' });
    store.failNextPut({ keyPrefix: 'operations/', afterWrite: true });
    await expect(op.annotateStep(i, { vmId: 'vm-1' })).rejects.toThrow(/injected/);
    // Without learning that the lost write landed, this write would be a version conflict.
    await op.settleStep(i, 'succeeded', { output: { vmId: 'vm-1' } });
    expect((await readOperation(store, 'op-1'))!.steps[0]!.status).toBe('succeeded');
  });

  it('a write that did not land leaves the record as it was, and the next write applies', async () => {
    const store = faultyStore(createMemoryStore());
    const op = await open(store);
    const i = await op.startStep({ name: 'launch', token: 't-1' });
    store.failNextPut({ keyPrefix: 'operations/' });
    await expect(op.annotateStep(i, { vmId: 'vm-1' })).rejects.toThrow(/injected/);
    await op.settleStep(i, 'failed', { error: new Error('no') });
    expect((await readOperation(store, 'op-1'))!.steps[0]!.status).toBe('failed');
  });
});
