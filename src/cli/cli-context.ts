/**
 * What every command's action runs in: the streams, the interrupt signal (Ctrl-C), the
 * environment, and the bookkeeping that turns an action's outcome into the run's exit code.
 */
import { TimeoutError } from '../index.js';
import { CommandOutput, type CliStreams } from './cli-output.js';
import { EXIT, reportFailure } from './cli-errors.js';
import { FederationSession, type SessionOptions } from './federation-session.js';

/** What an action is handed. */
export interface ActionScope {
  /** Where it writes. */
  readonly out: CommandOutput;
  /** Aborts on Ctrl-C and after the command's timeout. */
  readonly signal: AbortSignal;
}

/** The flags every action has. */
export interface CommonFlags {
  readonly json: boolean;
  readonly timeout?: number | undefined;
}

/**
 * A command's `--timeout`: aborts its signal with a `TimeoutError` that says which command gave
 * up and after how long, so that whatever rethrows the signal's reason reads as a timeout.
 */
class CommandDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(command: string, timeoutMs: number | undefined) {
    if (timeoutMs === undefined) return;
    this.timer = setTimeout(() => this.controller.abort(new TimeoutError({ message: `${command}: gave up after ${timeoutMs} ms (--timeout)` })), timeoutMs);
    this.timer.unref();
  }

  /** Aborted when the time is up. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the clock. */
  clear(): void {
    clearTimeout(this.timer);
  }
}

/** One run of the CLI. */
export class CliContext {
  /** The run's exit code, once an action has ended. */
  exitCode: number = EXIT.ok;

  constructor(
    /** stdout and stderr. */
    readonly streams: CliStreams,
    /** Aborted when the user interrupts. */
    readonly interrupt: AbortSignal,
    /** Environment for `${VAR}` in configurations and for secrets. */
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /**
   * Runs one command's action: its failure is reported on stderr (as JSON with `--json`) and
   * becomes the exit code; an action may also set a failing code itself (`out` and a return of 1).
   */
  async run(command: string, flags: CommonFlags, action: (scope: ActionScope) => Promise<number | void>): Promise<void> {
    const out = new CommandOutput(this.streams, flags.json);
    const deadline = new CommandDeadline(command, flags.timeout);
    const signal = AbortSignal.any([this.interrupt, deadline.signal]);
    try {
      this.exitCode = (await action({ out, signal })) ?? EXIT.ok;
    } catch (error) {
      const report = reportFailure(command, error);
      this.streams.stderr.write(flags.json ? `${JSON.stringify(report.json)}\n` : `${report.text}\n`);
      this.exitCode = report.exitCode;
    } finally {
      deadline.clear();
    }
  }

  /** Opens the configuration (and state file), runs `use`, and closes them whatever happens. */
  async withSession<T>(options: Omit<SessionOptions, 'env'>, use: (session: FederationSession) => Promise<T>): Promise<T> {
    const session = await FederationSession.open({ ...options, env: this.env });
    try {
      return await use(session);
    } finally {
      await session.close();
    }
  }
}
