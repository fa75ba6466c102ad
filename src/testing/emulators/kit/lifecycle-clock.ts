/**
 * Time in an emulator: resources move through their states (pending → running, stopping →
 * stopped) after configurable delays, and new resources stay out of some reads for a while
 * (eventual consistency). Nothing runs on timers: transitions are applied lazily whenever a
 * resource is read, against an injectable clock, so a test can drive time exactly and a long
 * benchmark costs no timers.
 */

/** A state change due at a time, with the cloud's reason for it. */
export interface ScheduledTransition<S extends string, R = undefined> {
  /** State entered. */
  readonly to: S;
  /** When (clock milliseconds). */
  readonly at: number;
  /** The cloud's reason (e.g. EC2's `Client.UserInitiatedShutdown`). */
  readonly reason?: R | undefined;
}

/** A resource with a lifecycle: its state and at most one transition pending. */
export interface LifecycleSubject<S extends string, R = undefined> {
  /** Current state. */
  state: S;
  /** The transition pending, if any. */
  transition: ScheduledTransition<S, R> | undefined;
}

/** The emulator's clock and the lifecycle rules on it. */
export class LifecycleClock {
  /** Wraps a clock in epoch ms (default `Date.now`). */
  constructor(
    /** The clock every transition is measured on, in epoch ms. */
    readonly now: () => number = Date.now,
  ) {}

  /** A transition to `to`, `afterMs` from now. */
  schedule<S extends string, R = undefined>(to: S, afterMs: number, reason?: R): ScheduledTransition<S, R> {
    return { to, at: this.now() + afterMs, reason };
  }

  /**
   * Applies the subject's transition when it is due; `enter` runs for each state entered (it
   * may schedule the next one, which is applied too when due). Returns true when anything changed.
   */
  advance<S extends string, R>(subject: LifecycleSubject<S, R>, enter?: (to: S, reason: R | undefined, at: number) => void): boolean {
    const now = this.now();
    let changed = false;
    while (subject.transition && subject.transition.at <= now) {
      const { to, reason, at } = subject.transition;
      subject.transition = undefined;
      subject.state = to;
      changed = true;
      enter?.(to, reason, at);
    }
    return changed;
  }

  /** A window of `ms` from now: reads made before it closes do not see what was just created. */
  window(ms: number): ConsistencyWindow {
    return new ConsistencyWindow(this, this.now() + Math.max(0, ms));
  }

  /** True once `at` has passed. */
  reached(at: number): boolean {
    return at <= this.now();
  }
}

/**
 * An eventual-consistency window: a resource created at one moment shows up in a lagging read
 * (a listing, a lookup by id right after create) only once the window has closed.
 */
export class ConsistencyWindow {
  /** A window on `clock` that closes at `closesAt`. */
  constructor(
    private readonly clock: LifecycleClock,
    /** When reads start seeing the resource (clock milliseconds). */
    readonly closesAt: number,
  ) {}

  /** True once the window has closed: reads see the resource. */
  get closed(): boolean {
    return this.clock.reached(this.closesAt);
  }
}

/** The items a lagging read shows now: those whose window (`closesAt` of each) has closed. */
export function visibleNow<T>(clock: LifecycleClock, items: Iterable<T>, closesAt: (item: T) => number): T[] {
  const now = clock.now();
  const out: T[] = [];
  for (const item of items) if (closesAt(item) <= now) out.push(item);
  return out;
}
