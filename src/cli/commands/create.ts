/**
 * `novacron create -f vm.yaml --config … --state …`: places the VM and creates it, failing over
 * when a cloud refuses; the VM and its inventory record land in the state file. The request's
 * idempotency key defaults to the manifest's name, so running the same command again returns the
 * VM it made instead of making a second one.
 */
import type { Command } from 'commander';
import { loadVirtualMachine, type PlacementStrategy, type VM } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { fromSource } from '../cli-errors.js';
import type { CommandOutput } from '../cli-output.js';
import { configOption, jsonOption, stateOption, strategyOption, timeoutOption } from '../cli-options.js';
import { readInputFile } from '../federation-session.js';
import { hourly } from '../format.js';
import { decisionJson } from './place.js';

interface CreateFlags {
  readonly file: string;
  readonly config: string;
  readonly state: string;
  readonly strategy?: PlacementStrategy | undefined;
  readonly idempotencyKey?: string | undefined;
  readonly json: boolean;
  readonly timeout: number;
}

/** `web-1 (vm-0a1b) running on aws-east us-east-1/us-east-1a, t3.large (spot), $0.0250/h`. */
export function vmLine(vm: VM): string {
  const where = vm.zone ? `${vm.region}/${vm.zone}` : vm.region;
  const price = vm.hourlyPrice ? `, ${hourly(vm.hourlyPrice.amount, vm.hourlyPrice.currency)}` : '';
  return `${vm.name} (${vm.id}) ${vm.state} on ${vm.provider} ${where}, ${vm.instanceType}${vm.spot ? ' (spot)' : ''}${price}`;
}

/** Defines `novacron create` on `command`. */
export function defineCreateCommand(command: Command, ctx: CliContext): void {
  command
    .description('place a VM and create it (safe to repeat: the same request returns the same VM)')
    .requiredOption('-f, --file <vm.yaml>', 'VirtualMachine manifest')
    .addOption(configOption())
    .addOption(stateOption())
    .addOption(strategyOption('placement strategy over the manifest’s'))
    .option('--idempotency-key <key>', 'names the request (default: create/<metadata.name>)')
    .addOption(jsonOption())
    .addOption(timeoutOption(1_800_000, '30m'))
    .action((flags: CreateFlags) => ctx.run('create', flags, ({ out, signal }) => create(ctx, flags, out, signal)));
}

async function create(ctx: CliContext, flags: CreateFlags, out: CommandOutput, signal: AbortSignal): Promise<void> {
  const text = await readInputFile(flags.file, '--file');
  const manifest = await fromSource(flags.file, () => loadVirtualMachine(text, { env: ctx.env }));
  const request = flags.strategy === undefined ? manifest.request : { ...manifest.request, strategy: flags.strategy };
  const idempotencyKey = flags.idempotencyKey ?? `create/${manifest.name}`;
  const result = await ctx.withSession({ configPath: flags.config, statePath: flags.state }, (session) =>
    fromSource(flags.file, () => session.manager.createVM(manifest.spec, { request, idempotencyKey, signal })),
  );
  out.answer(
    () => {
      const lines = [`${result.reused ? 'already created' : 'created'}: ${vmLine(result.vm)}`];
      const failed = result.attempts.filter((a) => a.outcome === 'failed');
      for (const a of failed) lines.push(`  refused first: ${a.provider} ${a.region}${a.zone ? `/${a.zone}` : ''} ${a.instanceType} (${a.code ?? a.outcome})`);
      return lines.join('\n');
    },
    () => ({ vm: result.vm, reused: result.reused, idempotencyKey, attempts: result.attempts, decision: result.decision ? decisionJson(manifest.name, result.decision) : undefined }),
  );
}
