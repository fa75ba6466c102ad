/**
 * What an emulator was asked and what it answered, one entry per request: tests count calls
 * per operation (no N+1, retries spent), benchmarks split the time spent in the emulator from
 * the client's. Entries hold no bodies and no headers, so a long run stays small and no secret
 * lands in the log.
 */
import type { FaultKind } from './fault-plan.js';

/** One answered (or dropped) request. */
export interface RequestLogEntry {
  /** The operation (EC2 action, REST method name, ...), `''` when no route matched. */
  readonly operation: string;
  /** HTTP method. */
  readonly method: string;
  /** Path, without the query. */
  readonly path: string;
  /** HTTP status answered; `0` when the answer was dropped on purpose or the request hung until the client left. */
  readonly status: number;
  /** The cloud's error code, for error answers. */
  readonly errorCode: string | undefined;
  /** The fault that refused the call, when the fault plan did. */
  readonly fault: FaultKind | undefined;
  /** Milliseconds spent in the handler (the emulator's own work, rendering included). */
  readonly handlerMs: number;
  /** When the request arrived (`Date.now()` milliseconds). */
  readonly at: number;
}

/** The request log of one emulator. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private readonly listeners = new Set<(entry: RequestLogEntry) => void>();

  /** Adds an entry and tells the listeners. */
  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
    for (const listener of this.listeners) listener(entry);
  }

  /** Every entry since the start or the last {@link reset}, oldest first. */
  requests(operation?: string): readonly RequestLogEntry[] {
    return operation === undefined ? [...this.entries] : this.entries.filter((e) => e.operation === operation);
  }

  /** Requests of one operation, or of all when absent. */
  count(operation?: string): number {
    return operation === undefined ? this.entries.length : this.entries.reduce((n, e) => n + (e.operation === operation ? 1 : 0), 0);
  }

  /** Requests per operation, sorted by name. */
  counts(): Record<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.entries) counts.set(e.operation, (counts.get(e.operation) ?? 0) + 1);
    return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Requests the fault plan refused with `kind` (e.g. `throttled`). */
  refused(kind: FaultKind): number {
    return this.entries.reduce((n, e) => n + (e.fault === kind ? 1 : 0), 0);
  }

  /** Milliseconds spent in handlers, in all. */
  handlerMs(): number {
    return this.entries.reduce((n, e) => n + e.handlerMs, 0);
  }

  /** Calls `listener` after each entry; returns the function that stops it. */
  subscribe(listener: (entry: RequestLogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets every entry (listeners stay). */
  reset(): void {
    this.entries = [];
  }
}

/** Calls counted per operation, for N+1 checks and figures: what every emulator's `stats` offers. */
export interface EmulatorStats {
  /** Calls of one operation (all when absent), refused ones included. */
  count(operation?: string): number;
  /** Calls per operation. */
  byOperation(): Record<string, number>;
  /** Calls refused as throttled. */
  throttled(): number;
  /** Calls refused by a fault of `kind`. */
  refused(kind: FaultKind): number;
  /** Milliseconds the emulator spent in handlers. */
  serverTimeMs(): number;
  /** Forgets every count (and whatever `onReset` clears: an emulator's own request records). */
  reset(): void;
}

/** The {@link EmulatorStats} view of a request log. */
export function emulatorStats(log: RequestLog, onReset?: () => void): EmulatorStats {
  return {
    count: (operation) => log.count(operation),
    byOperation: () => log.counts(),
    throttled: () => log.refused('throttled'),
    refused: (kind) => log.refused(kind),
    serverTimeMs: () => log.handlerMs(),
    reset: () => {
      log.reset();
      onReset?.();
    },
  };
}
