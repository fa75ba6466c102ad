/**
 * `optimizePlacement`: every VM of the inventory in scope is scored where it runs and where it
 * would run best now (move-evaluator.ts), and the moves that pay are cut into a plan within the
 * disruption budgets (plan-builder.ts). Nothing is changed: applying is `applyPlan`'s job.
 */
import { bundledStoragePrices } from '../../catalog/bundled-snapshot.js';
import { InvalidSpecError } from '../../provider/errors.js';
import { throwIfAborted } from '../../provider/abort.js';
import type { ProviderKind } from '../../provider/types.js';
import type { FederationContext } from '../federation-context.js';
import { specFromStore, type InventoryRecord } from '../inventory.js';
import { parseCron } from '../cron-schedule.js';
import type { PlacementEngine } from '../placement/index.js';
import { MoveEvaluator } from './move-evaluator.js';
import { buildPlan, type EvaluatedVM } from './plan-builder.js';
import type { MigrationProposal, OptimizePlacementOptions, PlacementPlan, PlanCriteria, PlanScope, ResolvedPlanBudgets } from './plan-types.js';

const DEFAULTS = { maxConcurrentMigrations: 2, maxGroupShare: 0.5, maxPaybackDays: 30, minScoreGain: 0.02, minMonthlySavings: 1, transferMiBps: 50 } as const;

/** Fills in the budgets' defaults; `InvalidSpecError` names a field out of range. */
export function resolveBudgets(options: OptimizePlacementOptions): ResolvedPlanBudgets {
  const b = options.budgets ?? {};
  const maxConcurrentMigrations = b.maxConcurrentMigrations ?? DEFAULTS.maxConcurrentMigrations;
  const maxGroupShare = b.maxGroupShare ?? DEFAULTS.maxGroupShare;
  const maxPaybackDays = b.maxPaybackDays ?? DEFAULTS.maxPaybackDays;
  const issues: { field: string; message: string }[] = [];
  if (!Number.isInteger(maxConcurrentMigrations) || maxConcurrentMigrations < 1) issues.push({ field: 'budgets.maxConcurrentMigrations', message: 'must be a whole number ≥ 1' });
  if (!(maxGroupShare > 0 && maxGroupShare <= 1)) issues.push({ field: 'budgets.maxGroupShare', message: 'must be more than 0 and at most 1' });
  if (!(maxPaybackDays >= 0) || !Number.isFinite(maxPaybackDays)) issues.push({ field: 'budgets.maxPaybackDays', message: 'must be a number of days ≥ 0' });
  const windows = b.windows ?? [];
  windows.forEach((w, i) => {
    try {
      parseCron(w.cron, { timezone: w.timezone, field: `budgets.windows[${i}].cron`, timezoneField: `budgets.windows[${i}].timezone` });
    } catch (error) {
      if (InvalidSpecError.isInstance(error)) issues.push(...error.issues);
      else throw error;
    }
    if (!(w.durationMinutes > 0)) issues.push({ field: `budgets.windows[${i}].durationMinutes`, message: 'must be more than 0' });
  });
  if (options.transferMiBps !== undefined && !(options.transferMiBps > 0)) issues.push({ field: 'transferMiBps', message: 'must be more than 0' });
  if (issues.length > 0) throw new InvalidSpecError({ issues });
  return { maxConcurrentMigrations, maxGroupShare, maxPaybackDays, windows };
}

/** Whether a record is in scope. */
function inScope(record: InventoryRecord, scope: PlanScope | undefined): boolean {
  if (record.status !== 'active' && record.status !== 'adopted') return false;
  if (!scope) return true;
  if (scope.providers && !scope.providers.includes(record.provider)) return false;
  if (scope.names && !scope.names.includes(record.name)) return false;
  if (scope.groups) {
    if (record.group === undefined || !scope.groups.includes(record.group)) return false;
  }
  if (scope.labels) for (const [k, v] of Object.entries(scope.labels)) if (record.spec?.labels[k] !== v) return false;
  return true;
}

/** The default egress price: the bundled snapshot's list price for the cloud (0 when it has none). */
function bundledEgress(kind: ProviderKind): number {
  return bundledStoragePrices(kind)?.egressPerGB ?? 0;
}

/** Proposes moves for the inventory's VMs; see `FederationManager.optimizePlacement`. */
export async function optimizePlacement(fed: FederationContext, engine: PlacementEngine, options: OptimizePlacementOptions = {}): Promise<PlacementPlan> {
  const budgets = resolveBudgets(options);
  const evaluator = evaluatorFor(fed, engine, criteriaOf(options), options.egressPricePerGB);
  const evaluated: EvaluatedVM[] = [];
  const groupProviders = new Map<string, { vm: string; provider: string }[]>();
  let seen = 0;
  for await (const record of fed.inventory.list({ signal: options.signal })) {
    if ((++seen & 1023) === 0) throwIfAborted(options.signal);
    const group = record.group;
    if (group !== undefined && (record.status === 'active' || record.status === 'adopted')) {
      let list = groupProviders.get(group);
      if (!list) groupProviders.set(group, (list = []));
      list.push({ vm: `${record.provider}/${record.vmId}`, provider: record.provider });
    }
    if (!inScope(record, options.scope)) continue;
    if (record.spec === undefined) {
      evaluated.push({ record, group, case: { kind: 'stay', reason: 'its spec is not recorded (adopted without one): nothing to place it by' } });
      continue;
    }
    evaluated.push({ record, group, case: evaluator.evaluate(record, specFromStore(record.spec)) });
  }
  return buildPlan(evaluated, { criteria: criteriaOf(options), budgets, groupProviders, now: fed.now() });
}

/** The options' criteria with their defaults. */
export function criteriaOf(options: OptimizePlacementOptions): PlanCriteria {
  return {
    strategy: options.strategy,
    constraints: options.constraints ?? [],
    minScoreGain: options.minScoreGain ?? DEFAULTS.minScoreGain,
    minMonthlySavings: options.minMonthlySavings ?? DEFAULTS.minMonthlySavings,
    liveMigration: options.liveMigration ?? true,
    transferMiBps: options.transferMiBps ?? DEFAULTS.transferMiBps,
  };
}

/** A move evaluator for the federation as it is now, under a plan's criteria. */
export function evaluatorFor(fed: FederationContext, engine: PlacementEngine, criteria: PlanCriteria, egressPricePerGB?: (kind: ProviderKind) => number | undefined): MoveEvaluator {
  return new MoveEvaluator({
    engine,
    exclusions: fed.blocks,
    request: { constraints: criteria.constraints },
    strategy: criteria.strategy,
    liveMigration: criteria.liveMigration,
    transferMiBps: criteria.transferMiBps,
    egressPricePerGB: (kind) => egressPricePerGB?.(kind) ?? bundledEgress(kind),
    kindOf: (provider) => fed.registry.find(provider)?.kind,
    policies: fed.policies,
  });
}

/**
 * Why a proposal no longer holds at today's prices and policies (`undefined` when it still
 * does): the VM is gone or moved, or its best placement is now elsewhere, or the move no longer
 * saves what the plan asked.
 */
export async function revalidateProposal(fed: FederationContext, engine: PlacementEngine, plan: PlacementPlan, proposal: MigrationProposal, signal?: AbortSignal): Promise<string | undefined> {
  const record = await fed.inventory.get(proposal.vm.provider, proposal.vm.id, { signal });
  if (!record || (record.status !== 'active' && record.status !== 'adopted')) return 'the VM is no longer in the inventory';
  if (record.spec === undefined) return 'the VM has no recorded spec';
  const c = evaluatorFor(fed, engine, plan.criteria).evaluate(record, specFromStore(record.spec));
  if (c.kind === 'stay') return `it stays now: ${c.reason}`;
  const t = c.to;
  const p = proposal.to;
  if (t.provider !== p.provider || t.region !== p.region || t.instanceType !== p.instanceType || t.spot !== p.spot) {
    return `the best placement is now ${t.provider}/${t.region}/${t.instanceType}${t.spot ? ' (spot)' : ''}, not ${p.provider}/${p.region}/${p.instanceType}`;
  }
  if (c.reason !== 'policy' && c.monthlySavings < plan.criteria.minMonthlySavings) return `at today's prices it saves ${c.monthlySavings.toFixed(2)} a month, less than ${plan.criteria.minMonthlySavings}`;
  return undefined;
}
