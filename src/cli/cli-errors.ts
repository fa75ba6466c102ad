/**
 * How a failed command ends: its exit code and what it says. Bad input — an unknown flag, a file
 * that cannot be read, YAML or a spec that does not validate — exits 2 and names the field; any
 * other failure exits 1 with the error's message (novacron errors are already redacted and
 * prefixed with where they come from). No stack is printed: these are answers, not crashes.
 */
import type { CommanderError } from 'commander';
import { InvalidSpecError, NovacronError, PlacementRefusedError, type SpecIssue } from '../index.js';

/** The exit codes, as `novacron --help` documents them. */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** It could not: a cloud refused, nothing fits, a migration rolled back, an I/O failure. */
  failure: 1,
  /** Bad usage or input: unknown flag or command, missing file, invalid YAML or spec. */
  usage: 2,
} as const;

/** Invalid input read from `source` (a file, or a flag): the spec error, with where it came from. */
export class InputError extends Error {
  /** The validation error. */
  readonly invalid: InvalidSpecError;

  constructor(
    /** Where the input came from: a path or a flag. */
    readonly source: string,
    invalid: InvalidSpecError,
  ) {
    super(`${source}: ${invalid.message}`);
    this.name = 'InputError';
    this.invalid = invalid;
  }
}

/** Runs `read`, saying that what it refuses came from `source`. */
export async function fromSource<T>(source: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (InvalidSpecError.isInstance(error)) throw new InputError(source, error);
    throw error;
  }
}

/** A flag's value that the command cannot use, as a spec error naming the flag. */
export function badFlag(flag: string, message: string): InvalidSpecError {
  return new InvalidSpecError({ issues: [{ field: flag, message }] });
}

/** A failure as the CLI reports it. */
export interface FailureReport {
  /** Exit code. */
  readonly exitCode: number;
  /** What a person reads (on stderr). */
  readonly text: string;
  /** What a machine reads with `--json` (on stderr). */
  readonly json: { readonly error: Record<string, unknown> };
}

function issueLines(issues: readonly SpecIssue[]): string {
  return issues.map((i) => `  ${i.field}: ${i.message}`).join('\n');
}

/** The exit code and message of an error thrown by command `command`. */
export function reportFailure(command: string, error: unknown): FailureReport {
  const who = command ? `novacron ${command}` : 'novacron';
  if (error instanceof InputError) {
    const issues = error.invalid.issues;
    return {
      exitCode: EXIT.usage,
      text: `${who}: invalid input in ${error.source}\n${issueLines(issues)}`,
      json: { error: { code: error.invalid.code, source: error.source, message: error.invalid.message, issues } },
    };
  }
  if (InvalidSpecError.isInstance(error)) {
    return {
      exitCode: EXIT.usage,
      text: `${who}: invalid input\n${issueLines(error.issues)}`,
      json: { error: { code: error.code, message: error.message, issues: error.issues } },
    };
  }
  if (PlacementRefusedError.isInstance(error)) {
    return {
      exitCode: EXIT.failure,
      text: `${who}: ${error.message}\n${error.explanation}`,
      json: { error: { code: error.code, message: error.message, rejected: error.rejected } },
    };
  }
  if (NovacronError.isInstance(error)) {
    return {
      exitCode: EXIT.failure,
      text: `${who}: ${error.message} (${error.code})`,
      json: { error: { code: error.code, message: error.message, retryable: error.retryable, provider: error.provider } },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT.failure, text: `${who}: ${message}`, json: { error: { code: 'CLI_FAILURE', message } } };
}

/** The exit code of a commander parse outcome: help and version are answers (0), the rest bad usage (2). */
export function commanderExitCode(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return EXIT.ok;
  return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
}
