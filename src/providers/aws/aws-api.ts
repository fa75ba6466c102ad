/**
 * The adapter's only door to AWS: lazily loaded SDK modules, one EC2 client per region, one
 * Price List client, and a `run` wrapper that passes the caller's signal and maps every
 * failure onto the novacron taxonomy. Importing this file loads no SDK: the modules are
 * `import()`ed on the first call (measured cold import of @aws-sdk/client-ec2: ~0.8 s).
 *
 * Every HTTP attempt is bounded in time (invariant: no cloud call is awaited forever). The
 * clients get their timeouts as `requestHandler` options, from which the SDK builds its own
 * `NodeHttpHandler` (@smithy/node-http-handler): no handler module is imported here, so the
 * adapter needs no package beyond the SDK client itself and the root import stays light.
 */
import type { EC2Client, EC2ClientConfig } from '@aws-sdk/client-ec2';
import type * as Ec2Sdk from '@aws-sdk/client-ec2';
import type { PricingClient } from '@aws-sdk/client-pricing';
import type * as PricingSdk from '@aws-sdk/client-pricing';
import { throwIfAborted } from '../../provider/abort.js';
import { ProviderUnavailableError } from '../../provider/errors.js';
import { toNovacronError, type AwsErrorContext } from './error-mapping.js';
import { trackAttempts } from './attempt-tracking.js';
import { createSdkRetryStrategy } from './sdk-retry-strategy.js';

/** The `@aws-sdk/client-ec2` module. */
export type Ec2Module = typeof Ec2Sdk;
/** The `@aws-sdk/client-pricing` module. */
export type PricingModule = typeof PricingSdk;

/** How the adapter reaches AWS. */
export interface AwsApiOptions {
  /** Provider name, for errors. */
  readonly providerName: string;
  /** Default region (and the region of an injected `ec2Client`). */
  readonly region: string;
  /** Credentials or a credential provider; the SDK's default chain when absent. */
  readonly credentials?: EC2ClientConfig['credentials'] | undefined;
  /** EC2 endpoint override (e.g. an emulator or a VPC endpoint). */
  readonly endpoint?: string | undefined;
  /** Price List endpoint override. */
  readonly pricingEndpoint?: string | undefined;
  /** Price List region (the API is served from us-east-1, eu-central-1 and ap-south-1). */
  readonly pricingRegion?: string | undefined;
  /** A ready EC2 client for the default region. */
  readonly ec2Client?: EC2Client | undefined;
  /** A ready Price List client. */
  readonly pricingClient?: PricingClient | undefined;
  /** SDK attempts per call, the first included. */
  readonly maxAttempts?: number | undefined;
  /** SDK retry backoff base in milliseconds. */
  readonly retryBaseDelayMs?: number | undefined;
  /** Longest time one HTTP attempt may take, connection included, in milliseconds (default 30,000). */
  readonly requestTimeoutMs?: number | undefined;
  /** Longest time to establish the TCP (and TLS) connection of an attempt, in milliseconds (default 5,000). */
  readonly connectionTimeoutMs?: number | undefined;
}

/** Default bound of one HTTP attempt: EC2 answers in well under a second; 30 s is a stuck server. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Default bound of connection set-up. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;

/**
 * What the SDK's `NodeHttpHandler` is built from. `throwOnRequestTimeout` makes the request
 * timeout a rejection (newer handlers only warn without it); older handlers, which read
 * `requestTimeout` as a socket inactivity timeout, reject as well.
 */
interface RequestHandlerOptions {
  readonly requestTimeout: number;
  readonly connectionTimeout: number;
  readonly throwOnRequestTimeout: true;
}

/** Lazily built AWS clients with error mapping. */
export class AwsApi {
  private ec2ModulePromise: Promise<Ec2Module> | undefined;
  private pricingModulePromise: Promise<PricingModule> | undefined;
  private readonly ec2Clients = new Map<string, Promise<EC2Client>>();
  private pricingClientPromise: Promise<PricingClient> | undefined;
  private readonly retryStrategy;
  private readonly maxAttempts: number;
  private readonly requestHandler: RequestHandlerOptions;

  /** Keeps the options; nothing is loaded yet. */
  constructor(private readonly options: AwsApiOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.requestHandler = {
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    };
    this.retryStrategy = createSdkRetryStrategy({ maxAttempts: this.maxAttempts, baseDelayMs: options.retryBaseDelayMs });
    if (options.ec2Client) this.ec2Clients.set(options.region, Promise.resolve(trackAttempts(options.ec2Client)));
  }

  /** The EC2 SDK module, imported on first use. */
  ec2Module(): Promise<Ec2Module> {
    this.ec2ModulePromise ??= import('@aws-sdk/client-ec2').catch(async (error: unknown) => {
      this.ec2ModulePromise = undefined;
      // Name every missing package at once, not one per run.
      const pricingMissing = this.options.pricingClient === undefined && !(await import('@aws-sdk/client-pricing').then(() => true, () => false));
      const missing = ['@aws-sdk/client-ec2', ...(pricingMissing ? ['@aws-sdk/client-pricing'] : [])];
      throw new ProviderUnavailableError({
        provider: this.options.providerName,
        message: `cannot load ${missing.join(' and ')}; install ${missing.length > 1 ? 'them' : 'it'} (npm i ${missing.join(' ')}) to use novacron/aws${pricingMissing ? ' (without @aws-sdk/client-pricing, list prices come from the bundled snapshot)' : ''}`,
        cause: error,
        retryable: false,
      });
    });
    return this.ec2ModulePromise;
  }

  private pricingModule(): Promise<PricingModule> {
    this.pricingModulePromise ??= import('@aws-sdk/client-pricing').catch((error: unknown) => {
      this.pricingModulePromise = undefined;
      throw new ProviderUnavailableError({
        provider: this.options.providerName,
        message: 'cannot load @aws-sdk/client-pricing; install it (npm i @aws-sdk/client-pricing) for live AWS list prices (the bundled snapshot is used meanwhile)',
        cause: error,
        retryable: false,
      });
    });
    return this.pricingModulePromise;
  }

  /** The EC2 client of a region. */
  ec2(region: string): Promise<EC2Client> {
    let client = this.ec2Clients.get(region);
    if (!client) {
      client = this.ec2Module().then((m) =>
        trackAttempts(
          new m.EC2Client({
            region,
            ...(this.options.credentials !== undefined ? { credentials: this.options.credentials } : {}),
            ...(this.options.endpoint !== undefined ? { endpoint: this.options.endpoint } : {}),
            maxAttempts: this.maxAttempts,
            retryStrategy: this.retryStrategy,
            requestHandler: this.requestHandler,
          }),
        ),
      );
      this.ec2Clients.set(region, client);
    }
    return client;
  }

  /** The Price List client. */
  pricing(): Promise<PricingClient> {
    this.pricingClientPromise ??=
      this.options.pricingClient !== undefined
        ? Promise.resolve(trackAttempts(this.options.pricingClient))
        : this.pricingModule().then((m) =>
            trackAttempts(
              new m.PricingClient({
                region: this.options.pricingRegion ?? 'us-east-1',
                ...(this.options.credentials !== undefined ? { credentials: this.options.credentials } : {}),
                ...(this.options.pricingEndpoint !== undefined ? { endpoint: this.options.pricingEndpoint } : {}),
                // Prices are optional (the catalog falls back to the snapshot): one retry, not a storm.
                maxAttempts: Math.min(this.maxAttempts, 2),
                retryStrategy: this.retryStrategy,
                requestHandler: this.requestHandler,
              }),
            ),
          );
    return this.pricingClientPromise;
  }

  /**
   * Runs one EC2 call in `region`: aborts with the caller's signal, maps failures. `fn`
   * receives the client and the SDK module to build its command.
   */
  async run<T>(
    region: string,
    ctx: Omit<AwsErrorContext, 'provider' | 'region'>,
    signal: AbortSignal | undefined,
    fn: (client: EC2Client, sdk: Ec2Module) => Promise<T>,
  ): Promise<T> {
    throwIfAborted(signal);
    const [client, sdk] = await Promise.all([this.ec2(region), this.ec2Module()]);
    try {
      return await fn(client, sdk);
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      throw toNovacronError(error, { ...ctx, provider: this.options.providerName, region });
    }
  }

  /** Runs one Price List call, like {@link run}. */
  async runPricing<T>(ctx: Omit<AwsErrorContext, 'provider'>, signal: AbortSignal | undefined, fn: (client: PricingClient, sdk: PricingModule) => Promise<T>): Promise<T> {
    throwIfAborted(signal);
    const [client, sdk] = await Promise.all([this.pricing(), this.pricingModule()]);
    try {
      return await fn(client, sdk);
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      throw toNovacronError(error, { ...ctx, provider: this.options.providerName });
    }
  }
}
