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
