/**
 * One process of the crash matrix: creates one VM with a fixed idempotency key over a SQLite
 * store shared with the other processes of its cell, and, when told, kills itself with SIGKILL
 * at one store write of the create (before put k is applied, or right after put k is).
 *
 * Run as `node --import tsx crash-child.ts '<ChildConfig JSON>'`. On success it prints one JSON
 * line ({@link ChildResult}); every store write is traced to stderr as a JSON line, so that a
 * failing cell shows what the killed process had done.
 */
import type { ProviderV1, StateStore, VMSpecInput } from '../../../src/index.js';
import { FederationManager } from '../../../src/federation/index.js';
import { createAwsProvider } from '../../../src/providers/aws/index.js';
import { createSqliteStore } from '../../../src/state/sqlite/index.js';
import { RemoteProvider } from './remote-provider.js';

/** A provider of the child: the AWS adapter over an emulator, or a memory provider hosted by the parent. */
export type ChildProvider =
  | { readonly type: 'aws'; readonly name: string; readonly providerOptions: Record<string, unknown> }
  | { readonly type: 'remote'; readonly name: string; readonly url: string };

/** Where the child dies: before put k is applied, or once put k has been applied. */
export interface KillPoint {
  readonly when: 'before' | 'after';
  readonly put: number;
}

/** What a child is asked to do. */
export interface ChildConfig {
  readonly dbPath: string;
  readonly idempotencyKey: string;
  readonly spec: VMSpecInput;
  readonly request: Record<string, unknown>;
  readonly replicaId: string;
  readonly providers: readonly ChildProvider[];
  readonly kill?: KillPoint | undefined;
}

/** The line a child prints when its create returns. */
export interface ChildResult {
  readonly ok: true;
  readonly vm: { readonly provider: string; readonly id: string; readonly state: string };
  readonly reused: boolean;
  readonly attempts: readonly { readonly provider: string; readonly outcome: string; readonly vmId?: string | undefined }[];
  readonly puts: number;
}

/** The line a child prints when its create throws. */
export interface ChildFailure {
  readonly ok: false;
  readonly error: { readonly name: string; readonly code: string | undefined; readonly message: string };
  readonly puts: number;
}

/** A one-line summary of a written value, for the trace. */
function summary(key: string, value: unknown): Record<string, unknown> {
  const v = value as { status?: string; steps?: { name: string; status: string; output?: unknown }[] };
  return { key, status: v.status, steps: v.steps?.map((s) => `${s.name}:${s.status}${(s.output as { vmId?: string } | undefined)?.vmId ? `(${(s.output as { vmId: string }).vmId})` : ''}`) };
}

/** `store` with every `put` counted and traced, and the process killed at `kill`. */
function killingStore(store: StateStore, kill: KillPoint | undefined, counter: { puts: number }): StateStore {
  const die = (): never => {
    process.kill(process.pid, 'SIGKILL');
    // Should the signal land a moment late, block this thread so that nothing else runs meanwhile.
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  };
  const put: StateStore['put'] = async (key, value, options) => {
    const n = ++counter.puts;
    process.stderr.write(`${JSON.stringify({ put: n, ...summary(key, value) })}\n`);
    if (kill?.when === 'before' && kill.put === n) die();
    const version = await store.put(key, value, options);
    if (kill?.when === 'after' && kill.put === n) die();
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

async function providerOf(p: ChildProvider): Promise<ProviderV1> {
  if (p.type === 'remote') return RemoteProvider.connect(p.url, p.name);
  return createAwsProvider({ ...(p.providerOptions as unknown as Parameters<typeof createAwsProvider>[0]), name: p.name, waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.1 } });
}

async function main(config: ChildConfig): Promise<number> {
  const counter = { puts: 0 };
  const sqlite = await createSqliteStore({ path: config.dbPath });
  const store = killingStore(sqlite, config.kill, counter);
  const providers = await Promise.all(config.providers.map(providerOf));
  const manager = new FederationManager({
    providers,
    stateStore: store,
    replicaId: config.replicaId,
    failover: { throttleRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveRetry: { baseDelayMs: 1, maxDelayMs: 5 } },
  });
  let line: ChildResult | ChildFailure;
  try {
    const result = await manager.createVM(config.spec, { idempotencyKey: config.idempotencyKey, request: config.request as never });
    line = {
      ok: true,
      vm: { provider: result.vm.provider, id: result.vm.id, state: result.vm.state },
      reused: result.reused,
      attempts: result.attempts.map((a) => ({ provider: a.provider, outcome: a.outcome, vmId: a.vmId })),
      puts: counter.puts,
    };
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    line = { ok: false, error: { name: e.name ?? 'Error', code: e.code, message: e.message ?? String(error) }, puts: counter.puts };
  }
  await sqlite.close();
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return line.ok ? 0 : 1;
}

main(JSON.parse(process.argv[2] ?? '{}') as ChildConfig).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`crash-child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
