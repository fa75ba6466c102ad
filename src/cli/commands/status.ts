/**
 * `novacron status --config … --state …`: what the state file says — the inventory (every VM the
 * federation manages: where it runs, its state, what it costs) and the migrations with where
 * each stands. Reads the state file only; no cloud is asked.
 */
import type { Command } from 'commander';
import type { InventoryRecord } from '../../index.js';
import type { MigrationRecord } from '../migration-shapes.js';
import type { CliContext } from '../cli-context.js';
import type { CommandOutput } from '../cli-output.js';
import { configOption, jsonOption, stateOption, timeoutOption } from '../cli-options.js';
import { Table } from '../table.js';

interface StatusFlags {
  readonly config: string;
  readonly state: string;
  readonly all: boolean;
  readonly json: boolean;
  readonly timeout: number;
}

/** Defines `novacron status` on `command`. */
export function defineStatusCommand(command: Command, ctx: CliContext): void {
  command
    .description('the inventory and the migrations, as the state file records them')
    .addOption(configOption())
    .addOption(stateOption())
    .option('--all', 'include deleted VMs and finished migrations', false)
    .addOption(jsonOption())
    .addOption(timeoutOption(60_000, '1m'))
    .action((flags: StatusFlags) => ctx.run('status', flags, ({ out, signal }) => status(ctx, flags, out, signal)));
}

const FINISHED = new Set(['succeeded', 'rolled-back', 'failed']);

async function status(ctx: CliContext, flags: StatusFlags, out: CommandOutput, signal: AbortSignal): Promise<void> {
  const { vms, migrations } = await ctx.withSession({ configPath: flags.config, statePath: flags.state }, async (session) => {
    const vms: InventoryRecord[] = [];
    for await (const r of session.manager.inventory({ signal })) if (flags.all || r.status !== 'deleted') vms.push(r);
    const migrations: MigrationRecord[] = [];
    for await (const m of session.manager.listMigrations({ signal })) if (flags.all || !FINISHED.has(m.status)) migrations.push(m);
    return { vms, migrations };
  });
  out.answer(
    () => statusText(vms, migrations, flags.all),
    () => ({ vms, migrations }),
  );
}

/** The inventory and migrations as a person reads them. */
export function statusText(vms: readonly InventoryRecord[], migrations: readonly MigrationRecord[], all: boolean): string {
  const lines: string[] = [];
  if (vms.length === 0) lines.push('no VMs in the inventory');
  else {
    const table = new Table([
      { header: 'VM' },
      { header: 'provider' },
      { header: 'region/zone' },
      { header: 'instance type' },
      { header: 'state' },
      { header: 'record' },
      { header: 'cost/h', align: 'right' },
      { header: 'id' },
    ]);
    for (const r of vms) {
      table.add([
        r.name,
        r.provider,
        r.zone ? `${r.region}/${r.zone}` : r.region,
        `${r.instanceType}${r.spot ? ' (spot)' : ''}`,
        r.state,
        r.status,
        // Inventory costs carry no currency: they are in the provider's price list's.
        r.cost ? r.cost.hourly.toFixed(4) : '-',
        r.vmId,
      ]);
    }
    lines.push(`VMs (${vms.length}):`, table.render());
  }
  lines.push('');
  if (migrations.length === 0) lines.push(all ? 'no migrations' : 'no migrations under way (--all shows finished ones)');
  else {
    const table = new Table([{ header: 'migration' }, { header: 'VM' }, { header: 'from' }, { header: 'to' }, { header: 'status' }, { header: 'last step' }, { header: 'updated' }]);
    for (const m of migrations) {
      const last = m.steps.at(-1);
      table.add([
        m.id,
        m.source.name,
        `${m.source.provider}/${m.source.id}`,
        m.targetVm ? `${m.targetVm.provider}/${m.targetVm.id}` : `${m.target.provider}${m.target.region ? `/${m.target.region}` : ''}`,
        m.status,
        last ? `${last.name} ${last.status}` : '-',
        m.updatedAt,
      ]);
    }
    lines.push(`migrations (${migrations.length}):`, table.render());
  }
  return lines.join('\n');
}
