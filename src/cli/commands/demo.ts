/**
 * `novacron demo`: runs the project's demo (examples/demo.mjs): a federation of AWS, Azure, GCP
 * and OpenStack adapters against the local emulators, nothing leaving the machine. The demo is
 * a script of its own; this command runs it with the same Node and passes its output and exit
 * code through (with `--json`, its output comes back as one document).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../cli-errors.js';
import type { CommandOutput } from '../cli-output.js';
import { jsonOption, timeoutOption } from '../cli-options.js';
import { packageRoot } from '../package-info.js';

interface DemoFlags {
  readonly json: boolean;
  readonly timeout: number;
}

/** Defines `novacron demo` on `command`. */
export function defineDemoCommand(command: Command, ctx: CliContext): void {
  command
    .description('run the demo: four clouds’ adapters against local emulators, nothing leaves this machine')
    .addOption(jsonOption())
    .addOption(timeoutOption(600_000, '10m'))
    .action((flags: DemoFlags) => ctx.run('demo', flags, ({ out, signal }) => demo(ctx, out, signal)));
}

async function demo(ctx: CliContext, out: CommandOutput, signal: AbortSignal): Promise<number> {
  const root = packageRoot();
  const script = root === undefined ? undefined : join(root, 'examples', 'demo.mjs');
  if (script === undefined || !existsSync(script)) {
    throw new Error('the demo ships with the novacron source repository (examples/demo.mjs), which this installation does not include');
  }
  const child = spawn(process.execPath, [script], { cwd: root, signal, stdio: ['ignore', 'pipe', 'pipe'], killSignal: 'SIGTERM' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (out.json) stdout += chunk;
    else ctx.streams.stdout.write(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (out.json) stderr += chunk;
    else ctx.streams.stderr.write(chunk);
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', (error) => reject(signal.aborted ? new Error(`the demo was stopped: ${String(signal.reason)}`) : error));
    child.once('close', (exitCode) => resolve(exitCode ?? EXIT.failure));
  });
  if (out.json) out.answer(() => stdout, () => ({ exitCode: code, output: stdout, errors: stderr }));
  return code === 0 ? EXIT.ok : EXIT.failure;
}
