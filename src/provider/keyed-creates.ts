/**
 * What the adapters' keyed creates share: a key for a create that has none, and one-at-a-time
 * runs per resource name within a process (a second create of a key waits for the first, so the
 * two never race to the cloud; durability across processes is the state store's part).
 */
import { randomUUID } from 'node:crypto';

/** A key for a create without one: a fresh name, so nothing is found or reused. */
export function oneOffKey(): string {
  return `one-off/${randomUUID()}`;
}

/** Runs work one at a time per name: each run starts once the one before it settled, whatever its outcome. */
export class PerNameQueue {
  private readonly running = new Map<string, Promise<unknown>>();

  /** Runs `fn` after any earlier run of `name` in this process. */
  run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const before = this.running.get(name) ?? Promise.resolve();
    const run = before.then(fn, fn);
    this.running.set(name, run);
    const clear = (): void => {
      if (this.running.get(name) === run) this.running.delete(name);
    };
    run.then(clear, clear);
    return run;
  }
}
