import { defineConfig, type Options } from 'tsup';

/** One entry per subpath export; each appears when its code lands. */
export const entries: Record<string, string> = {
  index: 'src/index.ts',
  'provider-utils': 'src/provider-utils/index.ts',
  aws: 'src/providers/aws/index.ts',
  azure: 'src/providers/azure/index.ts',
  gcp: 'src/providers/gcp/index.ts',
  openstack: 'src/providers/openstack/index.ts',
  artifacts: 'src/artifacts/index.ts',
  network: 'src/network/index.ts',
  sqlite: 'src/state/sqlite/index.ts',
  postgres: 'src/state/postgres/index.ts',
  prometheus: 'src/metrics/prometheus/index.ts',
  otel: 'src/metrics/otel/index.ts',
  testing: 'src/testing/index.ts',
  'testing-emulators': 'src/testing/emulators/index.ts',
};

/**
 * The `novacron` command (package.json `bin`). Not a subpath export, so not in `entries`: the API
 * report covers only what hosts import. Built into dist/cli/ on its own, as an ESM executable.
 */
export const cliEntry: Record<string, string> = { novacron: 'src/cli/novacron.ts' };

const library: Options = {
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  splitting: true,
  treeshake: true,
  target: 'node20',
  platform: 'node',
  // Optional peers and test tooling stay external: they load only where an adapter needs them.
  external: [/^@aws-sdk\//, /^@azure\//, /^@google-cloud\//, 'google-gax', 'better-sqlite3', 'pg', 'prom-client', /^@opentelemetry\//, 'vitest', 'undici'],
  // The small dependencies the root entry loads are bundled: tree-shaken, valibot's 200 kB module shrinks to
  // what the schemas use, and eventemitter3 (CommonJS) no longer starts Node's CommonJS loader inside an ESM
  // import. Together that is about half the cold `import 'novacron'` time (bench/import-time.mjs).
  noExternal: ['valibot', 'eventemitter3', 'croner'],
  // The CLI build writes dist/cli/ at the same time: cleaning must leave it alone.
  clean: ['!cli/**'],
};

const cli: Options = {
  ...library,
  entry: cliEntry,
  outDir: 'dist/cli',
  format: ['esm'],
  dts: false,
  clean: true,
  banner: { js: '#!/usr/bin/env node' },
};

export default defineConfig([library, cli]);
