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
  const to = logger ?? SILENT;
  return {
    debug: (m, f) => to.debug(m, f && redact(f)),
    info: (m, f) => to.info(m, f && redact(f)),
    warn: (m, f) => to.warn(m, f && redact(f)),
    error: (m, f) => to.error(m, f && redact(f)),
  };
}
