import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { createSqliteStore } from '../../src/state/sqlite/index.js';
import { describeStateStoreConformance } from '../../src/testing/state-store-conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'novacron-sqlite-conformance-'));
const path = join(dir, 'state.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStateStoreConformance('sqlite', () => createSqliteStore({ path }), {
  childStore: {
    module: fileURLToPath(new URL('../../src/state/sqlite/index.ts', import.meta.url)),
    exportName: 'createSqliteStore',
    args: { path },
    nodeArgs: ['--import', 'tsx'],
  },
});
