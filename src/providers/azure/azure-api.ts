/**
 * The adapter's only door to Azure: lazily loaded SDK modules (`@azure/arm-compute`,
 * `@azure/arm-network`, and `@azure/identity` only when no credential is given), one compute and
 * one network client, and a `run` wrapper that passes the caller's signal, tracks the call's HTTP
 * attempts and maps every failure onto the novacron taxonomy. Importing this file loads no SDK.
 *
 * TLS: the clients get `tlsOptions: { ca }` when a `caCertificate` is given. The pipeline adds its
 * TLS policy for it and the node HTTP client builds its https agent with that CA, while the real
 * bearer-token policy stays in the path (the Azure SDKs refuse bearer tokens over plain http, so
 * an emulator serves https; read from @azure/core-rest-pipeline 1.24 `createPipelineFromOptions`
 * and @typespec/ts-http-runtime `nodeHttpClient`, 2026-12).
 *
 * Bounded time: every HTTP attempt (polls included) gets `requestTimeoutMs` through the tracking
 * policy; the pipeline's own retry policy (exponential on 5xx and network errors, Retry-After on
 * 429 and 503) is bounded by `maxRetries`.
 */
import type { ComputeManagementClient } from '@azure/arm-compute';
import type * as ComputeSdk from '@azure/arm-compute';
import type { NetworkManagementClient } from '@azure/arm-network';
import type * as NetworkSdk from '@azure/arm-network';
import type * as IdentitySdk from '@azure/identity';
import { throwIfAborted } from '../../provider/abort.js';
import { ProviderUnavailableError } from '../../provider/errors.js';
import { CallTracker } from './call-tracking.js';
import { toNovacronError, type AzureErrorContext } from './error-mapping.js';

/** The `@azure/arm-compute` module. */
export type ComputeModule = typeof ComputeSdk;
/** The `@azure/arm-network` module. */
export type NetworkModule = typeof NetworkSdk;
/** The `@azure/identity` module. */
export type IdentityModule = typeof IdentitySdk;

/** The access token a credential gives (structurally `AccessToken` of @azure/core-auth). */
export interface AzureAccessToken {
  /** The bearer token. */
  readonly token: string;
  /** When it expires, epoch ms. */
  readonly expiresOnTimestamp: number;
  /** When to refresh it, epoch ms. */
  readonly refreshAfterTimestamp?: number | undefined;
  /** Token type (`Bearer`). */
  readonly tokenType?: 'Bearer' | 'pop' | undefined;
}

/**
 * Any Azure credential: structurally `TokenCredential` of @azure/core-auth, so every credential
 * of @azure/identity fits, and so does a stub of one's own.
 */
export interface AzureTokenCredential {
  /** Gets a token for `scopes`. */
  getToken(scopes: string | string[], options?: object): Promise<AzureAccessToken | null>;
}

/** How the adapter reaches Azure. */
export interface AzureApiOptions {
  /** Provider name, for errors. */
  readonly providerName: string;
  /** Subscription id. */
  readonly subscriptionId: string;
  /** ARM endpoint override (default `https://management.azure.com`). */
  readonly endpoint?: string | undefined;
  /** Credential; `DefaultAzureCredential` from @azure/identity when absent. */
  readonly credential?: AzureTokenCredential | undefined;
  /** Extra CA (PEM) to trust for the endpoint. */
  readonly caCertificate?: string | undefined;
  /** A ready compute client. */
  readonly computeClient?: ComputeManagementClient | undefined;
  /** A ready network client. */
  readonly networkClient?: NetworkManagementClient | undefined;
  /** Retries of one HTTP call by the pipeline (default 3). */
  readonly maxRetries?: number | undefined;
  /** Retry backoff base, ms (default 800). */
  readonly retryDelayMs?: number | undefined;
  /** Longest retry backoff, ms (default 20,000). */
  readonly maxRetryDelayMs?: number | undefined;
  /** Longest time one HTTP attempt may take, ms (default 30,000). */
  readonly requestTimeoutMs?: number | undefined;
}

/** The options the SDK clients take, and the request and response types of their pipeline policies. */
type ClientOptions = NonNullable<ConstructorParameters<typeof ComputeManagementClient>[2]>;
type SdkPolicy = NonNullable<ClientOptions['additionalPolicies']>[number]['policy'];
type SdkRequest = Parameters<SdkPolicy['sendRequest']>[0];
type SdkResponse = Awaited<ReturnType<SdkPolicy['sendRequest']>>;

/** Default bound of one HTTP attempt: ARM answers in well under a second; 30 s is a stuck server. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The clients and SDK module a call is given. */
export interface AzureClients {
  /** Compute client. */
  readonly compute: ComputeManagementClient;
  /** Network client. */
  readonly network: NetworkManagementClient;
  /** The compute SDK module (for `restorePoller`). */
  readonly computeSdk: ComputeModule;
}

const PACKAGES = ['@azure/arm-compute', '@azure/arm-network', '@azure/identity'] as const;

/** Lazily built Azure clients with error mapping. */
export class AzureApi {
  /** Per-call facts of the HTTP attempts (and the attempt count). */
  readonly tracker: CallTracker;
  private clientsPromise: Promise<AzureClients> | undefined;

  /** Keeps the options; nothing is loaded yet. */
  constructor(private readonly options: AzureApiOptions) {
    this.tracker = new CallTracker(options.providerName);
  }

  /** Both clients and the compute module, built on first use. */
  clients(): Promise<AzureClients> {
    this.clientsPromise ??= this.build().catch((error: unknown) => {
      this.clientsPromise = undefined;
      throw error;
    });
    return this.clientsPromise;
  }

  private async build(): Promise<AzureClients> {
    const needIdentity = this.options.credential === undefined && (this.options.computeClient === undefined || this.options.networkClient === undefined);
    const [computeSdk, networkSdk, identitySdk] = await Promise.all([
      import('@azure/arm-compute').catch(() => undefined),
      this.options.networkClient ? Promise.resolve(undefined) : import('@azure/arm-network').catch(() => undefined),
      needIdentity ? import('@azure/identity').catch(() => undefined) : Promise.resolve(undefined),
    ]);
    const missing = PACKAGES.filter(
      (p) => (p === '@azure/arm-compute' && !computeSdk) || (p === '@azure/arm-network' && !networkSdk && !this.options.networkClient) || (p === '@azure/identity' && needIdentity && !identitySdk),
    );
    if (missing.length > 0 || !computeSdk) {
      throw new ProviderUnavailableError({
        provider: this.options.providerName,
        message: `cannot load ${missing.join(' and ')}; install ${missing.length > 1 ? 'them' : 'it'} (npm i ${missing.join(' ')}) to use novacron/azure`,
        retryable: false,
        requestSent: false,
      });
    }
    const credential = this.options.credential ?? new identitySdk!.DefaultAzureCredential();
    const clientOptions: ClientOptions = {
      ...(this.options.endpoint !== undefined ? { endpoint: this.options.endpoint.replace(/\/$/, '') } : {}),
      ...(this.options.caCertificate !== undefined ? { tlsOptions: { ca: this.options.caCertificate } } : {}),
      retryOptions: {
        maxRetries: this.options.maxRetries ?? 3,
        retryDelayInMs: this.options.retryDelayMs ?? 800,
        maxRetryDelayInMs: this.options.maxRetryDelayMs ?? 20_000,
      },
      userAgentOptions: { userAgentPrefix: 'novacron' },
      additionalPolicies: [{ policy: this.tracker.policy<SdkRequest, SdkResponse>(this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS), position: 'perRetry' }],
    };
    const compute = this.options.computeClient ?? new computeSdk.ComputeManagementClient(credential, this.options.subscriptionId, clientOptions);
    const network = this.options.networkClient ?? new networkSdk!.NetworkManagementClient(credential, this.options.subscriptionId, clientOptions);
    return { compute, network, computeSdk };
  }

  /**
   * Runs one adapter call: aborts with the caller's signal, tracks its HTTP attempts, maps its
   * failure (`ctx` says what it was about). `fn` receives the clients.
   */
  async run<T>(ctx: Omit<AzureErrorContext, 'provider'>, signal: AbortSignal | undefined, fn: (clients: AzureClients) => Promise<T>): Promise<T> {
    throwIfAborted(signal);
    const clients = await this.clients();
    return this.tracker.run(
      () => fn(clients),
      (error, facts) => {
        if (signal?.aborted) return signal.reason ?? error;
        return toNovacronError(error, { ...ctx, provider: this.options.providerName }, facts);
      },
    );
  }
}
