/**
 * A small typed wrapper over the `qemu-img` command (Debian/Ubuntu package `qemu-utils`).
 *
 * Every call runs one child process with a bounded time and the caller's signal: on abort or
 * timeout the child is killed (SIGKILL, by its pid) and the call rejects with a novacron
 * `AbortError` or `TimeoutError`. A failed run is a {@link DiskConversionError} carrying the tail
 * of qemu-img's stderr, with the file paths of the call replaced by their role (`<source>`,
 * `<target>`), since temporary paths can name users and hosts.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { AbortError, NovacronError, TimeoutError, UnsupportedError, type NovacronErrorOptions } from '../provider/errors.js';
import type { CallOptions } from '../provider/provider-v1.js';
import { QEMU_CREATE_OPTIONS, diskFormatOfQemuName, qemuFormatName, type DiskFormat } from './disk-format.js';

/** Default time limit of `info` and `resize`, in ms. */
const DEFAULT_QUICK_TIMEOUT_MS = 60_000;
/** Default time limit of `convert`, in ms: hours for a large disk, never unbounded. */
const DEFAULT_CONVERT_TIMEOUT_MS = 4 * 60 * 60_000;
/** Most stderr kept for an error, in characters. */
const MAX_STDERR_CHARS = 4_000;
/** Most stdout read from `info`, in bytes. */
const MAX_STDOUT_BYTES = 1024 * 1024;

/** What installs qemu-img, for the error raised when it is missing. */
const INSTALL_HINT = 'install qemu-utils (Debian/Ubuntu: apt-get install qemu-utils) or qemu-img (macOS: brew install qemu; Fedora/RHEL: dnf install qemu-img)';

/** Options of {@link createQemuImg}. */
export interface QemuImgOptions {
  /** The binary: a path, or a name looked up on `PATH` (default `qemu-img`). */
  readonly binary?: string | undefined;
  /** Environment of the child processes (default: this process's). */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** Options of the calls of {@link QemuImg}. */
export interface QemuImgCallOptions extends CallOptions {
  /** Longest run in ms (default 60 s for `info` and `resize`, 4 h for `convert`). */
  readonly timeoutMs?: number | undefined;
}

/** Options of {@link QemuImg.convert}. */
export interface QemuConvertOptions extends QemuImgCallOptions {
  /** Image to read. */
  readonly source: string;
  /** Its format. */
  readonly sourceFormat: DiskFormat;
  /** File to write (replaced when it exists). */
  readonly target: string;
  /** Format to write, with the creation options of `QEMU_CREATE_OPTIONS` (stream-optimized VMDK, fixed VHD). */
  readonly targetFormat: DiskFormat;
  /** Further `-o` creation options (`key=value`), after the format's own. */
  readonly createOptions?: readonly string[] | undefined;
}

/** What `qemu-img info` says of an image. */
export interface DiskImageInfo {
  /** Format, in our names (`vhd` for qemu's `vpc`); `undefined` for a format we do not handle. */
  readonly format: DiskFormat | undefined;
  /** Format as qemu-img names it. */
  readonly qemuFormat: string;
  /** Size of the disk the guest sees, in bytes. */
  readonly virtualSizeBytes: number;
  /** Space the file takes on the host's disk, in bytes (less than its length when sparse). */
  readonly actualSizeBytes: number | undefined;
  /** The format's own details (`subformat`, `create-type`, ...), as qemu-img reports them. */
  readonly formatSpecific: Readonly<Record<string, unknown>> | undefined;
}

/** `qemu-img` ran and failed: the image is unreadable, the format wrong, the disk full. */
export class DiskConversionError extends NovacronError {
  /** The qemu-img sub-command (`convert`, `info`, `resize`). */
  readonly command: string;
  /** Exit code of the process. */
  readonly exitCode: number | null;
  /** The tail of its stderr, file paths replaced by their role. */
  readonly stderr: string;
  /** Creates a conversion error. */
  constructor(options: NovacronErrorOptions & { command: string; exitCode: number | null; stderr: string }) {
    super('DISK_CONVERSION', false, options);
    this.name = 'DiskConversionError';
    this.command = options.command;
    this.exitCode = options.exitCode;
    this.stderr = options.stderr;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is DiskConversionError {
    return NovacronError.hasMarker(value, 'DISK_CONVERSION');
  }
}

/** A file argument of a run, and the word that replaces it in error messages. */
interface NamedPath {
  readonly path: string;
  readonly role: string;
}

/** What one run of qemu-img is. */
interface Run {
  readonly command: string;
  readonly args: readonly string[];
  readonly paths: readonly NamedPath[];
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** The `qemu-img` command. Build it with {@link createQemuImg}; the binary is looked up on first use. */
export class QemuImg {
  private located: Promise<string> | undefined;

  /** Creates the wrapper; nothing runs until a call. */
  constructor(private readonly options: QemuImgOptions = {}) {}

  /** The binary's path; `UnsupportedError` (naming the package to install) when there is none. */
  binary(): Promise<string> {
    this.located ??= locateBinary(this.options.binary ?? 'qemu-img');
    // A failed look-up is not remembered: the user may install qemu-utils and call again.
    this.located.catch(() => (this.located = undefined));
    return this.located;
  }

  /** The version qemu-img reports (`7.2.22`). */
  async version(options: QemuImgCallOptions = {}): Promise<string> {
    const out = await this.run({ command: '--version', args: ['--version'], paths: [], timeoutMs: options.timeoutMs ?? DEFAULT_QUICK_TIMEOUT_MS, signal: options.signal });
    return /version\s+(\S+)/.exec(out)?.[1] ?? out.split('\n', 1)[0]!.trim();
  }

  /** Reads an image's format and sizes (`qemu-img info --output=json`); `format` skips qemu-img's probing. */
  async info(file: string, options: QemuImgCallOptions & { format?: DiskFormat | undefined } = {}): Promise<DiskImageInfo> {
    const args = ['info', '--output=json', ...(options.format ? ['-f', qemuFormatName(options.format)] : []), file];
    const out = await this.run({ command: 'info', args, paths: [{ path: file, role: '<image>' }], timeoutMs: options.timeoutMs ?? DEFAULT_QUICK_TIMEOUT_MS, signal: options.signal });
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(out) as Record<string, unknown>;
    } catch (error) {
      throw new DiskConversionError({ message: 'qemu-img info printed no JSON', command: 'info', exitCode: 0, stderr: '', cause: error });
    }
    const qemuFormat = String(parsed.format);
    const specific = parsed['format-specific'] as { data?: Record<string, unknown> } | undefined;
    return {
      format: diskFormatOfQemuName(qemuFormat),
      qemuFormat,
      virtualSizeBytes: Number(parsed['virtual-size']),
      actualSizeBytes: typeof parsed['actual-size'] === 'number' ? parsed['actual-size'] : undefined,
      formatSpecific: specific?.data,
    };
  }

  /** Converts an image (`qemu-img convert -f … -O … -o …`), writing the target with its format's creation options. */
  async convert(options: QemuConvertOptions): Promise<void> {
    const create = [...QEMU_CREATE_OPTIONS[options.targetFormat], ...(options.createOptions ?? [])];
    const args = [
      'convert',
      '-q',
      '-f',
      qemuFormatName(options.sourceFormat),
      '-O',
      qemuFormatName(options.targetFormat),
      ...(create.length > 0 ? ['-o', create.join(',')] : []),
      options.source,
      options.target,
    ];
    await this.run({
      command: 'convert',
      args,
      paths: [
        { path: options.source, role: '<source>' },
        { path: options.target, role: '<target>' },
      ],
      timeoutMs: options.timeoutMs ?? DEFAULT_CONVERT_TIMEOUT_MS,
      signal: options.signal,
    });
  }

  /** Sets an image's virtual size (`qemu-img resize -f …`); growing a raw file appends zeros (sparse). */
  async resize(file: string, format: DiskFormat, sizeBytes: number, options: QemuImgCallOptions = {}): Promise<void> {
    const args = ['resize', '-q', '-f', qemuFormatName(format), file, String(sizeBytes)];
    await this.run({ command: 'resize', args, paths: [{ path: file, role: '<image>' }], timeoutMs: options.timeoutMs ?? DEFAULT_QUICK_TIMEOUT_MS, signal: options.signal });
  }

  private async run(run: Run): Promise<string> {
    if (run.signal?.aborted) throw abortError(run);
    const binary = await this.binary();
    return new Promise<string>((resolve, reject) => {
      const child = spawn(binary, run.args, { stdio: ['ignore', 'pipe', 'pipe'], env: this.options.env ?? process.env });
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = '';
      let failure: Error | undefined;
      const stop = (error: Error): void => {
        failure ??= error;
        // By pid, and SIGKILL: qemu-img holds no state worth a graceful stop, and a hung NFS read ignores SIGTERM.
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      };
      const onAbort = (): void => stop(abortError(run));
      const timer = setTimeout(() => stop(new TimeoutError({ message: `qemu-img ${run.command} did not finish within ${run.timeoutMs} ms` })), run.timeoutMs);
      run.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes <= MAX_STDOUT_BYTES) stdout.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-MAX_STDERR_CHARS);
      });
      const finish = (): void => {
        clearTimeout(timer);
        run.signal?.removeEventListener('abort', onAbort);
      };
      child.on('error', (error: NodeJS.ErrnoException) => {
        finish();
        reject(error.code === 'ENOENT' ? missingBinary(this.options.binary ?? 'qemu-img') : failure ?? error);
      });
      child.on('close', (code) => {
        finish();
        if (failure) return reject(failure);
        if (code === 0) return resolve(Buffer.concat(stdout).toString('utf8'));
        const tail = scrubPaths(stderr.trim(), run.paths);
        reject(new DiskConversionError({ message: `qemu-img ${run.command} failed (exit ${code}): ${tail || 'no message'}`, command: run.command, exitCode: code, stderr: tail }));
      });
    });
  }
}

/** Creates a {@link QemuImg}: the binary is `options.binary`, or `qemu-img` on `PATH`, looked up on first use. */
export function createQemuImg(options: QemuImgOptions = {}): QemuImg {
  return new QemuImg(options);
}

function abortError(run: Run): AbortError {
  return new AbortError({ message: `qemu-img ${run.command}: the caller aborted`, reason: run.signal?.reason });
}

function missingBinary(binary: string): UnsupportedError {
  const what = binary.includes('/') ? 'the configured qemu-img binary does not exist' : `${binary} is not on PATH`;
  return new UnsupportedError({ capability: 'qemu-img', message: `disk image conversion needs qemu-img, and ${what}: ${INSTALL_HINT}` });
}

/** The path of `binary`: itself when it has a slash, else the first executable of that name on `PATH`. */
async function locateBinary(binary: string): Promise<string> {
  const candidates = binary.includes('/') || isAbsolute(binary) ? [binary] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, binary));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw missingBinary(binary);
}

/** `text` with each of the run's file paths replaced by its role. */
function scrubPaths(text: string, paths: readonly NamedPath[]): string {
  let out = text;
  // Longest first, so that a path that contains another is replaced whole.
  for (const { path, role } of [...paths].sort((a, b) => b.path.length - a.path.length)) if (path) out = out.split(path).join(role);
  return out;
}
