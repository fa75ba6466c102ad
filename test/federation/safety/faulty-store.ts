/** A state store that fails chosen writes once: the store half of the fault vocabulary. */
import type { StateStore } from '../../../src/index.js';

/** Which write to fail: by key prefix, and optionally by what the written value holds. */
export interface WriteFault {
  readonly keyPrefix: string;
  readonly when?: ((value: unknown) => boolean) | undefined;
  /** Apply the write, then fail as if the answer was lost (default: fail before writing). */
  readonly afterWrite?: boolean | undefined;
}

/** A store wrapper whose `failNextPut` makes one matching `put` reject. */
export interface FaultyStore extends StateStore {
  failNextPut(fault: WriteFault): void;
  /** Puts made through the wrapper, by key prefix (`operations`, `vms`, ...). */
  readonly puts: Map<string, number>;
}

/** Wraps `store`; every call but `put` passes through untouched. */
export function faultyStore(store: StateStore): FaultyStore {
  const faults: WriteFault[] = [];
  const puts = new Map<string, number>();
  const wrapper = Object.create(store) as FaultyStore;
  Object.assign(wrapper, {
    puts,
    failNextPut(fault: WriteFault) {
      faults.push(fault);
    },
    async put(key: string, value: unknown, options?: Parameters<StateStore['put']>[2]) {
      const prefix = key.split('/')[0]!;
      puts.set(prefix, (puts.get(prefix) ?? 0) + 1);
      const i = faults.findIndex((f) => key.startsWith(f.keyPrefix) && (f.when?.(value) ?? true));
      if (i === -1) return store.put(key, value, options);
      const [fault] = faults.splice(i, 1);
      if (fault!.afterWrite) await store.put(key, value, options);
      throw new Error(`injected store failure writing ${key}`);
    },
  });
  for (const name of ['get', 'delete', 'list', 'transaction', 'acquireLease', 'renewLease', 'releaseLease', 'getLease', 'watch', 'close'] as const) {
    const fn = (store as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
    (wrapper as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => fn.apply(store, args);
  }
  return wrapper;
}

/** True when an operation record's launch step has just been given a VM id while still `started`. */
export function recordsVmIdWhileStarted(value: unknown): boolean {
  const steps = (value as { steps?: { status: string; output?: { vmId?: string } }[] }).steps ?? [];
  return steps.some((s) => s.status === 'started' && s.output?.vmId !== undefined);
}

/** True when an operation record has a launch step `succeeded` but the operation is not done. */
export function recordsLaunchSucceeded(value: unknown): boolean {
  const v = value as { status?: string; steps?: { status: string }[] };
  return v.status === 'running' && (v.steps ?? []).some((s) => s.status === 'succeeded');
}
