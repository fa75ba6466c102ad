/**
 * Groups: `replicas` VMs spread over at least `minProviders` providers. Each replica is a
 * create of its own (its key is the group's key and the replica's number), so a group is as
 * safe to repeat as a single create, and a replica whose outcome is uncertain is never tried
 * again under another key.
 */
import { randomUUID } from 'node:crypto';
import { isAbortError, NovacronError } from '../provider/errors.js';
import type { VM } from '../provider/types.js';
import type { VMCreator } from './create-vm.js';
import { decideOrThrow } from './decide.js';
import type { FederationContext } from './federation-context.js';
import { GroupIncompleteError, OutcomeUncertainError, PlacementRefusedError } from './federation-errors.js';
import type { PlacementDecision } from './placement/index.js';
import type { CreateGroupOptions, ResolvedRequest } from './request-input.js';
import { displayGroupResult } from './result-display.js';

/** The VMs of a group. */
export interface GroupResult {
  /** The replicas' VMs. */
  readonly vms: readonly VM[];
  /** The distinct providers they run on. */
  readonly providers: readonly string[];
}

/** Creates the group; see `FederationManager.createGroup`. */
export async function createGroup(fed: FederationContext, creator: VMCreator, resolved: ResolvedRequest, options: CreateGroupOptions): Promise<GroupResult> {
  const { spec, request } = resolved;
  const engine = await fed.catalog.get(options.signal);
  const groupKey = options.idempotencyKey ?? randomUUID();

  const decision = decideOrThrow({ engine, spec, request, explain: false, exclusions: fed.blocks, priceAge: fed.priceAge, providers: fed.registry.list() });
  const minProviders = options.minProviders ?? distributeMinimum(fed, decision) ?? 1;
  // Providers in order of merit: the decision's choice, then the choice among the rest, and so on
  // (a decision ranks only what could beat its best, so each next provider is decided anew).
  const providerOrder: string[] = [decision.chosen.provider];
  let rest = fed.registry.names().filter((n) => n !== decision.chosen.provider);
  while (rest.length > 0) {
    const next = engine.decide(spec, request, { exclusions: fed.blocks, onlyProviders: rest }).ranked[0];
    if (!next) break;
    providerOrder.push(next.provider);
    rest = rest.filter((n) => n !== next.provider);
  }
  if (providerOrder.length < minProviders) {
    const full = engine.decide(spec, request, { explain: true, exclusions: fed.blocks });
    throw new PlacementRefusedError({
      message: `${spec.name}: only ${providerOrder.length} provider(s) can host it, ${minProviders} required`,
      rejected: full.rejected.map((r) => ({ provider: r.provider, region: r.region, reason: r.reason })),
      explanation: () => full.explain(),
    });
  }
  const vms: (VM | undefined)[] = new Array<VM | undefined>(options.replicas).fill(undefined);
  const failures = new Map<number, { code: string; message: string }>();
  const uncertain = new Set<number>();
  const assigned = (i: number): string => providerOrder[i % Math.max(minProviders, Math.min(providerOrder.length, options.replicas))]!;
  for (let round = 0; round <= (options.retries ?? 2); round++) {
    for (let i = 0; i < options.replicas; i++) {
      if (vms[i] || uncertain.has(i)) continue;
      const used = new Set(vms.filter((v): v is VM => v !== undefined).map((v) => v.provider));
      // Keep the spread: while too few providers are in use, a replica may only go to an unused one.
      const needed = minProviders - used.size;
      const remaining = vms.filter((v) => !v).length;
      const only = needed > 0 && needed >= remaining ? providerOrder.filter((p) => !used.has(p)) : round === 0 ? [assigned(i)] : undefined;
      try {
        const replicaSpec = { ...spec, name: options.replicas > 1 ? `${spec.name}-${i}`.slice(0, 63) : spec.name };
        // One key per replica across rounds: a later round resumes the replica's operation (resolving what it left open).
        const result = await creator.run({ key: `${groupKey}/replica-${i}`, spec: replicaSpec, request, options: { ...options, explain: false }, onlyProviders: only, group: groupKey });
        vms[i] = result.vm;
        failures.delete(i);
      } catch (error) {
        if (isAbortError(error)) throw error;
        if (OutcomeUncertainError.isInstance(error)) uncertain.add(i);
        failures.set(i, { code: NovacronError.isInstance(error) ? error.code : 'UNKNOWN', message: error instanceof Error ? error.message : String(error) });
      }
    }
    if (vms.every((v) => v)) break;
  }
  const created = vms.filter((v): v is VM => v !== undefined);
  const providers = [...new Set(created.map((v) => v.provider))];
  if (created.length < options.replicas || providers.length < minProviders) {
    throw new GroupIncompleteError({
      message: `${spec.name}: ${created.length} of ${options.replicas} replicas on ${providers.length} provider(s) (${minProviders} required)`,
      created: created.map((v) => ({ provider: v.provider, id: v.id })),
      failures: [...failures].map(([replica, f]) => ({ replica, ...f })),
    });
  }
  return displayGroupResult({ vms: created, providers });
}

/** The largest `minProviders` of the `distribute` policies that applied to the decision. */
function distributeMinimum(fed: FederationContext, decision: PlacementDecision): number | undefined {
  let min: number | undefined;
  for (const p of fed.policies) {
    if (p.action.type !== 'distribute') continue;
    if (decision.policies.some((d) => d.name === p.name && d.applied)) min = Math.max(min ?? 0, p.action.minProviders);
  }
  return min;
}
