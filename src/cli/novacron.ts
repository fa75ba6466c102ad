/**
 * The `novacron` executable (package.json `bin`; the build adds the `#!/usr/bin/env node` line).
 * Ctrl-C aborts the running command through its signal, so that it stops where the library
 * can record what it did; a second Ctrl-C ends the process at once.
 */
import { runCli } from './program.js';

const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort(new Error('interrupted (Ctrl-C)'));
  process.once('SIGINT', () => process.exit(130));
});

process.exitCode = await runCli(process.argv.slice(2), { streams: { stdout: process.stdout, stderr: process.stderr }, interrupt: interrupt.signal });
