/**
 * What the HTTP attempts of one adapter call said, for the error that call may end with.
 *
 * The Azure pipeline retries inside one SDK call and polls long-running operations with requests
 * of its own, so the error the adapter finally sees says nothing of the attempts before it: the
 * `x-ms-request-id` of a failed poll, the Retry-After of a throttled answer, whether any attempt
 * reached Azure at all. A pipeline policy placed per retry (after the retry and signing phases,
 * so it runs once per attempt, polls included) records them in the call's scope, which
 * `AsyncLocalStorage` carries through every await of the call.
 *
 * The same policy bounds every attempt in time (a deadline signal of its own, merged with the
 * caller's: the node HTTP client aborts an attempt that has not been answered by then) and reports each attempt on the
 * `novacron:azure:request` diagnostics channel, so a host (or a benchmark) can count API calls
 * without wrapping anything.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { channel } from 'node:diagnostics_channel';
import type { AzureWireFacts } from './error-mapping.js';
import { retryAfterFromHeaders } from './error-mapping.js';

/** The diagnostics channel every HTTP attempt of the Azure adapter is published on. */
export const AZURE_REQUEST_CHANNEL = 'novacron:azure:request';

/** What {@link AZURE_REQUEST_CHANNEL} publishes for one HTTP attempt. */
export interface AzureRequestEvent {
  /** Provider name. */
  readonly provider: string;
  /** HTTP method. */
  readonly method: string;
  /** URL path (no query string, which may hold a SAS). */
  readonly path: string;
  /** HTTP status, or 0 when no answer came. */
  readonly status: number;
  /** `x-ms-request-id` of the answer. */
  readonly requestId: string | undefined;
  /** Time the attempt took, ms. */
  readonly durationMs: number;
}

/** The part of a pipeline request the policy reads and sets. */
export interface RequestLike {
  url: string;
  method: string;
  abortSignal?: AbortSignalLike | undefined;
}

/** What the pipeline takes as a signal (@azure/abort-controller's `AbortSignalLike`). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
/** The part of a pipeline response the policy reads. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | undefined };
}

/** A pipeline policy in the shape the Azure SDKs take, over their request and response types (so no pipeline package is imported here). */
export interface TrackingPolicy<Req extends RequestLike, Res extends ResponseLike> {
  /** Policy name. */
  readonly name: string;
  /** Runs one attempt. */
  sendRequest(request: Req, next: (request: Req) => Promise<Res>): Promise<Res>;
}

interface CallScope {
  requestId: string | undefined;
  retryAfterMs: number | undefined;
  maybeSent: boolean;
  attempts: number;
}

/** True when this one attempt's failure proves the request never left this machine. */
function failedBeforeSending(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

/** Per-call facts of one adapter's HTTP attempts. */
export class CallTracker {
  private readonly scopes = new AsyncLocalStorage<CallScope>();
  private readonly requests = channel(AZURE_REQUEST_CHANNEL);
  /** HTTP attempts made so far by this adapter (polls included). */
  attempts = 0;

  /** Tracks one provider's calls. */
  constructor(private readonly providerName: string) {}

  /** Runs `fn` in a scope of its own; when it fails, throws what `mapError` makes of the error and the facts of its attempts. */
  async run<T>(fn: () => Promise<T>, mapError: (error: unknown, facts: AzureWireFacts) => unknown): Promise<T> {
    const scope: CallScope = { requestId: undefined, retryAfterMs: undefined, maybeSent: false, attempts: 0 };
    try {
      return await this.scopes.run(scope, fn);
    } catch (error) {
      throw mapError(error, {
        requestId: scope.requestId,
        retryAfterMs: scope.retryAfterMs,
        // No attempt at all (a credential that gave no token) or none that left: nothing was sent.
        requestSent: scope.maybeSent ? undefined : false,
      });
    }
  }

  /** The per-attempt policy: bounds each attempt to `timeoutMs`, records what it said. */
  policy<Req extends RequestLike, Res extends ResponseLike>(timeoutMs: number): TrackingPolicy<Req, Res> {
    return {
      name: 'novacronCallTracking',
      sendRequest: async (request, next) => {
        const scope = this.scopes.getStore();
        // The attempt's own deadline, as a signal: the pipeline's `request.timeout` timer is not
        // cleared when a request fails, and would hold the process open for its whole length.
        const original = request.abortSignal;
        const deadline = new AbortController();
        const timer = setTimeout(() => deadline.abort(), timeoutMs);
        timer.unref();
        const onAbort = (): void => deadline.abort();
        if (original?.aborted) deadline.abort();
        else original?.addEventListener('abort', onAbort, { once: true });
        request.abortSignal = deadline.signal;
        this.attempts++;
        if (scope) scope.attempts++;
        const started = performance.now();
        let status = 0;
        let requestId: string | undefined;
        try {
          const response = await next(request);
          status = response.status;
          requestId = response.headers.get('x-ms-request-id');
          if (scope) {
            scope.maybeSent = true;
            scope.requestId = requestId ?? scope.requestId;
            scope.retryAfterMs = retryAfterFromHeaders((n) => response.headers.get(n)) ?? scope.retryAfterMs;
          }
          return response;
        } catch (error) {
          if (scope && !failedBeforeSending(error)) scope.maybeSent = true;
          throw error;
        } finally {
          clearTimeout(timer);
          original?.removeEventListener('abort', onAbort);
          request.abortSignal = original;
          if (this.requests.hasSubscribers) {
            const event: AzureRequestEvent = {
              provider: this.providerName,
              method: request.method,
              path: pathOf(request.url),
              status,
              requestId,
              durationMs: performance.now() - started,
            };
            this.requests.publish(event);
          }
        }
      },
    };
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
