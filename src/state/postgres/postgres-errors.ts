/** Maps driver errors onto the novacron taxonomy without letting a connection secret through. */
import { ErrorCause, NovacronError, ProviderUnavailableError } from '../../provider/errors.js';
import { redactString } from '../../provider/redact.js';

// SQLSTATE classes that mean "the database, not the request, failed": connection exceptions,
// insufficient resources, operator intervention (shutdown), plus node's socket errors.
const TRANSIENT = /^(08|53|57P)/;
const SOCKET = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH)$/;

/** The secrets to scrub from a connection string: its password, whatever shape the string has. */
export function connectionSecrets(connectionString: string | undefined): string[] {
  if (connectionString === undefined) return [];
  const secrets: string[] = [];
  try {
    const url = new URL(connectionString);
    if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
  } catch {
    // Not a URL (a key=value string): the redaction patterns catch password=...
  }
  return secrets;
}

/** Wraps any error from the driver as a `ProviderUnavailableError`, scrubbed of `secrets`; novacron errors pass through. */
export function toStoreError(error: unknown, what: string, secrets: readonly string[]): Error {
  if (NovacronError.isInstance(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as {
    name?: string;
    message?: string;
    code?: string;
    stack?: string;
  };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const transient = code === undefined ? /terminat|timeout|connect/i.test(e.message ?? '') : TRANSIENT.test(code) || SOCKET.test(code);
  const message = redactString(e.message ?? '', secrets);
  const cause = new ErrorCause({ name: e.name, message, code, stack: e.stack === undefined ? undefined : redactString(e.stack, secrets) });
  return new ProviderUnavailableError({ message: `[state] [postgres] ${what}: ${message}`, cause, retryable: transient });
}
