/**
 * Where a command's words go. A person gets tables and progress lines on stdout; a machine
 * (`--json`) gets exactly one JSON document on stdout and nothing else there, so that
 * `novacron status --json | jq` works. Failures go to stderr in either form.
 */

/** Something text is written to (a process stream, or a buffer in tests). */
export interface TextSink {
  write(text: string): unknown;
}

/** The two streams of a run. */
export interface CliStreams {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
}

/** What a command writes, in the form its `--json` flag asks for. */
export class CommandOutput {
  constructor(
    private readonly streams: CliStreams,
    /** Whether a machine reads this run (`--json`). */
    readonly json: boolean,
  ) {}

  /** A line for a person (progress, notes); nothing in JSON mode. */
  say(text: string): void {
    if (!this.json) this.streams.stdout.write(`${text}\n`);
  }

  /** The command's answer: `text` for a person, `data` as one JSON document for a machine. */
  answer(text: () => string, data: () => unknown): void {
    if (this.json) this.streams.stdout.write(`${JSON.stringify(data(), null, 2)}\n`);
    else this.streams.stdout.write(`${text()}\n`);
  }

  /** A warning: on stderr, for people and machines alike. */
  warn(text: string): void {
    this.streams.stderr.write(`warning: ${text}\n`);
  }
}
