/**
 * One process of the migration crash matrix: migrates a VM between two memory providers hosted
 * by the parent (RemoteProvider; their image store is hosted too, for the clean-up) over a SQLite
 * store file, or resumes whatever migration the file holds; and, when told, kills itself with
 * SIGKILL right after the store write that recorded a given step event (`export:started`,
 * `import:provisioned`, `verify:failed`, `operation:succeeded`, ...).
 *
 * Run as `node --import tsx migration-crash-child.ts '<MigrationChildConfig JSON>'`. Every step
 * event is traced to stderr as a JSON line `{"event": ...}`; the result is one JSON line on stdout.
 */
import { FederationManager } from '../../../src/federation/index.js';
import type { StateStore } from '../../../src/state/state-store.js';
import { createSqliteStore } from '../../../src/state/sqlite/index.js';
import { RemoteArtifactStore, RemoteProvider } from '../safety/remote-provider.js';
import { FileTrafficSwitcher } from './file-traffic-switcher.js';

/** What a child is asked to do. */
export interface MigrationChildConfig {
  readonly dbPath: string;
  readonly replicaId: string;
  readonly hostUrl: string;
  readonly providers: readonly string[];
  /** The hosted store that sees the providers' exported images. */
  readonly imageStore: string;
  readonly switchLog: string;
  /** Whether the target passes its health check. */
  readonly healthy: boolean;
  readonly mode: 'migrate' | 'resume';
  readonly idempotencyKey: string;
  readonly source: { readonly provider: string; readonly id: string };
  readonly target: { readonly provider: string };
  /** Die right after the write that records this event. */
  readonly kill?: string | undefined;
}

/** The line a child prints. */
export type MigrationChildResult =
  | { readonly ok: true; readonly mode: 'migrate'; readonly status: string; readonly migrationId: string }
  | { readonly ok: true; readonly mode: 'resume'; readonly resumed: readonly { migrationId: string; outcome: string; status: string }[] }
  | { readonly ok: false; readonly error: { readonly name: string; readonly code: string | undefined; readonly status?: string | undefined; readonly message: string } };

interface StepShape {
  readonly name: string;
  readonly status: string;
  readonly vm: boolean;
}
interface RecordShape {
  readonly status: string;
  readonly steps: readonly StepShape[];
}

function shapeOf(value: unknown): RecordShape | undefined {
  const v = value as { status?: string; steps?: { name: string; status: string; output?: { vmId?: string } }[] } | undefined;
  if (!v?.steps) return undefined;
  return { status: v.status ?? 'running', steps: v.steps.map((s) => ({ name: s.name, status: s.status, vm: s.output?.vmId !== undefined })) };
}

/** The step events one write makes, from the record before it to the record it writes. */
function eventsOf(before: RecordShape | undefined, after: RecordShape): string[] {
  if (!before) return ['operation:running'];
  const out: string[] = [];
  after.steps.forEach((s, i) => {
    const p = before.steps[i];
    if (!p || p.status !== s.status) out.push(`${s.name}:${s.status}`);
    else if (s.status === 'started' && s.vm && !p.vm) out.push(`${s.name}:provisioned`);
  });
  if (before.status !== after.status) out.push(`operation:${after.status}`);
  return out;
}

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  // Should the signal land a moment late, block this thread so that nothing else runs meanwhile.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

/** `store` with the migration's record writes traced as step events, and the process killed after `kill`. */
function killingStore(store: StateStore, kill: string | undefined): StateStore {
  const last = new Map<string, RecordShape | undefined>();
  const put: StateStore['put'] = async (key, value, options) => {
    const after = (value as { kind?: string }).kind === 'migrateVM' ? shapeOf(value) : undefined;
    if (!key.startsWith('operations/') || !after) return store.put(key, value, options);
    if (!last.has(key)) last.set(key, shapeOf((await store.get(key))?.value));
    const events = eventsOf(last.get(key), after);
    const version = await store.put(key, value, options);
    last.set(key, after);
    for (const event of events) {
      process.stderr.write(`${JSON.stringify({ event })}\n`);
      if (event === kill) die();
    }
    return version;
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'put') return put;
      const member: unknown = Reflect.get(target, prop, target);
      return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(target) : member;
    },
  });
}

async function main(config: MigrationChildConfig): Promise<number> {
  const sqlite = await createSqliteStore({ path: config.dbPath });
  const store = killingStore(sqlite, config.kill);
  const providers = await Promise.all(config.providers.map((name) => RemoteProvider.connect(config.hostUrl, name)));
  const images = await RemoteArtifactStore.connect(config.hostUrl, config.imageStore);
  const manager = new FederationManager({
    providers,
    stateStore: store,
    replicaId: config.replicaId,
    failover: { throttleRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveRetry: { baseDelayMs: 1, maxDelayMs: 5 } },
    artifactStores: Object.fromEntries(config.providers.map((p) => [p, { from: [images] }])),
    migration: {
      trafficSwitcher: new FileTrafficSwitcher(config.switchLog),
      healthCheck: config.healthy ? undefined : async () => false,
      gracePeriodMs: 0,
      verifyTimeoutMs: 10_000,
    },
  });
  let line: MigrationChildResult;
  try {
    if (config.mode === 'migrate') {
      const result = await manager.migrateVM(config.source, config.target, { idempotencyKey: config.idempotencyKey, waitForGrace: true });
      line = { ok: true, mode: 'migrate', status: result.status, migrationId: result.migrationId };
    } else {
      const resumed = await manager.resumeMigrations();
      line = { ok: true, mode: 'resume', resumed: resumed.map((r) => ({ migrationId: r.migrationId, outcome: r.outcome, status: r.status })) };
    }
  } catch (error) {
    const e = error as { name?: string; code?: string; status?: string; message?: string };
    line = { ok: false, error: { name: e.name ?? 'Error', code: e.code, status: e.status, message: e.message ?? String(error) } };
  }
  await sqlite.close();
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return 0;
}

main(JSON.parse(process.argv[2] ?? '{}') as MigrationChildConfig).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`migration-crash-child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
