/**
 * Whether any HTTP attempt of one SDK call may have reached AWS.
 *
 * The SDK retries inside one `send()`: the error the adapter finally sees is the last
 * attempt's, which says nothing of the attempts before it. A create whose first attempt lost
 * its answer and whose retries then found the endpoint down ends with `ECONNREFUSED` although
 * the instance may exist. So a middleware placed inside the retry loop (the `deserialize`
 * step runs once per attempt, inside the parsing of service errors) marks the call when an
 * attempt got an answer or failed in a way that does not prove it never left this machine; the
 * adapter reads the mark from the final error.
 *
 * An attempt provably sent nothing when it failed while resolving the host name or opening the
 * connection: Node names the system call (`getaddrinfo`, `connect`), and the SDK's handler
 * names its connection timeout. Request bytes are written only once a connection is up.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { PricingClient } from '@aws-sdk/client-pricing';

/** Set on the final error: `true` when some attempt may have reached the cloud. */
const MAYBE_SENT = Symbol.for('novacron.aws.maybeSent');
/** Kept on the SDK's per-call handler context while the attempts run. */
const CONTEXT_FLAG = Symbol.for('novacron.aws.attemptSent');

const tracked = new WeakSet<object>();

/** True when this one attempt's failure proves the request never left this machine. */
export function failedBeforeSending(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { syscall?: unknown; code?: unknown; name?: unknown; message?: unknown };
  if (e.syscall === 'getaddrinfo' || e.syscall === 'connect') return true;
  // The same failures when a wrapper dropped the system call's name.
  if ((e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'ECONNREFUSED') && e.syscall === undefined) return true;
  // The SDK handler's own connection timeout: "Socket timed out without establishing a connection within N ms".
  return e.name === 'TimeoutError' && typeof e.message === 'string' && /without establishing a connection/.test(e.message);
}

/**
 * `false` when every attempt of the call that threw `error` failed before sending (nothing can
 * have happened), `undefined` when that is not known (an untracked client, or an attempt that
 * may have arrived).
 */
export function requestSentOf(error: unknown): false | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const mark = (error as Record<symbol, unknown>)[MAYBE_SENT];
  return mark === false ? false : undefined;
}

type AnyClient = Pick<EC2Client | PricingClient, 'middlewareStack'>;

/** Adds the per-attempt tracking to a client once (idempotent). */
export function trackAttempts<C extends AnyClient>(client: C): C {
  if (tracked.has(client)) return client;
  tracked.add(client);
  (client.middlewareStack as unknown as MiddlewareStackLike).add(
    (next: (args: unknown) => Promise<unknown>, context: Record<symbol, unknown>) => async (args: unknown) => {
      try {
        const response = await next(args);
        // An answer came (a service error is parsed from it further out): this attempt arrived.
        context[CONTEXT_FLAG] = true;
        return response;
      } catch (error) {
        if (!failedBeforeSending(error)) context[CONTEXT_FLAG] = true;
        if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
          Object.defineProperty(error, MAYBE_SENT, { value: context[CONTEXT_FLAG] === true, configurable: true, enumerable: false });
        }
        throw error;
      }
    },
    { step: 'deserialize', priority: 'low', name: 'novacronAttemptTracking', override: true },
  );
  return client;
}

/** The part of the SDK's middleware stack used here (a structural copy of @smithy/types). */
interface MiddlewareStackLike {
  add(
    middleware: (next: (args: unknown) => Promise<unknown>, context: Record<symbol, unknown>) => (args: unknown) => Promise<unknown>,
    options: { step: 'deserialize'; priority: 'low'; name: string; override: boolean },
  ): void;
}
