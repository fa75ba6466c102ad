/**
 * `novacron migrate <provider>/<id> --to <provider>[/region] --config … --state …`: moves a VM
 * (FederationManager.migrateVM), printing each step as the manager reports it (`migration.step`,
 * `migration.status` events), then the migration's record. A failure before the traffic switch
 * rolls back and exits 1. By default the command returns once the grace period has begun (the
 * source is kept until its deadline); `--wait` waits it out and deletes the source.
 */
import type { Command } from 'commander';
import { EventBus } from '../../index.js';
import type { MigrationRecord, MigrationResult } from '../migration-shapes.js';
import type { CliContext } from '../cli-context.js';
import { badFlag } from '../cli-errors.js';
import type { CommandOutput } from '../cli-output.js';
import { configOption, jsonOption, parseDuration, stateOption, timeoutOption } from '../cli-options.js';
import { elapsed } from '../format.js';
import { Table } from '../table.js';
import { vmLine } from './create.js';

interface MigrateFlags {
  readonly to: string;
  readonly zone?: string | undefined;
  readonly instanceType?: string | undefined;
  readonly live: boolean;
  readonly grace?: number | undefined;
  readonly wait: boolean;
  readonly idempotencyKey?: string | undefined;
  readonly config: string;
  readonly state: string;
  readonly json: boolean;
  readonly timeout: number;
}

/** `<provider>/<id>`: the provider is up to the first `/`, the id is the rest (Azure ids are paths). */
export function parseVmRef(ref: string, flag: string): { provider: string; id: string } {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) throw badFlag(flag, `expected <provider>/<id>, got "${ref}"`);
  return { provider: ref.slice(0, slash), id: ref.slice(slash + 1) };
}

/** `<provider>[/region]`. */
function parseTarget(to: string): { provider: string; region: string | undefined } {
  const [provider, region, ...rest] = to.split('/');
  if (!provider || rest.length > 0 || region === '') throw badFlag('--to', `expected <provider> or <provider>/<region>, got "${to}"`);
  return { provider, region };
}

/** Defines `novacron migrate` on `command`. */
export function defineMigrateCommand(command: Command, ctx: CliContext): void {
  command
    .description('move a VM to another provider, region or size without losing it')
    .argument('<vm>', 'the VM, as <provider>/<id> (ids as `novacron status` shows them)')
    .requiredOption('--to <provider[/region]>', 'where it goes')
    .option('--zone <zone>', 'target zone')
    .option('--instance-type <type>', 'target instance type (a resize when provider and region stay)')
    .option('--live', 'keep the source running until the cut-over', false)
    .option('--grace <duration>', 'keep the source this long after the switch (default 5m)', parseDuration)
    .option('--wait', 'wait out the grace period and delete the source before returning', false)
    .option('--idempotency-key <key>', 'names the migration: the same key resumes it instead of starting another')
    .addOption(configOption())
    .addOption(stateOption())
    .addOption(jsonOption())
    .addOption(timeoutOption(7_200_000, '2h'))
    .action((vm: string, flags: MigrateFlags) => ctx.run('migrate', flags, ({ out, signal }) => migrate(ctx, vm, flags, out, signal)));
}

async function migrate(ctx: CliContext, vm: string, flags: MigrateFlags, out: CommandOutput, signal: AbortSignal): Promise<void> {
  const source = parseVmRef(vm, '<vm>');
  const { provider, region } = parseTarget(flags.to);
  const events = new EventBus();
  const seen: unknown[] = [];
  events.on('migration.step', (e) => {
    seen.push({ event: 'migration.step', ...e });
    out.say(`  ${e.step.padEnd(14)} ${e.status}${e.errorCode ? ` (${e.errorCode}: ${e.message ?? ''})` : ''}`);
  });
  events.on('migration.status', (e) => {
    seen.push({ event: 'migration.status', ...e });
    out.say(`${e.migrationId}: ${e.status}${e.targetVmId ? ` (target ${e.targetProvider}/${e.targetVmId})` : ''}`);
  });
  out.say(`migrating ${source.provider}/${source.id} to ${flags.to}`);
  const result = await ctx.withSession({ configPath: flags.config, statePath: flags.state, manager: { events } }, (session) =>
    session.manager.migrateVM(
      source,
      { provider, region, zone: flags.zone, instanceType: flags.instanceType },
      { liveMigration: flags.live, gracePeriodMs: flags.grace, waitForGrace: flags.wait, idempotencyKey: flags.idempotencyKey, signal },
    ),
  );
  out.answer(
    () => migrationText(result),
    () => ({ migrationId: result.migrationId, status: result.status, vm: result.vm, record: result.record, events: seen }),
  );
}

/** The end of a migration as a person reads it: where the VM is, the steps with their times, what is left. */
export function migrationText(result: MigrationResult): string {
  const r: MigrationRecord = result.record;
  const lines = [`${r.id}: ${r.status} (${r.path}${r.live ? ', live' : ''})`];
  if (result.vm) lines.push(`now: ${vmLine(result.vm)}`);
  const steps = new Table([{ header: 'step' }, { header: 'status' }, { header: 'took', align: 'right' }]);
  for (const s of r.steps) steps.add([s.name, s.status, s.durationMs === undefined ? '-' : elapsed(s.durationMs)]);
  lines.push(steps.render());
  if (r.graceDeadline && r.status === 'grace-period') lines.push(`the source is kept until ${r.graceDeadline}; \`novacron resume\` after it deletes the source (\`novacron resume --wait\` waits for the deadline)`);
  if (r.cost?.transfer !== undefined) lines.push(`transfer cost: ${r.cost.transfer.toFixed(2)} ${r.cost.currency} (${r.cost.source}, ${r.cost.asOf})`);
  for (const l of r.leftovers) lines.push(`left over: ${l}`);
  return lines.join('\n');
}
