/**
 * `novacron place -f vm.yaml --config federation.yaml`: where the VM would go and why — the
 * decision's explanation table (every candidate scored, every rejection with its rule). Nothing
 * is created.
 */
import type { Command } from 'commander';
import { loadVirtualMachine, type PlacementCandidate, type PlacementDecision, type PlacementStrategy } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { fromSource } from '../cli-errors.js';
import type { CommandOutput } from '../cli-output.js';
import { configOption, jsonOption, strategyOption, timeoutOption } from '../cli-options.js';
import { readInputFile } from '../federation-session.js';

interface PlaceFlags {
  readonly file: string;
  readonly config: string;
  readonly strategy?: PlacementStrategy | undefined;
  readonly json: boolean;
  readonly timeout: number;
}

/** A candidate as JSON: where, what, at which price (with its source and date), and its score. */
export function candidateJson(c: PlacementCandidate): Record<string, unknown> {
  return {
    provider: c.provider,
    providerKind: c.providerKind,
    region: c.region,
    zone: c.zone,
    instanceType: c.instanceType,
    spot: c.spot,
    hourlyPrice: c.hourlyPrice,
    currency: c.offer.currency,
    priceSource: c.offer.source,
    priceAsOf: c.offer.asOf,
    latencyMs: c.latencyMs,
    carbonGramsPerHour: c.carbonGramsPerHour,
    score: c.score,
    components: c.components,
    bonuses: c.bonuses,
  };
}

/** A decision as JSON. */
export function decisionJson(name: string, d: PlacementDecision): Record<string, unknown> {
  return {
    vm: name,
    chosen: candidateJson(d.chosen),
    ranked: d.ranked.map(candidateJson),
    rejected: d.rejected,
    strategy: d.strategy,
    weights: d.weights,
    spot: d.spot,
    policies: d.policies,
  };
}

/** Defines `novacron place` on `command`. */
export function definePlaceCommand(command: Command, ctx: CliContext): void {
  command
    .description('decide where a VM would go, and explain why (creates nothing)')
    .requiredOption('-f, --file <vm.yaml>', 'VirtualMachine manifest')
    .addOption(configOption())
    .addOption(strategyOption('placement strategy over the manifest’s'))
    .addOption(jsonOption())
    .addOption(timeoutOption(120_000, '2m'))
    .action((flags: PlaceFlags) => ctx.run('place', flags, ({ out, signal }) => place(ctx, flags, out, signal)));
}

async function place(ctx: CliContext, flags: PlaceFlags, out: CommandOutput, signal: AbortSignal): Promise<void> {
  const text = await readInputFile(flags.file, '--file');
  // The manifest is checked before the configuration is even read: a bad file says so first.
  const manifest = await fromSource(flags.file, () => loadVirtualMachine(text, { env: ctx.env }));
  const request = flags.strategy === undefined ? manifest.request : { ...manifest.request, strategy: flags.strategy };
  const decision = await ctx.withSession({ configPath: flags.config }, (session) =>
    fromSource(flags.file, () => session.manager.place(manifest.spec, { request, signal })),
  );
  out.answer(
    () => `${decision.toString()}\n${decision.explain()}`,
    () => decisionJson(manifest.name, decision),
  );
}
