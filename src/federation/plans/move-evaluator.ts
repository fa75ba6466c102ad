/**
 * One VM's case for moving: the best placement now (the placement engine's decision, under the
 * federation's policies and the plan's constraints) against where it runs, both scored on one
 * scale, and what the move would cost and disrupt.
 *
 * Scoring where it runs: the engine decides again with the VM pinned to its provider, region,
 * instance type and spot choice; that candidate's components are the engine's own, except the
 * cost component, which is relative to the cheapest feasible price and so is recomputed against
 * the unpinned decision's cheapest (`chosen.hourlyPrice × chosen.components.cost`). A pinned
 * decision that is refused means where the VM runs breaks a policy or constraint now.
 *
 * Both decisions keep the VM's capacity type (on-demand stays on-demand, spot stays spot): a
 * migration re-creates the same VM elsewhere. Decisions are cached by spec (its name aside) and by
 * current placement, so a fleet of many VMs of few shapes costs few decisions.
 */
import { HOURS_PER_MONTH, type ProviderKind, type VMSpec } from '../../provider/types.js';
import { RefusedDecision, type Policy, type PlacementCandidate, type PlacementDecision, type PlacementEngine, type PlacementExclusions, type PlacementRequest, type PlacementStrategy } from '../placement/index.js';
import type { InventoryRecord } from '../inventory.js';
import type { PlannedPlacement } from './plan-types.js';

const MIB_PER_GIB = 1024;
/** Minutes a live cut-over takes (the traffic switch and the target's first checks). */
const LIVE_CUTOVER_MINUTES = 1;
/** Minutes a target takes to boot and pass its health check. */
const BOOT_MINUTES = 3;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** What the evaluator is given once per plan. */
export interface EvaluatorInput {
  readonly engine: PlacementEngine;
  readonly exclusions: PlacementExclusions;
  readonly request: Omit<PlacementRequest, 'strategy'>;
  readonly strategy: PlacementStrategy | undefined;
  readonly liveMigration: boolean;
  readonly transferMiBps: number;
  readonly egressPricePerGB: (kind: ProviderKind) => number;
  readonly kindOf: (provider: string) => ProviderKind | undefined;
  readonly policies: readonly Policy[];
}

/** A VM's evaluated move (before budgets), or why it stays. */
export type MoveCase =
  | {
      readonly kind: 'move';
      readonly from: PlannedPlacement;
      readonly to: PlannedPlacement;
      readonly reason: 'cheaper' | 'better-score' | 'policy';
      readonly monthlySavings: number;
      readonly oneOffCost: number;
      readonly paybackDays: number | null;
      readonly transferGiB: number;
      readonly transferMinutes: number;
      readonly expectedDowntimeMinutes: number;
      readonly risk: 'on-demand' | 'unknown' | NonNullable<PlacementCandidate['offer']['spotInterruption']>;
      /** The fewest providers the VM's group must span (the largest `distribute` policy that applied). */
      readonly minProviders: number;
    }
  | { readonly kind: 'stay'; readonly reason: string };

/** Evaluates VMs against fresh decisions, caching by shape. */
export class MoveEvaluator {
  private readonly best = new Map<string, PlacementDecision | RefusedDecision>();
  private readonly pinned = new Map<string, PlacementDecision | RefusedDecision>();

  constructor(private readonly input: EvaluatorInput) {}

  /** The case of one inventory record whose spec is known. */
  evaluate(record: InventoryRecord, spec: VMSpec): MoveCase {
    const strategy = this.input.strategy ?? strategyOf(record) ?? 'cost-optimized';
    // The move keeps the VM's capacity type: a migration re-creates the same VM elsewhere; turning
    // on-demand into spot (or back) is a different decision than where it runs.
    const request: PlacementRequest = { ...this.input.request, strategy, spot: record.spot ? 'require' : 'forbid' };
    // A cache key only (a miss costs a decision, never a wrong answer): the spec as written, name aside.
    const shape = JSON.stringify(spec, (key, value: unknown) => (key === 'name' ? undefined : value));
    const bestKey = `${strategy}\0${record.spot}\0${shape}`;
    let best = this.best.get(bestKey);
    if (!best) {
      best = this.input.engine.decide(spec, request, { exclusions: this.input.exclusions });
      this.best.set(bestKey, best);
    }
    if (best instanceof RefusedDecision) return { kind: 'stay', reason: 'no feasible placement under the current policies and constraints' };
    const chosen = best.chosen;
    const pinKey = `${bestKey}\0${record.provider}\0${record.region}\0${record.instanceType}`;
    let current = this.pinned.get(pinKey);
    if (!current) {
      current = this.input.engine.decide(
        { ...spec, instanceType: record.instanceType },
        {
          ...request,
          constraints: [...(request.constraints ?? []), { type: 'provider', operator: 'in', values: [record.provider] }, { type: 'region', operator: 'in', values: [record.region] }],
        },
        { exclusions: this.input.exclusions },
      );
      this.pinned.set(pinKey, current);
    }
    const to = planned(chosen, chosen.score);
    const minProviders = distributeMinimum(best, this.input.policies);
    const transferGiB = spec.disk.sizeGiB;
    const transferMinutes = (transferGiB * MIB_PER_GIB) / this.input.transferMiBps / 60;
    const expectedDowntimeMinutes = this.input.liveMigration ? LIVE_CUTOVER_MINUTES : transferMinutes + BOOT_MINUTES;
    const sameCloud = record.provider === chosen.provider && record.region === chosen.region;
    const sourceKind = this.input.kindOf(record.provider);
    const oneOffCost = sameCloud || sourceKind === undefined ? 0 : round(transferGiB * (1024 ** 3 / 1e9) * this.input.egressPricePerGB(sourceKind));
    const risk = chosen.spot ? (chosen.offer.spotInterruption ?? 'unknown') : 'on-demand';

    if (current instanceof RefusedDecision) {
      const fromPrice = record.cost?.hourly ?? 0;
      const from: PlannedPlacement = { ...targetOf(record), providerKind: sourceKind ?? chosen.providerKind, hourlyPrice: fromPrice, currency: chosen.offer.currency, score: 0 };
      const monthlySavings = round((fromPrice - chosen.hourlyPrice) * HOURS_PER_MONTH);
      return { kind: 'move', from, to, reason: 'policy', monthlySavings, oneOffCost, paybackDays: payback(oneOffCost, monthlySavings), transferGiB, transferMinutes, expectedDowntimeMinutes, risk, minProviders };
    }
    const here = current.chosen;
    if (here.provider === chosen.provider && here.region === chosen.region && here.instanceType === chosen.instanceType && here.spot === chosen.spot) {
      return { kind: 'stay', reason: 'it already runs at the best placement' };
    }
    const from = planned(here, rescore(here, best));
    const monthlySavings = round((here.hourlyPrice - chosen.hourlyPrice) * HOURS_PER_MONTH);
    const reason = monthlySavings > 0 ? 'cheaper' : 'better-score';
    return { kind: 'move', from, to, reason, monthlySavings, oneOffCost, paybackDays: payback(oneOffCost, monthlySavings), transferGiB, transferMinutes, expectedDowntimeMinutes, risk, minProviders };
  }
}

/** The strategy a VM was placed with, when it is one the engine knows. */
function strategyOf(record: InventoryRecord): PlacementStrategy | undefined {
  const s = record.decision?.strategy;
  return s === 'cost-optimized' || s === 'performance' || s === 'balanced' || s === 'carbon' ? s : undefined;
}

function targetOf(record: InventoryRecord) {
  return { provider: record.provider, region: record.region, zone: record.zone, instanceType: record.instanceType, spot: record.spot };
}

function planned(c: PlacementCandidate, score: number): PlannedPlacement {
  return { provider: c.provider, providerKind: c.providerKind, region: c.region, zone: c.zone, instanceType: c.instanceType, spot: c.spot, hourlyPrice: c.hourlyPrice, currency: c.offer.currency, score };
}

/** The pinned candidate's score with its cost component relative to the unpinned decision's cheapest price. */
function rescore(here: PlacementCandidate, best: PlacementDecision): number {
  const w = best.weights;
  const minPrice = best.chosen.hourlyPrice * best.chosen.components.cost;
  const cost = here.hourlyPrice <= 0 ? 1 : Math.min(1, minPrice / here.hourlyPrice);
  const c = here.components;
  const total = w.cost + w.performance + w.compliance + w.location + w.carbon;
  const weighted = total > 0 ? (w.cost * cost + w.performance * c.performance + w.compliance * c.compliance + w.location * c.location + w.carbon * c.carbon) / total : 0;
  const bonus = here.bonuses.reduce((sum, b) => sum + b.weight, 0);
  return Math.round((weighted + bonus) * 1e9) / 1e9;
}

/** The largest `minProviders` of the `distribute` policies that applied to a decision (1 when none). */
function distributeMinimum(decision: PlacementDecision, policies: readonly Policy[]): number {
  let min = 1;
  for (const p of policies) {
    if (p.action.type === 'distribute' && decision.policies.some((d) => d.name === p.name && d.applied)) min = Math.max(min, p.action.minProviders);
  }
  return min;
}

function payback(oneOff: number, monthlySavings: number): number | null {
  if (oneOff <= 0) return 0;
  if (monthlySavings <= 0) return null;
  return Math.round((oneOff / (monthlySavings / DAYS_PER_MONTH)) * 10) / 10;
}

function round(amount: number): number {
  return Math.round(amount * 1e4) / 1e4;
}
