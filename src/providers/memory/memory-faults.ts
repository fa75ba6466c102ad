/**
 * The fault controls of an in-memory provider: the shared vocabulary of the emulator kit
 * ({@link FaultControls}, the same calls a test makes on an emulator's `faults`), kept by a
 * {@link FaultPlan}, plus one memory-only extension — `failNext` also takes a ready `Error`,
 * thrown as it is, for tests that need one novacron error in particular.
 */
import {
  FaultPlan,
  type CapacityScope,
  type FaultControls,
  type FaultError,
} from '../../testing/emulators/kit/fault-plan.js';

/** The operations of an in-memory provider, as named in call counts and faults. */
export type MemoryOperation =
  | 'createVM'
  | 'getVM'
  | 'findByIdempotencyKey'
  | 'listVMs'
  | 'deleteVM'
  | 'startVM'
  | 'stopVM'
  | 'rebootVM'
  | 'regions'
  | 'offers'
  | 'estimateCost'
  | 'exportVM'
  | 'importVM';

/** Every {@link MemoryOperation}. */
export const MEMORY_OPERATIONS: readonly MemoryOperation[] = [
  'createVM',
  'getVM',
  'findByIdempotencyKey',
  'listVMs',
  'deleteVM',
  'startVM',
  'stopVM',
  'rebootVM',
  'regions',
  'offers',
  'estimateCost',
  'exportVM',
  'importVM',
];

/**
 * {@link FaultControls} of an in-memory provider. Operations are {@link MemoryOperation}s;
 * a fault's kind becomes the novacron error an adapter raises for it (capacity →
 * `CapacityError`, quota → `QuotaError`, throttled → `ThrottledError`, unavailable and internal
 * → `ProviderUnavailableError`, auth → `AuthError`, invalid → `InvalidSpecError`, not-found →
 * `NotFoundError`, conflict → `ConflictError`).
 *
 * Quotas apply per region, to the resources the EC2 emulator knows: `instances` (live VMs),
 * `vcpus` (vCPUs of live on-demand VMs) and `spot-instances` (live spot VMs). Capacity is in
 * launches, as on every emulator: `capacity({ zone }, 2)` lets two more VMs start there.
 */
export interface MemoryFaultControls extends FaultControls {
  /**
   * The next `times` (default 1) calls of `operation` fail; nothing takes effect. Memory-only
   * extension: `error` may be a ready `Error` (a novacron error, say), thrown as it is.
   */
  failNext(operation: MemoryOperation, error: FaultError | Error, options?: { readonly times?: number | undefined }): void;
  dropResponse(operation: MemoryOperation, options?: { readonly times?: number | undefined }): void;
  delay(operation: MemoryOperation | 'all', ms: number): void;
  hang(operation: MemoryOperation | 'all', on?: boolean): void;
  throttle(
    rate: number,
    options?: { readonly retryAfterMs?: number | undefined; readonly operations?: readonly MemoryOperation[] | undefined; readonly seed?: number | undefined },
  ): void;
}

/** The refusal code that stands for a ready `Error` queued with `failNext`. */
const READY_ERROR_CODE = 'novacron-memory-ready-error:';

/** The faults of one in-memory provider: a {@link FaultPlan}, and the ready errors queued on it. */
export class MemoryFaults implements MemoryFaultControls {
  /** The engine the provider asks around each call. */
  readonly plan: FaultPlan;
  // A ready error rides in the plan's queue as a refusal whose code names it, so it keeps its
  // place among the other failures of its operation.
  private readonly readyErrors = new Map<string, { readonly error: Error; left: number }>();
  private readyCount = 0;

  /** Creates an empty set of faults; `seed` makes throttling replayable. */
  constructor(seed?: number) {
    this.plan = new FaultPlan(seed);
  }

  failNext(operation: MemoryOperation, error: FaultError | Error, options: { readonly times?: number | undefined } = {}): void {
    if (!(error instanceof Error)) return this.plan.failNext(operation, error, options);
    const code = `${READY_ERROR_CODE}${++this.readyCount}`;
    this.readyErrors.set(code, { error, left: options.times ?? 1 });
    this.plan.failNext(operation, { kind: 'internal', code }, options);
  }

  throttle(
    rate: number,
    options?: { readonly retryAfterMs?: number | undefined; readonly operations?: readonly MemoryOperation[] | undefined; readonly seed?: number | undefined },
  ): void {
    this.plan.throttle(rate, options);
  }

  capacity(scope: CapacityScope, n: number | undefined): void {
    this.plan.capacity(scope, n);
  }

  quota(resource: string, limit: number | undefined): void {
    this.plan.quota(resource, limit);
  }

  expireCredentials(): void {
    this.plan.expireCredentials();
  }

  restoreCredentials(): void {
    this.plan.restoreCredentials();
  }

  dropResponse(operation: MemoryOperation, options?: { readonly times?: number | undefined }): void {
    this.plan.dropResponse(operation, options);
  }

  delay(operation: MemoryOperation | 'all', ms: number): void {
    this.plan.delay(operation, ms);
  }

  hang(operation: MemoryOperation | 'all', on?: boolean): void {
    this.plan.hang(operation, on);
  }

  reset(): void {
    this.plan.reset();
    this.readyErrors.clear();
  }

  /** The ready `Error` a refusal stands for, when `failNext` was given one (uses it up once). */
  takeReadyError(refusal: FaultError): Error | undefined {
    if (refusal.code === undefined || !refusal.code.startsWith(READY_ERROR_CODE)) return undefined;
    const ready = this.readyErrors.get(refusal.code);
    if (ready === undefined) return undefined;
    if (--ready.left <= 0) this.readyErrors.delete(refusal.code);
    return ready.error;
  }
}
