/**
 * The package as a new user meets it: the packed tarball installed into an empty app (no
 * optional peer installed), every subpath imported from ESM and from CommonJS, and a strict
 * TypeScript file type-checked with `node16` and with `bundler` resolution. Needs the build
 * (`npm test` builds first) and the npm registry or npm's cache.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const nodeTypes = join(root, 'node_modules/@types/node');

/** Subpaths that load without any optional peer installed (`novacron/testing` needs vitest). */
const SUBPATHS = ['novacron', 'novacron/provider-utils', 'novacron/aws', 'novacron/azure', 'novacron/gcp', 'novacron/openstack', 'novacron/artifacts', 'novacron/network', 'novacron/sqlite', 'novacron/postgres', 'novacron/prometheus', 'novacron/otel', 'novacron/testing/emulators'];

let app: string;
beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), 'novacron-fresh-app-'));
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', app], { cwd: root });
  const tarball = join(app, stdout.trim().split('\n').at(-1)!);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, version: '1.0.0' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=peer', tarball, nodeTypes], { cwd: app, timeout: 170_000 });
}, 180_000);

afterAll(async () => {
  if (app) await rm(app, { recursive: true, force: true });
});

describe('a fresh app', () => {
  it('ships a LICENSE and the sources its source maps point to, and no tests', async () => {
    const { stdout } = await run('npm', ['ls', '--all', '--parseable'], { cwd: app });
    expect(stdout).toContain('novacron');
    const { stdout: files } = await run('find', ['node_modules/novacron', '-maxdepth', '1'], { cwd: app });
    expect(files).toMatch(/LICENSE/);
    expect(files).toMatch(/\/src$/m);
    expect(files).not.toMatch(/\/test$/m);
  });

  it('imports every subpath from ESM', async () => {
    const script = `for (const p of ${JSON.stringify(SUBPATHS)}) { const m = await import(p); if (Object.keys(m).length === 0) throw new Error(p + ' exports nothing'); } console.log('ok');`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
    expect(stdout.trim()).toBe('ok');
  });

  it('requires every subpath from CommonJS', async () => {
    const script = `for (const p of ${JSON.stringify(SUBPATHS)}) { const m = require(p); if (Object.keys(m).length === 0) throw new Error(p + ' exports nothing'); } console.log('ok');`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: app });
    expect(stdout.trim()).toBe('ok');
  });

  it.each(['node16', 'bundler'] as const)('type-checks a strict TypeScript file with %s resolution', async (resolution) => {
    const dir = join(app, `ts-${resolution}`);
    await run('mkdir', ['-p', dir]);
    const source = [
      "import { FederationManager, createMemoryProvider, type PlacementDecision } from 'novacron';",
      "import { createSqliteStore } from 'novacron/sqlite';",
      "import { withRetry } from 'novacron/provider-utils';",
      "import { startEc2Emulator } from 'novacron/testing/emulators';",
      'export async function main(): Promise<PlacementDecision> {',
      "  const manager = new FederationManager({ providers: [createMemoryProvider({ name: 'mem' })] });",
      '  void createSqliteStore; void withRetry; void startEc2Emulator;',
      "  return manager.place({ name: 'web', cpu: 2, memory: '4Gi' });",
      '}',
      '',
    ].join('\n');
    await writeFile(join(dir, 'main.ts'), source);
    const module = resolution === 'node16' ? 'node16' : 'esnext';
    // Every declaration file checked (skipLibCheck off), with no optional package installed:
    // better-sqlite3 ships no types, and none must be needed. (novacron/aws's types name the
    // AWS SDK clients its users install with it; they are left out here.)
    const tsconfig = {
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', module, moduleResolution: resolution, types: ['node'], typeRoots: [join(app, 'node_modules/@types')], skipLibCheck: false, exactOptionalPropertyTypes: true },
      files: ['main.ts'],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const result = await run(process.execPath, [tsc, '-p', dir], { cwd: app }).then(
      () => '',
      (e: { stdout?: string }) => e.stdout ?? String(e),
    );
    expect(result).toBe('');
  }, 60_000);
});
