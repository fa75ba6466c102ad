/**
 * The adapter's only door to Compute Engine: the lazily loaded `@google-cloud/compute` module
 * (7.x; its cold import costs seconds and ~100 MB, so it is `import()`ed on the first call, never
 * on import of this file), one client per service the adapter uses, built on the REST transport
 * (`fallback: true`: google-gax sends JSON over HTTP/1.1 to the Compute REST paths, the same ones
 * the REST reference documents), and a `run` wrapper that passes a per-call timeout, stops waiting
 * on the caller's signal, retries throttling and transient failures (every mutating call carries a
 * `requestId`, so a retried one is deduplicated by GCE) and maps every failure onto the novacron
 * taxonomy.
 *
 * Credentials: a key file path (`keyFilename`), a credentials object (`credentials`), or any
 * google-auth-library `AuthClient` (`authClient`); Application Default Credentials when none is
 * given. An endpoint override (`http://127.0.0.1:8085`) is split into the transport's `protocol`,
 * `apiEndpoint` and `port`.
 */
import type * as ComputeSdk from '@google-cloud/compute';
import type { AcceleratorTypesClient, ImagesClient, InstancesClient, MachineTypesClient, ZoneOperationsClient, GlobalOperationsClient } from '@google-cloud/compute';
import { throwIfAborted, withSignal } from '../../provider/abort.js';
import { ProviderUnavailableError, ThrottledError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import { withRetry } from '../../provider/retry.js';
import { toNovacronError, type GcpErrorContext } from './error-mapping.js';
import { loadGaxModule } from './gax-module.js';

/** The `@google-cloud/compute` module. */
export type ComputeModule = typeof ComputeSdk;

/** Options every client of the library takes (`ClientOptions` of google-gax). */
export type GcpClientOptions = NonNullable<ConstructorParameters<typeof InstancesClient>[0]>;

/**
 * An auth client: structurally the part of google-auth-library's `AuthClient` that google-gax's
 * REST transport uses (headers for a request, and `fetch` with them), so every client of
 * google-auth-library fits, and so does a stub of one's own.
 */
export interface GcpAuthClient {
  /** The headers that authenticate a request. */
  getRequestHeaders(url?: string | URL): Promise<Headers>;
  /** Sends a request with those headers (gaxios' `fetch`). */
  fetch(input: string | URL, init?: object): Promise<unknown>;
}

/** A service account key as an object (the `client_email` and `private_key` of its JSON key file; google-auth-library's `CredentialBody`). */
export interface GcpCredentialsObject {
  /** The service account's e-mail. */
  readonly client_email?: string | undefined;
  /** Its private key (PEM). A secret. */
  readonly private_key?: string | undefined;
  /** Universe domain (default `googleapis.com`). */
  readonly universe_domain?: string | undefined;
}

/** Ready clients a host may pass instead of letting the adapter build them. */
export interface GcpReadyClients {
  /** `InstancesClient`. */
  readonly instances?: InstancesClient | undefined;
  /** `ZoneOperationsClient`. */
  readonly zoneOperations?: ZoneOperationsClient | undefined;
  /** `GlobalOperationsClient`. */
  readonly globalOperations?: GlobalOperationsClient | undefined;
  /** `MachineTypesClient`. */
  readonly machineTypes?: MachineTypesClient | undefined;
  /** `AcceleratorTypesClient`. */
  readonly acceleratorTypes?: AcceleratorTypesClient | undefined;
  /** `ImagesClient`. */
  readonly images?: ImagesClient | undefined;
}

/** The clients a call is given. */
export interface GcpClients {
  /** Instances. */
  readonly instances: InstancesClient;
  /** Zone operations (`wait`). */
  readonly zoneOperations: ZoneOperationsClient;
  /** Global operations (image inserts). */
  readonly globalOperations: GlobalOperationsClient;
  /** Machine types. */
  readonly machineTypes: MachineTypesClient;
  /** Accelerator types. */
  readonly acceleratorTypes: AcceleratorTypesClient;
  /** Images. */
  readonly images: ImagesClient;
}

/** How the adapter reaches Compute Engine. */
export interface GcpApiOptions {
  /** Provider name, for errors and events. */
  readonly providerName: string;
  /** Project id. */
  readonly project: string;
  /** Endpoint override (`https://compute.googleapis.com` by default). */
  readonly endpoint?: string | undefined;
  /** A service account key file. */
  readonly keyFilename?: string | undefined;
  /** A service account key as an object. */
  readonly credentials?: GcpCredentialsObject | undefined;
  /** Any google-auth-library auth client. */
  readonly authClient?: GcpAuthClient | undefined;
  /** Ready clients. */
  readonly clients?: GcpReadyClients | undefined;
  /** Longest time one call may take, ms (default 30,000). */
  readonly requestTimeoutMs?: number | undefined;
  /** Attempts per call for throttling and transient failures, the first included (default 8). */
  readonly maxAttempts?: number | undefined;
  /** Retry backoff base, ms (default 200). */
  readonly retryDelayMs?: number | undefined;
  /** Where `operation.retried` goes. */
  readonly events?: EventBus | undefined;
}

/** Default bound of one call: GCE answers in well under a second; 30 s is a stuck server. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The transport options of an endpoint override. */
export function endpointOptions(endpoint: string | undefined): Pick<GcpClientOptions, 'apiEndpoint' | 'port'> & { protocol?: string } {
  if (endpoint === undefined) return {};
  const url = new URL(endpoint);
  const protocol = url.protocol.replace(/:$/, '');
  const port = url.port !== '' ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { apiEndpoint: url.hostname, port, protocol };
}

/** Lazily built Compute Engine clients with retries and error mapping. */
export class GcpApi {
  /** Calls made so far (each attempt of each call), for benchmarks and diagnostics. */
  calls = 0;
  private clientsPromise: Promise<GcpClients> | undefined;

  /** Keeps the options; nothing is loaded yet. */
  constructor(private readonly options: GcpApiOptions) {}

  /** The clients, built on first use. */
  clients(): Promise<GcpClients> {
    this.clientsPromise ??= this.build().catch((error: unknown) => {
      this.clientsPromise = undefined;
      throw error;
    });
    return this.clientsPromise;
  }

  private async build(): Promise<GcpClients> {
    const ready = this.options.clients ?? {};
    const complete = ready.instances && ready.zoneOperations && ready.globalOperations && ready.machineTypes && ready.acceleratorTypes && ready.images;
    if (complete) return ready as GcpClients;
    let sdk: ComputeModule;
    try {
      sdk = await import('@google-cloud/compute');
    } catch (error) {
      throw new ProviderUnavailableError({
        provider: this.options.providerName,
        message: 'cannot load @google-cloud/compute; install it (npm i @google-cloud/compute) to use novacron/gcp',
        retryable: false,
        requestSent: false,
        cause: error,
      });
    }
    const o = this.options;
    const clientOptions = {
      fallback: true,
      projectId: o.project,
      ...endpointOptions(o.endpoint),
      ...(o.authClient !== undefined ? { authClient: o.authClient } : {}),
      ...(o.keyFilename !== undefined ? { keyFilename: o.keyFilename } : {}),
      ...(o.credentials !== undefined ? { credentials: o.credentials } : {}),
    } as GcpClientOptions;
    // See gax-module.ts: the same google-gax, with error-decoding roots built once instead of per error.
    const gax = loadGaxModule() as ConstructorParameters<typeof InstancesClient>[1];
    return {
      instances: ready.instances ?? new sdk.InstancesClient(clientOptions, gax),
      zoneOperations: ready.zoneOperations ?? new sdk.ZoneOperationsClient(clientOptions, gax),
      globalOperations: ready.globalOperations ?? new sdk.GlobalOperationsClient(clientOptions, gax),
      machineTypes: ready.machineTypes ?? new sdk.MachineTypesClient(clientOptions, gax),
      acceleratorTypes: ready.acceleratorTypes ?? new sdk.AcceleratorTypesClient(clientOptions, gax),
      images: ready.images ?? new sdk.ImagesClient(clientOptions, gax),
    };
  }

  /**
   * The headers that authenticate a request to another Google API (Cloud Storage's JSON API):
   * the given auth client's, else those of the clients' own google-auth-library `GoogleAuth`.
   */
  async requestHeaders(url: string): Promise<Headers> {
    const auth: { getRequestHeaders(url?: string): Promise<unknown> } = this.options.authClient ?? (await this.clients()).instances.auth;
    const raw = await auth.getRequestHeaders(url);
    return raw instanceof Headers ? raw : new Headers(raw as Record<string, string>);
  }

  /**
   * Per-call options for the library: the timeout. The library retries only its idempotent calls
   * (reads) on UNAVAILABLE and DEADLINE_EXCEEDED; throttling and everything else is retried here.
   */
  callOptions(timeoutMs?: number): { timeout: number } {
    return { timeout: timeoutMs ?? this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS };
  }

  /** Classifies an error (a DONE operation's, say) the way a failed call's is. */
  classify(error: unknown, ctx: Omit<GcpErrorContext, 'provider'>): Error {
    return toNovacronError(error, { ...ctx, provider: this.options.providerName });
  }

  /**
   * Runs one call: `fn` gets the clients and the library's call options. Retries throttling and
   * transient failures (`retry: false` for none), stops waiting on `signal` (the call itself goes
   * on), and maps the failure with `ctx`.
   */
  async run<T>(
    ctx: Omit<GcpErrorContext, 'provider'>,
    signal: AbortSignal | undefined,
    fn: (clients: GcpClients, call: ReturnType<GcpApi['callOptions']>) => Promise<T>,
    options: { readonly retry?: boolean; readonly timeoutMs?: number } = {},
  ): Promise<T> {
    throwIfAborted(signal);
    const clients = await withSignal(this.clients(), signal);
    const once = async (): Promise<T> => {
      this.calls++;
      try {
        return await withSignal(fn(clients, this.callOptions(options.timeoutMs)), signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        throw toNovacronError(error, { ...ctx, provider: this.options.providerName });
      }
    };
    if (options.retry === false) return once();
    return withRetry(once, {
      operation: ctx.operation,
      provider: this.options.providerName,
      events: this.options.events,
      signal,
      maxAttempts: this.options.maxAttempts ?? 8,
      baseDelayMs: this.options.retryDelayMs ?? 200,
      maxDelayMs: 10_000,
      shouldRetry: (error) => ThrottledError.isInstance(error) || (ProviderUnavailableError.isInstance(error) && error.retryable),
    });
  }
}
