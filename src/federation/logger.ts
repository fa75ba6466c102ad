/** The structured logger a host application may give the federation; everything it gets is redacted first. */
import { redact } from '../provider/redact.js';

/** A structured logger; messages and fields are redacted before they reach it. */
export interface Logger {
  /** Debug detail. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Normal operation. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong and was handled. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong and was not handled. */
  error(message: string, fields?: Record<string, unknown>): void;
}

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Wraps a host logger (or none) so that every field it receives is redacted. */
export function redactingLogger(logger: Logger | undefined): Logger {
  const to = logger ?? debugLogger();
  return {
    debug: (m, f) => to.debug(m, f && redact(f)),
    info: (m, f) => to.info(m, f && redact(f)),
    warn: (m, f) => to.warn(m, f && redact(f)),
    error: (m, f) => to.error(m, f && redact(f)),
  };
}

/** A logger that takes the fields first and the message second, as pino and bunyan do. */
export interface FieldsFirstLogger {
  /** Debug detail. */
  debug(fields: object, message?: string): void;
  /** Normal operation. */
  info(fields: object, message?: string): void;
  /** Something went wrong and was handled. */
  warn(fields: object, message?: string): void;
  /** Something went wrong and was not handled. */
  error(fields: object, message?: string): void;
}

/**
 * Adapts a pino (or bunyan) logger, which takes `(fields, message)`, to the federation's
 * {@link Logger}: `new FederationManager({ logger: pinoLogger(pino()) })`.
 */
export function pinoLogger(logger: FieldsFirstLogger): Logger {
  return {
    debug: (m, f) => logger.debug(f ?? {}, m),
    info: (m, f) => logger.info(f ?? {}, m),
    warn: (m, f) => logger.warn(f ?? {}, m),
    error: (m, f) => logger.error(f ?? {}, m),
  };
}

/** Options of {@link debugLogger}. */
export interface DebugLoggerOptions {
  /** The `DEBUG` value to read (default `process.env.DEBUG`). */
  readonly debug?: string | undefined;
  /** Namespace of this logger (default `novacron:federation`). */
  readonly namespace?: string | undefined;
  /** Where lines go (default standard error). */
  readonly write?: ((line: string) => void) | undefined;
}

/**
 * True when a `DEBUG` value (comma- or space-separated patterns with `*`, `-` to exclude, as
 * the `debug` package reads it) turns `namespace` on.
 */
export function debugEnabled(debug: string | undefined, namespace: string): boolean {
  let on = false;
  for (const raw of (debug ?? '').split(/[\s,]+/)) {
    if (raw === '') continue;
    const negate = raw.startsWith('-');
    const pattern = negate ? raw.slice(1) : raw;
    const matches = pattern === '*' || pattern === namespace || (pattern.endsWith('*') && namespace.startsWith(pattern.slice(0, -1)));
    if (matches) on = !negate;
  }
  return on;
}

/**
 * A logger that writes `namespace level message {fields}` lines to standard error when `DEBUG`
 * turns its namespace on (`DEBUG=novacron:*`), and nothing otherwise. The FederationManager
 * uses it when no logger is given.
 */
export function debugLogger(options: DebugLoggerOptions = {}): Logger {
  const namespace = options.namespace ?? 'novacron:federation';
  if (!debugEnabled(options.debug ?? process.env.DEBUG, namespace)) return SILENT;
  const write = options.write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(`${namespace} ${level} ${message}${fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''}`);
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
