import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { createSqliteStore } from '../../src/state/sqlite/index.js';
import { describeStateStoreConformance } from '../../src/testing/state-store-conformance.js';

// A path only: the file (and its -wal and -shm companions) exist once a test opens the store.
const path = join(tmpdir(), `novacron-sqlite-conformance-${randomUUID()}.db`);
afterAll(() => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
});

describeStateStoreConformance('sqlite', () => createSqliteStore({ path }), {
  childStore: {
    module: fileURLToPath(new URL('../../src/state/sqlite/index.ts', import.meta.url)),
    exportName: 'createSqliteStore',
    args: { path },
    nodeArgs: ['--import', 'tsx'],
  },
});
