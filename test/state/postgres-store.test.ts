import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { createPostgresStore } from '../../src/state/postgres/index.js';
import { describeStateStoreConformance } from '../../src/testing/state-store-conformance.js';
import { dropSchema, POSTGRES_URL, uniqueSchema } from './postgres-test-database.js';

const schema = uniqueSchema('conformance');
afterAll(() => dropSchema(schema));

describeStateStoreConformance('postgres', () => createPostgresStore({ connectionString: POSTGRES_URL, schema }), {
  childStore: {
    module: fileURLToPath(new URL('../../src/state/postgres/index.ts', import.meta.url)),
    exportName: 'createPostgresStore',
    args: { connectionString: POSTGRES_URL, schema },
    nodeArgs: ['--import', 'tsx'],
  },
});

// The same contract with asynchronous commit on the data path (leases stay synchronous).
const asyncSchema = uniqueSchema('conformance_async');
afterAll(() => dropSchema(asyncSchema));
describeStateStoreConformance(
  'postgres (synchronousCommit: off)',
  () => createPostgresStore({ connectionString: POSTGRES_URL, schema: asyncSchema, synchronousCommit: 'off' }),
  {
    childStore: {
      module: fileURLToPath(new URL('../../src/state/postgres/index.ts', import.meta.url)),
      exportName: 'createPostgresStore',
      args: { connectionString: POSTGRES_URL, schema: asyncSchema, synchronousCommit: 'off' },
      nodeArgs: ['--import', 'tsx'],
    },
  },
);
