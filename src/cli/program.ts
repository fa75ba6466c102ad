/**
 * The `novacron` command line: the commands, their shared help, and one run from arguments to an
 * exit code. Argument parsing is commander's; every command works through the package's public
 * API, as any host application would.
 */
import { Command, CommanderError } from 'commander';
import { CliContext } from './cli-context.js';
import { commanderExitCode, EXIT } from './cli-errors.js';
import type { CliStreams } from './cli-output.js';
import { defineCreateCommand } from './commands/create.js';
import { defineDemoCommand } from './commands/demo.js';
import { defineMigrateCommand } from './commands/migrate.js';
import { definePlaceCommand } from './commands/place.js';
import { definePlanCommand } from './commands/plan.js';
import { definePricesCommand } from './commands/prices.js';
import { defineResumeCommand } from './commands/resume.js';
import { defineStatusCommand } from './commands/status.js';
import { DEFAULT_STATE_PATH, secretVariable } from './federation-session.js';
import { packageVersion } from './package-info.js';

const HELP_FOOTER = `
Configuration and state:
  --config names a FederationConfig (default ./federation.yaml); providers of type "memory"
  run in this process, and their VMs are kept in the state file so later commands find them.
  --state names the SQLite state file (default ./${DEFAULT_STATE_PATH}, created with its folder).
  A provider's "credentials: { secret: NAME }" is read from the environment variable
  ${secretVariable('NAME')} (JSON or text); secrets are never printed.

Output:
  Tables for people; --json prints one JSON document on stdout, and errors as one JSON line
  on stderr ({"error": {"code", "message", ...}}).

Exit codes:
  ${EXIT.ok}  success
  ${EXIT.failure}  runtime failure (a cloud refused, nothing fits, a migration rolled back, I/O)
  ${EXIT.usage}  bad usage or input (unknown command or flag, missing file, invalid YAML or spec)

Examples:
  novacron prices --cpu 4 --memory 8Gi --provider aws,gcp --limit 5
  novacron place -f vm.yaml --config federation.yaml
  novacron create -f vm.yaml && novacron plan --strategy cost
  novacron migrate aws-east/vm-0123 --to gcp-central/us-central1 --wait
  novacron status --json`;

/**
 * Builds the program for one run. With `json`, a usage error is one JSON line on stderr (code
 * `USAGE`) instead of commander's text and the usage hint.
 */
export function createProgram(ctx: CliContext, json = false): Command {
  const program = new Command('novacron')
    .description('multi-cloud VM federation: placement, prices, plans, migrations')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError(json ? false : '(run with --help for usage)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.streams.stdout.write(text),
      writeErr: (text) => ctx.streams.stderr.write(text),
      outputError: (text, write) => write(json ? `${JSON.stringify({ error: { code: 'USAGE', message: text.trim().replace(/^error: /, '') } })}\n` : text),
    })
    .addHelpText('after', HELP_FOOTER);
  // Subcommands made with `.command()` inherit the output, exit and help settings above.
  definePlaceCommand(program.command('place'), ctx);
  defineCreateCommand(program.command('create'), ctx);
  definePricesCommand(program.command('prices'), ctx);
  definePlanCommand(program.command('plan'), ctx);
  defineMigrateCommand(program.command('migrate'), ctx);
  defineResumeCommand(program.command('resume'), ctx);
  defineStatusCommand(program.command('status'), ctx);
  defineDemoCommand(program.command('demo'), ctx);
  for (const command of program.commands) command.addHelpText('after', `\nExit codes: ${EXIT.ok} success, ${EXIT.failure} runtime failure, ${EXIT.usage} bad usage or input.`);
  return program;
}

/** What a run is given: its streams, the interrupt signal and the environment. */
export interface CliRun {
  /** stdout and stderr. */
  readonly streams: CliStreams;
  /** Aborted on Ctrl-C (default: never). */
  readonly interrupt?: AbortSignal | undefined;
  /** Environment (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** Runs the CLI on `args` (without `node` and the script) and returns the exit code. */
export async function runCli(args: readonly string[], run: CliRun): Promise<number> {
  const ctx = new CliContext(run.streams, run.interrupt ?? new AbortController().signal, run.env ?? process.env);
  const program = createProgram(ctx, args.includes('--json'));
  if (args.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return commanderExitCode(error);
    throw error;
  }
  return ctx.exitCode;
}
