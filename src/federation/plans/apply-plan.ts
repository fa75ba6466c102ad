/**
 * `applyPlan`: runs a plan's migrations wave by wave within its budgets. Just before each
 * migration starts, its proposal is checked against fresh prices (the caller's `revalidate`: the
 * VM is evaluated again, and the move must still go to the same place and still pay); a stale one
 * is skipped, never migrated on old figures. Outside the plan's migration windows nothing starts
 * (the rest is `deferred`). Each migration's idempotency key is derived from the plan and the
 * VM, so applying a plan twice migrates nothing twice.
 */
import { isAbortError } from '../../provider/errors.js';
import { parseCron } from '../cron-schedule.js';
import type { AppliedProposal, ApplyPlanOptions, ApplyPlanResult, MigrationProposal, MigrationWindow, PlacementPlan } from './plan-types.js';

/** What applying needs of the federation. */
export interface PlanApplier {
  /** `undefined` when the proposal still holds; else why not. */
  revalidate(proposal: MigrationProposal, signal: AbortSignal | undefined): Promise<string | undefined>;
  /** Starts (or resumes, by key) the migration; resolves with its id once it has moved traffic or finished. */
  migrate(proposal: MigrationProposal, idempotencyKey: string, signal: AbortSignal | undefined): Promise<{ readonly id: string }>;
  /** Clock, epoch ms. */
  now(): number;
}

/** Whether `now` falls in one of the windows (any time when there are none). */
export function inMigrationWindow(windows: readonly MigrationWindow[], now: number): boolean {
  if (windows.length === 0) return true;
  return windows.some((w) => parseCron(w.cron, { timezone: w.timezone }).next(now - w.durationMinutes * 60_000 - 1) <= now);
}

/** The idempotency key of a proposal's migration. */
export function migrationKeyOf(plan: PlacementPlan, proposal: MigrationProposal): string {
  return `${plan.id}/${proposal.vm.provider}/${proposal.vm.id}`;
}

/** Applies the plan; see `FederationManager.applyPlan`. */
export async function applyPlan(plan: PlacementPlan, applier: PlanApplier, options: ApplyPlanOptions = {}): Promise<ApplyPlanResult> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? plan.budgets.maxConcurrentMigrations, plan.budgets.maxConcurrentMigrations));
  const results = new Map<MigrationProposal, AppliedProposal>();
  const waves = [...new Set(plan.proposals.map((p) => p.wave))].sort((a, b) => a - b);
  let stop: string | undefined;
  for (const wave of waves) {
    const queue = plan.proposals.filter((p) => p.wave === wave);
    const worker = async (): Promise<void> => {
      for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
        if (stop === undefined && options.signal?.aborted) stop = 'aborted before it started';
        if (stop === undefined && !inMigrationWindow(plan.budgets.windows, applier.now())) stop = 'outside the migration windows';
        if (stop !== undefined) {
          results.set(p, { proposal: p, status: 'deferred', reason: stop });
          continue;
        }
        try {
          const stale = await applier.revalidate(p, options.signal);
          if (stale !== undefined) results.set(p, { proposal: p, status: 'skipped', reason: stale });
          else if (options.dryRun) results.set(p, { proposal: p, status: 'dry-run' });
          else results.set(p, { proposal: p, status: 'migrated', migrationId: (await applier.migrate(p, migrationKeyOf(plan, p), options.signal)).id });
        } catch (error) {
          if (isAbortError(error)) stop = 'aborted';
          results.set(p, { proposal: p, status: isAbortError(error) ? 'deferred' : 'failed', reason: error instanceof Error ? error.message : String(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
  return { planId: plan.id, results: plan.proposals.map((p) => results.get(p) ?? { proposal: p, status: 'deferred', reason: stop ?? 'not reached' }) };
}
