/**
 * One call to Nova, Glance or Neutron: the endpoint from the catalog, the token, the Nova
 * microversion, a bounded time, one re-authentication on 401, retries, and the error mapping.
 *
 * Nova microversion: every compute call sends `OpenStack-API-Version: compute 2.79` (and the
 * legacy `X-OpenStack-Nova-API-Version: 2.79`), the version this adapter is written against
 * (Compute API microversion history, docs.openstack.org/nova/latest/reference/api-microversion-history.html,
 * read 2026-12). What the adapter relies on from it:
 * - 2.47: the server view embeds its flavor (`flavor.original_name`, `vcpus`, `ram`, `disk`), so a
 *   listing prices VMs without a flavor look-up per server;
 * - 2.45: `createImage` answers `{ "image_id" }` in its body instead of a `Location` header;
 * - 2.37: `networks` is required on create (the adapter always passes its port);
 * - 2.52 / 2.67 / 2.79: tags at create, `volume_type` and `delete_on_termination` in block device
 *   mappings are accepted; nothing newer is needed, and 2.79 is available from Train (2019) on.
 * Glance (`/v2`) and Neutron (`/v2.0`) take no microversion header.
 *
 * Retries: reads are retried on throttling, 5xx and network failures (shared backoff, honouring
 * `Retry-After`); a mutating call only when it provably did nothing — a 429/413 refusal, or a
 * failure before sending — since a lost answer to a POST may have acted (the create flow resolves
 * those by looking for what it made). A call past `requestTimeoutMs` without an answer is a
 * `TimeoutError` when it mutates (it may have acted), a `ProviderUnavailableError` when it reads.
 */
import { abortReason, throwIfAborted } from '../../provider/abort.js';
import { AuthError, isAbortError, ProviderUnavailableError, ThrottledError, TimeoutError, type NovacronError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import { withRetry } from '../../provider/retry.js';
import { parseFaultBody, retryAfterMs, toNovacronError, type OpenStackErrorContext } from './error-mapping.js';
import type { KeystoneSession } from './keystone-session.js';
import { failedBeforeSending, isTlsFailure, networkCode, type OpenStackFetch } from './transport.js';

/** The Nova microversion every compute call sends (see the file comment). */
export const NOVA_MICROVERSION = '2.79';

/** The services the adapter calls, by catalog type. */
export type OpenStackService = 'compute' | 'image' | 'network';

/** One request. */
export interface OpenStackRequest {
  /** Service. */
  readonly service: OpenStackService;
  /** HTTP method. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path below the service's versioned base (`/servers/detail`). */
  readonly path: string;
  /** Query parameters (`undefined` values are left out). */
  readonly query?: Readonly<Record<string, string | number | undefined>> | undefined;
  /** JSON body. */
  readonly json?: unknown;
  /** Raw body (an image upload), streamed. */
  readonly stream?: ReadableStream<Uint8Array> | undefined;
  /** Content type of a raw body or a JSON patch. */
  readonly contentType?: string | undefined;
  /** More request headers (`range` of an image download). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** What the call is about, for errors. */
  readonly ctx: Omit<OpenStackErrorContext, 'provider'>;
  /** Retry (default: reads yes, mutating calls only provable non-events; `false` for none). */
  readonly retry?: boolean | undefined;
  /** Time limit of this call, ms (default the provider's `requestTimeoutMs`). */
  readonly timeoutMs?: number | undefined;
}

/** What the API layer needs. */
export interface OpenStackApiOptions {
  /** Provider name. */
  readonly providerName: string;
  /** The Keystone session. */
  readonly session: KeystoneSession;
  /** The transport. */
  readonly transport: () => Promise<OpenStackFetch>;
  /** Longest time one call may take, ms. */
  readonly requestTimeoutMs: number;
  /** Attempts per call (the first included). */
  readonly maxAttempts: number;
  /** Backoff base, ms. */
  readonly retryDelayMs: number;
  /** Where `operation.retried` goes. */
  readonly events?: EventBus | undefined;
}

/** A catalog URL with the service's API version: Nova's as it is (`…/v2.1`), Glance's + `/v2`, Neutron's + `/v2.0`. */
function versionedBase(service: OpenStackService, url: string): string {
  if (service === 'image') return /\/v2(\.\d+)?$/.test(url) ? url.replace(/\/v2\.\d+$/, '/v2') : `${url}/v2`;
  if (service === 'network') return /\/v2\.0$/.test(url) ? url : `${url}/v2.0`;
  return url;
}

/** Calls OpenStack's services for one provider. */
export class OpenStackApi {
  /** HTTP attempts made so far (token requests included), for benchmarks and diagnostics. */
  calls = 0;

  /** Keeps the options. */
  constructor(private readonly o: OpenStackApiOptions) {}

  /** The versioned base URL of a service: Nova's catalog URL as it is (`…/v2.1`), Glance's + `/v2`, Neutron's + `/v2.0`. */
  async base(service: OpenStackService, signal?: AbortSignal): Promise<string> {
    return versionedBase(service, await this.o.session.endpoint(service, signal));
  }

  /** {@link OpenStackApi.base}, without I/O: known once a token's catalog is (`undefined` before). */
  knownBase(service: OpenStackService): string | undefined {
    const url = this.o.session.knownEndpoint(service);
    return url === undefined ? undefined : versionedBase(service, url);
  }

  /** A call whose successful answer is handed back unread (an image download streams its body). */
  async response(request: OpenStackRequest, signal?: AbortSignal): Promise<Response> {
    return this.run(request, signal, (response) => Promise.resolve(response));
  }

  /** A call answered with JSON (`undefined` for 204 and empty bodies). */
  async json<T>(request: OpenStackRequest, signal?: AbortSignal): Promise<T> {
    return this.run(request, signal, async (response) => {
      const text = await response.text();
      return (text === '' ? undefined : JSON.parse(text)) as T;
    });
  }

  private async run<T>(request: OpenStackRequest, signal: AbortSignal | undefined, read: (response: Response) => Promise<T>): Promise<T> {
    throwIfAborted(signal);
    const mutating = request.ctx.mutating === true;
    const once = (): Promise<T> => this.authenticated(request, signal, read);
    if (request.retry === false || request.stream !== undefined) return once();
    return withRetry(once, {
      operation: request.ctx.operation,
      provider: this.o.providerName,
      events: this.o.events,
      signal,
      maxAttempts: this.o.maxAttempts,
      baseDelayMs: this.o.retryDelayMs,
      maxDelayMs: 10_000,
      shouldRetry: (error) => {
        if (ThrottledError.isInstance(error)) return true;
        if (!ProviderUnavailableError.isInstance(error) || !error.retryable) return false;
        return !mutating || error.requestSent === false;
      },
    });
  }

  /** One attempt, and one more after re-authenticating when the service answers 401. */
  private async authenticated<T>(request: OpenStackRequest, signal: AbortSignal | undefined, read: (response: Response) => Promise<T>): Promise<T> {
    for (let auth = 0; ; auth++) {
      const token = await this.o.session.token(signal);
      const response = await this.send(request, token.value, signal);
      if (response.status === 401 && auth === 0 && request.stream === undefined) {
        await response.body?.cancel().catch(() => undefined);
        this.o.session.invalidate(token.value);
        continue;
      }
      if (response.ok) {
        try {
          return await read(response);
        } catch (error) {
          if (signal?.aborted) throw abortReason(signal);
          throw new ProviderUnavailableError({ provider: this.o.providerName, message: `${request.ctx.operation}: the answer could not be read (${(error as Error).message})`, cause: error });
        }
      }
      const text = await response.text().catch(() => '');
      const fault = parseFaultBody(text);
      const mapped = toNovacronError(
        {
          status: response.status,
          kind: fault.kind,
          message: fault.message,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
          requestId: response.headers.get('x-openstack-request-id') ?? response.headers.get('x-compute-request-id') ?? undefined,
        },
        { ...request.ctx, provider: this.o.providerName },
      );
      if (response.status === 401) {
        throw new AuthError({ provider: this.o.providerName, message: `${request.ctx.operation}: the token was refused again after re-authenticating (HTTP 401)`, cause: (mapped as NovacronError).cause });
      }
      throw mapped;
    }
  }

  private async send(request: OpenStackRequest, token: string, signal: AbortSignal | undefined): Promise<Response> {
    const base = await this.base(request.service, signal);
    const query = Object.entries(request.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
    const url = `${base}${request.path}${query.length > 0 ? `?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers, 'x-auth-token': token };
    if (request.service === 'compute') {
      headers['openstack-api-version'] = `compute ${NOVA_MICROVERSION}`;
      headers['x-openstack-nova-api-version'] = NOVA_MICROVERSION;
    }
    let body: RequestInit['body'];
    if (request.stream !== undefined) {
      body = request.stream;
      headers['content-type'] = request.contentType ?? 'application/octet-stream';
    } else if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = request.contentType ?? 'application/json';
    }
    const timeoutMs = request.timeoutMs ?? this.o.requestTimeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    const transport = await this.o.transport();
    this.calls++;
    try {
      return await transport(url, { method: request.method, headers, body, signal: signal ? AbortSignal.any([deadline, signal]) : deadline, ...(request.stream !== undefined ? { duplex: 'half' as const } : {}) });
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      const ctx = request.ctx;
      if (deadline.aborted || isAbortError(error)) {
        if (ctx.mutating === true) return Promise.reject(new TimeoutError({ provider: this.o.providerName, resourceId: ctx.resourceId, message: `${ctx.operation}: no answer within ${timeoutMs} ms; the request may have taken effect` }));
        throw new ProviderUnavailableError({ provider: this.o.providerName, message: `${ctx.operation}: no answer within ${timeoutMs} ms` });
      }
      if (isTlsFailure(error)) {
        throw new ProviderUnavailableError({
          provider: this.o.providerName,
          retryable: false,
          requestSent: false,
          message: `${ctx.operation}: TLS to ${new URL(url).host} failed: its certificate is not trusted (${networkCode(error)}); set the ca option to the PEM of the CA that signed it`,
          cause: error,
        });
      }
      throw new ProviderUnavailableError({
        provider: this.o.providerName,
        requestSent: failedBeforeSending(error) ? false : undefined,
        message: `${ctx.operation}: ${request.service} could not be reached (${networkCode(error) ?? (error as Error).message})`,
        cause: error,
      });
    }
  }
}
