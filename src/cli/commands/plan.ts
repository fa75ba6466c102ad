/**
 * `novacron plan --config federation.yaml [--state …] [--strategy cost]`: the moves that would pay
 * for the VMs in the state file (FederationManager.optimizePlacement): VM, from → to, monthly
 * saving, one-off cost, payback, downtime and wave; then the VMs that stay, with the reason.
 * Changes nothing.
 */
import type { Command } from 'commander';
import type { MigrationProposal, PlacementPlan, PlacementStrategy, PlannedPlacement } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import type { CommandOutput } from '../cli-output.js';
import { configOption, jsonOption, parseList, stateOption, strategyOption, timeoutOption } from '../cli-options.js';
import { days, money, minutes } from '../format.js';
import { Table } from '../table.js';

interface PlanFlags {
  readonly config: string;
  readonly state: string;
  readonly strategy?: PlacementStrategy | undefined;
  readonly provider?: readonly string[] | undefined;
  readonly json: boolean;
  readonly timeout: number;
}

/** Defines `novacron plan` on `command`. */
export function definePlanCommand(command: Command, ctx: CliContext): void {
  command
    .description('propose the moves that pay for the VMs in the state file (changes nothing)')
    .addOption(configOption())
    .addOption(stateOption())
    .addOption(strategyOption('score by this strategy (default: each VM’s own)'))
    .option('--provider <names>', 'only VMs on these providers, comma-separated', parseList)
    .addOption(jsonOption())
    .addOption(timeoutOption(300_000, '5m'))
    .action((flags: PlanFlags) => ctx.run('plan', flags, ({ out, signal }) => plan(ctx, flags, out, signal)));
}

async function plan(ctx: CliContext, flags: PlanFlags, out: CommandOutput, signal: AbortSignal): Promise<void> {
  const result = await ctx.withSession({ configPath: flags.config, statePath: flags.state }, (session) =>
    session.manager.optimizePlacement({ strategy: flags.strategy, scope: flags.provider ? { providers: flags.provider } : undefined, signal }),
  );
  out.answer(
    () => planText(result),
    () => result,
  );
}

function placementText(p: PlannedPlacement): string {
  return `${p.provider} ${p.zone ? `${p.region}/${p.zone}` : p.region} ${p.instanceType}${p.spot ? ' (spot)' : ''}`;
}

function currencyOf(plan: PlacementPlan): string {
  return plan.proposals[0]?.from.currency ?? 'USD';
}

/** The plan as a person reads it. */
export function planText(plan: PlacementPlan): string {
  const lines = [`plan ${plan.id}: ${plan.considered} VM${plan.considered === 1 ? '' : 's'} considered, ${plan.proposals.length} move${plan.proposals.length === 1 ? '' : 's'} proposed`];
  if (plan.proposals.length > 0) {
    const currency = currencyOf(plan);
    const table = new Table([
      { header: 'VM' },
      { header: 'from' },
      { header: 'to' },
      { header: 'saves/month', align: 'right' },
      { header: 'one-off', align: 'right' },
      { header: 'payback', align: 'right' },
      { header: 'downtime', align: 'right' },
      { header: 'wave', align: 'right' },
      { header: 'why' },
    ]);
    for (const p of plan.proposals) table.add(proposalRow(p));
    lines.push(table.render());
    lines.push(`total: saves ${money(plan.monthlySavings, currency)}/month for ${money(plan.oneOffCost, currency)} once`);
  }
  if (plan.skipped.length > 0) {
    const table = new Table([{ header: 'VM' }, { header: 'provider' }, { header: 'stays because' }]);
    for (const s of plan.skipped) table.add([`${s.name} (${s.id})`, s.provider, s.reason]);
    lines.push('', 'staying:', table.render());
  }
  return lines.join('\n');
}

function proposalRow(p: MigrationProposal): string[] {
  return [
    `${p.vm.name} (${p.vm.id})`,
    placementText(p.from),
    placementText(p.to),
    money(p.monthlySavings, p.from.currency),
    money(p.oneOffCost, p.from.currency),
    days(p.paybackDays),
    minutes(p.expectedDowntimeMinutes),
    String(p.wave),
    p.reason,
  ];
}
