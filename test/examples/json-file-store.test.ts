/**
 * examples/json-file-store.mjs: the JSON-file state store a host writes itself passes the
 * state-store conformance suite from `novacron/testing` (two processes racing for a lease
 * included), and its demo shows a federation's state outliving the process that wrote it.
 * The example and the suite load the built package (`npm run build` first).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { StateStore } from 'novacron';
import { describeStateStoreConformance } from 'novacron/testing';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = `${root}examples/json-file-store.mjs`;
const { createJsonFileStore } = (await import(pathToFileURL(example).href)) as { createJsonFileStore: (options: { path: string; fsync?: boolean }) => StateStore };

const dir = mkdtempSync(join(tmpdir(), 'novacron-json-store-'));
const path = join(dir, 'state.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Without fsync (the demo below runs with it): the suite writes thousands of records, and what it
// proves (versions, transactions, leases, fencing, two processes) does not depend on the disk flush.
describeStateStoreConformance('JSON file (examples/json-file-store.mjs)', () => createJsonFileStore({ path, fsync: false }), {
  childStore: { module: example, exportName: 'createJsonFileStore', args: { path, fsync: false } },
});

describe('the journal file', () => {
  it('compacts a long journal into one snapshot line, and a second client follows it there', async () => {
    const file = join(dir, 'compact.json');
    const [a, b] = [createJsonFileStore({ path: file, fsync: false }), createJsonFileStore({ path: file, fsync: false })];
    await a.put('kept/one', 'x');
    for (let i = 1; i <= 2_100; i++) await a.put('counter', i);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n').length).toBeLessThan(200);
    expect(await b.get('counter')).toEqual({ key: 'counter', value: 2_100, version: 2_100 });
    expect(await b.put('counter', 'from b', { expectedVersion: 2_100 })).toBe(2_101);
    expect((await a.get('counter'))?.value).toBe('from b');
    expect((await a.get('kept/one'))?.value).toBe('x');
    await Promise.all([a.close(), b.close()]);
  });

  it('cuts off half a line left by a writer that crashed mid-append, and keeps every complete one', async () => {
    const file = join(dir, 'torn.json');
    const store = createJsonFileStore({ path: file, fsync: false });
    await store.put('vms/a', { id: 'i-1' });
    appendFileSync(file, '{"put":[["vms/b",1,{"id":"i-');
    const reader = createJsonFileStore({ path: file, fsync: false });
    expect(await reader.get('vms/b')).toBeUndefined();
    expect(await reader.put('vms/c', 'c', { expectedVersion: null })).toBe(1);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.every((l) => JSON.parse(l) !== undefined)).toBe(true);
    expect((await store.get('vms/a'))?.value).toEqual({ id: 'i-1' });
    expect((await store.get('vms/c'))?.version).toBe(1);
    await Promise.all([store.close(), reader.close()]);
  });
});

describe('node examples/json-file-store.mjs', () => {
  it('keeps the inventory and the request across a restart, so the same key creates nothing new', () => {
    const out = execFileSync(process.execPath, [example], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const id = /first run created VM api-1 \((vm-\w+)\) running on /.exec(out)?.[1];
    expect(id).toBeDefined();
    expect(out).toContain(`after the restart the inventory has gcp-central/${id} (api-1, active)`);
    expect(out).toContain(`the same request after the restart: ${id} (reused: true)`);
    expect(out).toMatch(/records in .*: operations, vms \(2 in all\)/);
  });
});
