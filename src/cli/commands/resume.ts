/**
 * `novacron resume --config … --state …`: drives every unfinished migration in the state file
 * forward, or back (FederationManager.resumeMigrations): one whose grace period has ended has its
 * source deleted; one a crashed run left half-way is finished or rolled back. `--wait` also waits
 * out grace periods that have not ended.
 */
import type { Command } from 'commander';
import type { ResumedMigration } from '../migration-shapes.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../cli-errors.js';
import type { CommandOutput } from '../cli-output.js';
import { configOption, jsonOption, stateOption, timeoutOption } from '../cli-options.js';
import { Table } from '../table.js';

interface ResumeFlags {
  readonly wait: boolean;
  readonly config: string;
  readonly state: string;
  readonly json: boolean;
  readonly timeout: number;
}

/** Defines `novacron resume` on `command`. */
export function defineResumeCommand(command: Command, ctx: CliContext): void {
  command
    .description('finish (or roll back) the unfinished migrations in the state file')
    .option('--wait', 'also wait out grace periods that have not ended', false)
    .addOption(configOption())
    .addOption(stateOption())
    .addOption(jsonOption())
    .addOption(timeoutOption(7_200_000, '2h'))
    .action((flags: ResumeFlags) => ctx.run('resume', flags, ({ out, signal }) => resume(ctx, flags, out, signal)));
}

async function resume(ctx: CliContext, flags: ResumeFlags, out: CommandOutput, signal: AbortSignal): Promise<number> {
  const resumed = await ctx.withSession({ configPath: flags.config, statePath: flags.state }, (session) =>
    session.manager.resumeMigrations({ waitForGrace: flags.wait, signal }),
  );
  out.answer(
    () => resumedText(resumed),
    () => ({ migrations: resumed }),
  );
  // A migration that failed again is not done: say so in the exit code too.
  return resumed.some((m) => m.outcome === 'incomplete') ? EXIT.failure : EXIT.ok;
}

function resumedText(resumed: readonly ResumedMigration[]): string {
  if (resumed.length === 0) return 'no unfinished migrations';
  const table = new Table([{ header: 'migration' }, { header: 'outcome' }, { header: 'status' }, { header: 'note' }]);
  for (const m of resumed) {
    const note = m.outcome === 'waiting' ? `grace period ends ${m.graceDeadline ?? '?'}` : m.error ? `${m.error.code}: ${m.error.message}` : '';
    table.add([m.migrationId, m.outcome, m.status, note]);
  }
  return table.render();
}
