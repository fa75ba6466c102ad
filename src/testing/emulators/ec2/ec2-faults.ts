/**
 * Fault controls of the EC2 emulator: throttling at a chosen rate, zone capacity, account
 * quotas, one-off failures, lost responses and expired credentials. Tests turn them on to
 * prove the adapter survives what AWS does on a bad day.
 */
import { seededRandom } from '../../seeded-random.js';

/** Account limits the emulator enforces per region. */
export interface Ec2Quotas {
  /** Running On-Demand vCPUs (EC2 "Running On-Demand Standard instances" quota); `VcpuLimitExceeded` beyond. */
  maxOnDemandVcpus?: number | undefined;
  /** Running instances in all; `InstanceLimitExceeded` beyond (the older per-instance limit). */
  maxInstances?: number | undefined;
  /** Open spot instances; `MaxSpotInstanceCountExceeded` beyond. */
  maxSpotInstances?: number | undefined;
}

/** A failure to answer with once, for the next matching call. */
export interface OneOffFailure {
  /** The EC2 error code. */
  readonly code: string;
  /** Message; a generic one when absent. */
  readonly message?: string | undefined;
  /** HTTP status; the code's usual status when absent. */
  readonly status?: number | undefined;
}


/** Faults in force; mutate through the methods. */
export class Ec2Faults {
  /** Share of calls answered with `RequestLimitExceeded`, in [0, 1]. */
  throttleRate = 0;
  /** Actions the throttling applies to (all when empty). */
  throttleActions: ReadonlySet<string> = new Set();
  /** Account quotas. */
  quotas: Ec2Quotas = {};
  /** Remaining launches by `zone` or `zone/instanceType`; absent means unlimited. */
  readonly capacity = new Map<string, number>();
  /** Credentials have expired: every call gets `RequestExpired`. */
  credentialsExpired = false;
  private readonly failures = new Map<string, OneOffFailure[]>();
  private readonly drops = new Map<string, number>();
  private readonly launchFailures: { code: string; message: string }[] = [];
  private random: () => number;

  /** Creates the fault set with a seed for the throttling PRNG. */
  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  /** Throttles `rate` of calls (optionally only some actions), replayable by `seed`. */
  throttle(rate: number, options: { actions?: readonly string[]; seed?: number } = {}): void {
    this.throttleRate = Math.min(1, Math.max(0, rate));
    this.throttleActions = new Set(options.actions ?? []);
    if (options.seed !== undefined) this.random = seededRandom(options.seed);
  }

  /** Sets how many more instances fit in a zone (or a zone for one type); `Infinity` lifts it. */
  setCapacity(zone: string, available: number, instanceType?: string): void {
    const key = instanceType ? `${zone}/${instanceType}` : zone;
    if (available === Infinity) this.capacity.delete(key);
    else this.capacity.set(key, available);
  }

  /** Answers the next call of `action` with `failure`. */
  failNext(action: string, failure: OneOffFailure): void {
    const queue = this.failures.get(action) ?? [];
    queue.push(failure);
    this.failures.set(action, queue);
  }

  /**
   * Processes the next `count` calls of `action` and then drops the connection without an
   * answer: the client cannot know whether the call took effect (a lost response).
   */
  dropResponses(action: string, count = 1): void {
    this.drops.set(action, (this.drops.get(action) ?? 0) + count);
  }

  /**
   * Lets the next launch be accepted and then fail while pending, as EC2 does when capacity
   * vanishes after RunInstances: the instance goes to `terminated` with this state reason
   * (default `Server.InsufficientInstanceCapacity`).
   */
  failNextLaunch(reason: { code: string; message: string } = { code: 'Server.InsufficientInstanceCapacity', message: 'Server.InsufficientInstanceCapacity: Insufficient capacity to satisfy instance request' }): void {
    this.launchFailures.push(reason);
  }

  /** @internal Takes the next launch failure. */
  takeLaunchFailure(): { code: string; message: string } | undefined {
    return this.launchFailures.shift();
  }

  /** Clears every fault. */
  reset(): void {
    this.throttleRate = 0;
    this.throttleActions = new Set();
    this.quotas = {};
    this.capacity.clear();
    this.failures.clear();
    this.drops.clear();
    this.launchFailures.length = 0;
    this.credentialsExpired = false;
  }

  /** @internal Decides whether this call is throttled. */
  shouldThrottle(action: string): boolean {
    if (this.throttleRate <= 0) return false;
    if (this.throttleActions.size > 0 && !this.throttleActions.has(action)) return false;
    return this.random() < this.throttleRate;
  }

  /** @internal Takes the next one-off failure for `action`. */
  takeFailure(action: string): OneOffFailure | undefined {
    const queue = this.failures.get(action);
    return queue?.shift();
  }

  /** @internal Takes one pending lost response for `action`. */
  takeDrop(action: string): boolean {
    const n = this.drops.get(action) ?? 0;
    if (n <= 0) return false;
    this.drops.set(action, n - 1);
    return true;
  }

  /** @internal Capacity left for a launch of `instanceType` in `zone`. */
  capacityLeft(zone: string, instanceType: string): number {
    return Math.min(this.capacity.get(zone) ?? Infinity, this.capacity.get(`${zone}/${instanceType}`) ?? Infinity);
  }

  /** @internal Consumes one launch of capacity. */
  consumeCapacity(zone: string, instanceType: string): void {
    for (const key of [zone, `${zone}/${instanceType}`]) {
      const left = this.capacity.get(key);
      if (left !== undefined) this.capacity.set(key, left - 1);
    }
  }
}
