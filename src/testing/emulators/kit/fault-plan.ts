/**
 * One fault vocabulary for every emulator and for the in-memory provider.
 *
 * A test says what goes wrong in the same words whichever cloud it targets: `failNext`,
 * `throttle`, `capacity`, `quota`, `expireCredentials`, `dropResponse`, `delay`, `hang`. The
 * {@link FaultPlan} keeps the faults in force and answers the questions an emulator (or the
 * memory provider) asks around each call; each cloud then says the answer in its own wire
 * form — EC2 XML error codes, ARM error bodies with Retry-After, GCE operation errors, Nova
 * faults, or novacron errors in memory.
 *
 * The order of the checks around one call is fixed, so that a scenario means the same thing
 * everywhere: expired credentials, then a hang, then a delay, then a one-off failure, then
 * throttling; the call's own work (where capacity and quotas apply); then a dropped answer.
 */
import { sleep } from '../../../provider/abort.js';
import { seededRandom } from '../../seeded-random.js';

/** What kind of refusal a fault stands for; each cloud says it in its own words. */
export type FaultKind = 'capacity' | 'quota' | 'throttled' | 'unavailable' | 'auth' | 'invalid' | 'not-found' | 'conflict' | 'internal';

/** A refusal to answer a call with. */
export interface FaultError {
  /** What it is. */
  readonly kind: FaultKind;
  /** The cloud's own error code, when a test wants one in particular (e.g. `InsufficientInstanceCapacity`). */
  readonly code?: string | undefined;
  /** Message; the cloud's usual one when absent. */
  readonly message?: string | undefined;
  /** HTTP status; the cloud's usual one for the kind when absent. */
  readonly status?: number | undefined;
  /** Retry-After hint in ms, for throttling and unavailability. */
  readonly retryAfterMs?: number | undefined;
}

/** Where a capacity limit applies: a zone, optionally only one instance type in it. */
export interface CapacityScope {
  /** Zone name (`us-east-1a`, ...). */
  readonly zone: string;
  /** Instance type; every type when absent. */
  readonly type?: string | undefined;
}

/** The fault calls every emulator and the memory provider take. */
export interface FaultControls {
  /** The next `times` (default 1) calls of `operation` fail with `error`; nothing takes effect. */
  failNext(operation: string, error: FaultError, options?: { readonly times?: number | undefined }): void;
  /**
   * Refuses `rate` (in [0, 1]) of calls as throttled, with a Retry-After hint, replayable by
   * `seed`; only `operations` when given. `throttle(0)` ends it.
   */
  throttle(rate: number, options?: { readonly retryAfterMs?: number | undefined; readonly operations?: readonly string[] | undefined; readonly seed?: number | undefined }): void;
  /** `n` more launches fit in the scope (`undefined` or `Infinity` lifts the limit). */
  capacity(scope: CapacityScope, n: number | undefined): void;
  /** An account quota: at most `limit` of `resource` (`vcpus`, `instances`, `spot-instances`, ...); `undefined` lifts it. */
  quota(resource: string, limit: number | undefined): void;
  /** The credentials expire: every call is refused as unauthenticated until {@link restoreCredentials}. */
  expireCredentials(): void;
  /** Valid credentials again. */
  restoreCredentials(): void;
  /**
   * The next `times` (default 1) calls of `operation` take effect and their answer is lost: the
   * caller sees a reset connection after the cloud acted — the case that breaks naive failover.
   */
  dropResponse(operation: string, options?: { readonly times?: number | undefined }): void;
  /** Calls of `operation` (or of every operation, with `'all'`) answer `ms` later; `0` ends it. */
  delay(operation: string, ms: number): void;
  /**
   * Calls of `operation` (or `'all'`) are accepted and never answered until the caller gives up
   * (or the emulator closes); `hang(operation, false)` ends it for later calls.
   */
  hang(operation: string, on?: boolean): void;
  /** Clears every fault. */
  reset(): void;
}

/** What the checks before a call decided. */
export type BeforeCall =
  | {
      /** The refusal to answer the call with, in the cloud's own wire form. */
      readonly refuse: FaultError;
    }
  | {
      /** The call goes on to its handler. */
      readonly proceed: true;
    };

/** A wait that a hang holds; settled only by the caller's abort or by {@link FaultPlan.releaseHangs}. */
interface HeldCall {
  readonly reject: (reason: unknown) => void;
}

/** Faults in force, and the decisions around each call. */
export class FaultPlan implements FaultControls {
  private readonly failures = new Map<string, FaultError[]>();
  private readonly drops = new Map<string, number>();
  private readonly delays = new Map<string, number>();
  private readonly hangs = new Set<string>();
  private readonly held = new Set<HeldCall>();
  private readonly capacities = new Map<string, number>();
  private readonly quotas = new Map<string, number>();
  private throttleRate = 0;
  private throttleRetryAfterMs: number | undefined;
  private throttleOperations: ReadonlySet<string> = new Set();
  private expired = false;
  private random: () => number;

  /** Creates an empty plan; `seed` makes throttling replayable. */
  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  failNext(operation: string, error: FaultError, options: { readonly times?: number | undefined } = {}): void {
    const queue = this.failures.get(operation) ?? [];
    for (let i = 0; i < (options.times ?? 1); i++) queue.push(error);
    this.failures.set(operation, queue);
  }

  throttle(rate: number, options: { readonly retryAfterMs?: number | undefined; readonly operations?: readonly string[] | undefined; readonly seed?: number | undefined } = {}): void {
    this.throttleRate = Math.min(1, Math.max(0, Number.isFinite(rate) ? rate : 0));
    this.throttleRetryAfterMs = options.retryAfterMs;
    this.throttleOperations = new Set(options.operations ?? []);
    if (options.seed !== undefined) this.random = seededRandom(options.seed);
  }

  capacity(scope: CapacityScope, n: number | undefined): void {
    const key = capacityKey(scope.zone, scope.type);
    if (n === undefined || n === Infinity) this.capacities.delete(key);
    else this.capacities.set(key, Math.max(0, n));
  }

  quota(resource: string, limit: number | undefined): void {
    if (limit === undefined || limit === Infinity) this.quotas.delete(resource);
    else this.quotas.set(resource, Math.max(0, limit));
  }

  expireCredentials(): void {
    this.expired = true;
  }

  restoreCredentials(): void {
    this.expired = false;
  }

  dropResponse(operation: string, options: { readonly times?: number | undefined } = {}): void {
    this.drops.set(operation, (this.drops.get(operation) ?? 0) + (options.times ?? 1));
  }

  delay(operation: string, ms: number): void {
    if (ms > 0) this.delays.set(operation, ms);
    else this.delays.delete(operation);
  }

  hang(operation: string, on = true): void {
    if (on) this.hangs.add(operation);
    else if (operation === 'all') this.hangs.clear();
    else this.hangs.delete(operation);
  }

  reset(): void {
    this.failures.clear();
    this.drops.clear();
    this.delays.clear();
    this.hangs.clear();
    this.capacities.clear();
    this.quotas.clear();
    this.throttleRate = 0;
    this.throttleRetryAfterMs = undefined;
    this.throttleOperations = new Set();
    this.expired = false;
  }

  /** True while the credentials are expired. */
  get credentialsExpired(): boolean {
    return this.expired;
  }

  /**
   * The checks before a call, in the fixed order: expired credentials, hang (waits until
   * `signal` aborts or the plan releases its hangs, then rejects), delay, one-off failure,
   * throttling. Resolves with the refusal to answer, or `proceed`.
   */
  async beforeCall(operation: string, signal?: AbortSignal): Promise<BeforeCall> {
    if (this.expired) return { refuse: { kind: 'auth' } };
    if (this.hangs.has('all') || this.hangs.has(operation)) await this.hold(signal);
    const delayMs = this.delays.get(operation) ?? this.delays.get('all');
    if (delayMs !== undefined) await sleep(delayMs, signal);
    const failure = this.failures.get(operation)?.shift();
    if (failure) return { refuse: failure };
    if (this.shouldThrottle(operation)) return { refuse: { kind: 'throttled', retryAfterMs: this.throttleRetryAfterMs } };
    return { proceed: true };
  }

  /** After the call took effect: true when its answer is to be lost (uses up one drop). */
  takeDrop(operation: string): boolean {
    const left = this.drops.get(operation) ?? 0;
    if (left <= 0) return false;
    this.drops.set(operation, left - 1);
    return true;
  }

  /** Launches that still fit for `type` in `zone` (`Infinity` when unlimited). */
  capacityLeft(zone: string, type: string): number {
    return Math.min(this.capacities.get(zone) ?? Infinity, this.capacities.get(capacityKey(zone, type)) ?? Infinity);
  }

  /** Uses up one launch of capacity in `zone` for `type`. */
  consumeCapacity(zone: string, type: string): void {
    for (const key of [zone, capacityKey(zone, type)]) {
      const left = this.capacities.get(key);
      if (left !== undefined) this.capacities.set(key, Math.max(0, left - 1));
    }
  }

  /** The quota on `resource`, `undefined` when unlimited. */
  quotaOf(resource: string): number | undefined {
    return this.quotas.get(resource);
  }

  /** Ends every hanging call now (the emulator is closing): each rejects with `reason`. */
  releaseHangs(reason: unknown): void {
    for (const call of this.held) call.reject(reason);
    this.held.clear();
  }

  private shouldThrottle(operation: string): boolean {
    if (this.throttleRate <= 0) return false;
    if (this.throttleOperations.size > 0 && !this.throttleOperations.has(operation)) return false;
    return this.random() < this.throttleRate;
  }

  private hold(signal: AbortSignal | undefined): Promise<never> {
    return new Promise<never>((_resolve, reject) => {
      const call: HeldCall = {
        reject: (reason) => {
          this.held.delete(call);
          signal?.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      const onAbort = (): void => call.reject(signal!.reason);
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.held.add(call);
    });
  }
}

function capacityKey(zone: string, type: string | undefined): string {
  return type ? `${zone}/${type}` : zone;
}
