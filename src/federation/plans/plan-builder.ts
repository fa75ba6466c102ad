/**
 * From evaluated moves to a plan, the way Karpenter consolidates but across clouds: keep the
 * moves that pay for themselves (saving at least `minMonthlySavings`, payback within
 * `maxPaybackDays`; a move that fixes a broken policy is always kept), rank them by saving per
 * minute of downtime, drop those that would leave a group on fewer providers than its
 * `distribute` policy asks, and cut the rest into waves of at most `maxConcurrentMigrations`
 * moves, each moving at most `maxGroupShare` of any group. Every order is total (ties broken by
 * provider and id), so the same inventory, prices and options give the same plan and plan id.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../provider/offer-selection.js';
import type { InventoryRecord } from '../inventory.js';
import type { MoveCase } from './move-evaluator.js';
import type { MigrationProposal, PlacementPlan, PlanCriteria, PlanSkip, ResolvedPlanBudgets } from './plan-types.js';

/** A VM with its evaluated case. */
export interface EvaluatedVM {
  readonly record: InventoryRecord;
  readonly group: string | undefined;
  readonly case: MoveCase;
}

/** What the builder is told besides the evaluated VMs. */
export interface PlanBuildInput {
  readonly criteria: PlanCriteria;
  readonly budgets: ResolvedPlanBudgets;
  /** Providers of every member of every group (in scope or not), by group. */
  readonly groupProviders: ReadonlyMap<string, readonly { readonly vm: string; readonly provider: string }[]>;
  readonly now: number;
}

/** Builds the plan. */
export function buildPlan(vms: readonly EvaluatedVM[], input: PlanBuildInput): PlacementPlan {
  const skipped: PlanSkip[] = [];
  const candidates: Omit<MigrationProposal, 'wave'>[] = [];
  const skip = (r: InventoryRecord, reason: string): void => void skipped.push({ provider: r.provider, id: r.vmId, name: r.name, reason });

  for (const { record, group, case: c } of vms) {
    if (c.kind === 'stay') {
      skip(record, c.reason);
      continue;
    }
    if (c.reason !== 'policy') {
      const gain = c.to.score - c.from.score;
      if (gain < input.criteria.minScoreGain) {
        skip(record, `the best placement scores ${gain.toFixed(3)} higher, less than the ${input.criteria.minScoreGain} a move needs`);
        continue;
      }
      if (c.monthlySavings < input.criteria.minMonthlySavings) {
        skip(record, `moving saves ${c.monthlySavings.toFixed(2)} ${c.to.currency} a month, less than ${input.criteria.minMonthlySavings}`);
        continue;
      }
      if (c.paybackDays === null || c.paybackDays > input.budgets.maxPaybackDays) {
        skip(record, `the move would pay back in ${c.paybackDays === null ? 'never' : `${c.paybackDays} days`}, beyond the ${input.budgets.maxPaybackDays} days allowed`);
        continue;
      }
    }
    const { kind: _kind, minProviders: _min, ...move } = c;
    const savingsPerDisruption = Math.round((c.monthlySavings / Math.max(c.expectedDowntimeMinutes, 1)) * 1e4) / 1e4;
    candidates.push({ vm: { provider: record.provider, id: record.vmId, name: record.name, group }, ...move, savingsPerDisruption });
  }

  // Policy fixes first, then by saving per minute of downtime, then by saving; provider and id break ties.
  candidates.sort(
    (a, b) =>
      Number(b.reason === 'policy') - Number(a.reason === 'policy') ||
      b.savingsPerDisruption - a.savingsPerDisruption ||
      b.monthlySavings - a.monthlySavings ||
      compare(a.vm.provider, b.vm.provider) ||
      compare(a.vm.id, b.vm.id),
  );

  const minimumOf = new Map<string, number>();
  for (const v of vms) if (v.group !== undefined && v.case.kind === 'move') minimumOf.set(v.group, Math.max(minimumOf.get(v.group) ?? 1, v.case.minProviders));
  const members = new Map<string, Map<string, string>>();
  for (const [group, list] of input.groupProviders) members.set(group, new Map(list.map((m) => [m.vm, m.provider])));

  const proposals: MigrationProposal[] = [];
  const waveSizes: number[] = [];
  const waveGroupMoves: Map<string, number>[] = [];
  const groupFrom = new Map<string, number>();
  let firstOpen = 0;
  for (const p of candidates) {
    const group = p.vm.group;
    if (group !== undefined && p.to.provider !== p.vm.provider) {
      const placed = members.get(group) ?? new Map<string, string>();
      const before = new Set(placed.values()).size;
      const after = new Set([...placed].map(([vm, provider]) => (vm === vmKey(p) ? p.to.provider : provider))).size;
      const min = minimumOf.get(group) ?? 1;
      if (after < min && after < before) {
        skipped.push({ provider: p.vm.provider, id: p.vm.id, name: p.vm.name, reason: `moving it would leave group ${group} on ${after} provider(s), fewer than the ${min} its distribute policy asks` });
        continue;
      }
      placed.set(vmKey(p), p.to.provider);
    }
    const cap = group === undefined ? Infinity : Math.max(1, Math.floor(input.budgets.maxGroupShare * (members.get(group)?.size ?? 1)));
    // Waves fill in order, so the search starts at the first with room (and, in a group, at the group's first with room).
    while ((waveSizes[firstOpen] ?? 0) >= input.budgets.maxConcurrentMigrations) firstOpen++;
    let wave = Math.max(firstOpen, group === undefined ? 0 : (groupFrom.get(group) ?? 0));
    while ((waveSizes[wave] ?? 0) >= input.budgets.maxConcurrentMigrations || (group !== undefined && (waveGroupMoves[wave]?.get(group) ?? 0) >= cap)) wave++;
    if (group !== undefined && (waveGroupMoves[wave]?.get(group) ?? 0) + 1 >= cap) groupFrom.set(group, wave + 1);
    waveSizes[wave] = (waveSizes[wave] ?? 0) + 1;
    if (group !== undefined) {
      const moves = (waveGroupMoves[wave] ??= new Map());
      moves.set(group, (moves.get(group) ?? 0) + 1);
    }
    proposals.push({ ...p, wave });
  }
  proposals.sort((a, b) => a.wave - b.wave);
  skipped.sort((a, b) => compare(a.provider, b.provider) || compare(a.id, b.id));

  const monthlySavings = round(proposals.reduce((s, p) => s + p.monthlySavings, 0));
  const oneOffCost = round(proposals.reduce((s, p) => s + p.oneOffCost, 0));
  const content = { criteria: input.criteria, budgets: input.budgets, proposals, skipped };
  const id = `plan-${createHash('sha256').update(canonicalJson(content as never)).digest('hex').slice(0, 24)}`;
  return { id, createdAt: new Date(input.now).toISOString(), strategy: input.criteria.strategy, proposals, skipped, monthlySavings, oneOffCost, budgets: input.budgets, criteria: input.criteria, considered: vms.length };
}

function vmKey(p: { readonly vm: { readonly provider: string; readonly id: string } }): string {
  return `${p.vm.provider}/${p.vm.id}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function round(amount: number): number {
  return Math.round(amount * 1e4) / 1e4;
}
