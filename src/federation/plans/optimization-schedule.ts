/**
 * Scheduled optimization: the configuration's `optimization` section (`enabled`, `schedule:
 * "0 2 * * *"`, `strategies: [cost, performance, carbon-footprint]`) run by croner's schedule on the
 * manager's clock. At each firing only the replica that takes the `optimizer` lease in the shared
 * state store runs (the others skip that firing): one plan per strategy, applied when `apply` is
 * set. Each firing's plan is handed to `onRun`.
 */
import { sleep } from '../../provider/abort.js';
import { InvalidSpecError } from '../../provider/errors.js';
import type { StateStore } from '../../state/state-store.js';
import { parseCron } from '../cron-schedule.js';
import type { Logger } from '../logger.js';
import type { PlacementStrategy } from '../placement/index.js';
import type { ApplyPlanResult, OptimizePlacementOptions, PlacementPlan } from './plan-types.js';

/** The configuration's strategy names, as placement strategies. */
const CONFIG_STRATEGIES: Readonly<Record<string, PlacementStrategy>> = { cost: 'cost-optimized', performance: 'performance', 'carbon-footprint': 'carbon', balanced: 'balanced' };

/** The placement strategy of a configuration name (`cost`, `carbon-footprint`, ...) or of a strategy name. */
export function strategyOfConfigName(name: string): PlacementStrategy | undefined {
  return CONFIG_STRATEGIES[name] ?? (Object.values(CONFIG_STRATEGIES).includes(name as PlacementStrategy) ? (name as PlacementStrategy) : undefined);
}

/** What one firing did. */
export interface OptimizationRun {
  /** When it fired (epoch ms). */
  readonly firedAt: number;
  /** Another replica held the lease: nothing ran here. */
  readonly skipped: boolean;
  /** One plan per strategy, with what applying it did when `apply` is set. */
  readonly plans: readonly {
    /** The plan of one strategy. */
    readonly plan: PlacementPlan;
    /** What applying it did (`undefined` unless `apply`). */
    readonly applied: ApplyPlanResult | undefined;
  }[];
}

/** Options of `FederationManager.startOptimization` (default: the configuration's `optimization` section). */
export interface OptimizationScheduleOptions {
  /** Cron expression in croner's syntax (default: the configuration's `schedule`). */
  readonly schedule?: string | undefined;
  /** IANA time zone of the schedule (default `UTC`). */
  readonly timezone?: string | undefined;
  /** Strategies, one plan each, in the configuration's names or placement strategy names (default: the configuration's, else `cost`). */
  readonly strategies?: readonly string[] | undefined;
  /** Apply each plan (`applyPlan`) as well as making it (default `false`: plans only). */
  readonly apply?: boolean | undefined;
  /** Scope, constraints and budgets of each plan. */
  readonly optimize?: Omit<OptimizePlacementOptions, 'strategy' | 'signal'> | undefined;
  /** Called after each firing. */
  readonly onRun?: ((run: OptimizationRun) => void) | undefined;
  /** Lifetime of the leader lease, ms (default 30 minutes: a plan and its migrations). */
  readonly leaseTtlMs?: number | undefined;
  /** Stops the schedule. */
  readonly signal?: AbortSignal | undefined;
}

/** A running optimization schedule. */
export interface OptimizationHandle {
  /** Stops the schedule (a run in progress is aborted). */
  stop(): void;
  /** Settles when the schedule has stopped. */
  readonly done: Promise<void>;
}

/** What the schedule needs of the manager. */
export interface OptimizationHost {
  readonly store: StateStore;
  readonly replicaId: string;
  readonly now: () => number;
  readonly log: Logger;
  optimize(options: OptimizePlacementOptions): Promise<PlacementPlan>;
  apply(plan: PlacementPlan, signal: AbortSignal): Promise<ApplyPlanResult>;
}

/** The lease only the leading replica holds while it optimizes. */
export const OPTIMIZER_LEASE = 'optimizer';

/** Parses the schedule's strategies; `InvalidSpecError` names one that is unknown. */
export function scheduleStrategies(names: readonly string[]): PlacementStrategy[] {
  const list = names.length === 0 ? ['cost'] : names;
  return list.map((name, i) => {
    const s = strategyOfConfigName(name);
    if (s === undefined) throw new InvalidSpecError({ issues: [{ field: `strategies[${i}]`, message: `"${name}" is not a strategy (cost, performance, carbon-footprint, balanced)` }] });
    return s;
  });
}

/** Runs the schedule until the signal aborts or `stop()` is called. */
export function startOptimizationSchedule(host: OptimizationHost, options: OptimizationScheduleOptions & { readonly schedule: string; readonly strategies: readonly string[] }): OptimizationHandle {
  const cron = parseCron(options.schedule, { timezone: options.timezone, field: 'schedule', timezoneField: 'timezone' });
  const strategies = scheduleStrategies(options.strategies);
  const ttl = options.leaseTtlMs ?? 30 * 60_000;
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const signal = controller.signal;

  const fire = async (firedAt: number): Promise<OptimizationRun> => {
    const lease = await host.store.acquireLease(OPTIMIZER_LEASE, host.replicaId, ttl, { signal });
    if (lease === null) return { firedAt, skipped: true, plans: [] };
    try {
      const plans: OptimizationRun['plans'][number][] = [];
      for (const strategy of strategies) {
        const plan = await host.optimize({ ...options.optimize, strategy, signal });
        plans.push({ plan, applied: options.apply ? await host.apply(plan, signal) : undefined });
      }
      return { firedAt, skipped: false, plans };
    } finally {
      await host.store.releaseLease(lease).catch(() => undefined);
    }
  };

  const done = (async () => {
    let last = host.now();
    while (!signal.aborted) {
      // From the later of now and the last firing, so a slow clock never fires one slot twice.
      const next = cron.next(Math.max(host.now(), last));
      last = next;
      await sleep(Math.max(0, next - host.now()), signal).catch(() => undefined);
      if (signal.aborted) break;
      try {
        options.onRun?.(await fire(next));
      } catch (error) {
        if (signal.aborted) break;
        host.log.error('scheduled optimization failed', { message: error instanceof Error ? error.message : String(error) });
      }
    }
  })();
  return { stop: () => controller.abort(), done };
}
