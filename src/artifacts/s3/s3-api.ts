/**
 * The S3 store's only door to AWS: `@aws-sdk/client-s3` and `@aws-sdk/s3-request-presigner`,
 * `import()`ed on first use (the root import loads neither), one client with bounded timeouts and the shared AWS retry
 * strategy, and a `run` wrapper that passes the caller's signal and maps every failure. An
 * injected client is used as it is; the client package is still imported for its commands.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type * as PresignerSdk from '@aws-sdk/s3-request-presigner';
import { throwIfAborted } from '../../provider/abort.js';
import type { CloudCallContext } from '../../provider/call-context.js';
import { isAbortError, ProviderUnavailableError } from '../../provider/errors.js';
import { createSdkRetryStrategy } from '../../providers/aws/sdk-retry-strategy.js';
import { toS3StoreError } from './s3-error-mapping.js';

/** The `@aws-sdk/client-s3` module. */
export type S3Module = typeof S3Sdk;
/** The `@aws-sdk/s3-request-presigner` module. */
export type PresignerModule = typeof PresignerSdk;

/** How the store reaches S3. */
export interface S3ApiOptions {
  /** Store name, for errors. */
  readonly storeName: string;
  /** Region. */
  readonly region: string;
  /** Endpoint override (an S3-compatible store, an emulator, a VPC endpoint). */
  readonly endpoint?: string | undefined;
  /** Path-style addressing. */
  readonly forcePathStyle?: boolean | undefined;
  /** Credentials or a credential provider; the SDK's default chain when absent. */
  readonly credentials?: S3ClientConfig['credentials'] | undefined;
  /** A ready client; then no client package is loaded for calls (the presigner still is). */
  readonly client?: S3Client | undefined;
  /** Further client options. */
  readonly clientOptions?: Partial<S3ClientConfig> | undefined;
  /** SDK attempts per call, the first included (default 4). */
  readonly maxAttempts?: number | undefined;
  /** SDK retry backoff base in milliseconds (default 100). */
  readonly retryBaseDelayMs?: number | undefined;
  /** Longest time one HTTP attempt may sit idle, in milliseconds (default 60,000). */
  readonly requestTimeoutMs?: number | undefined;
  /** Longest time to connect, in milliseconds (default 5,000). */
  readonly connectionTimeoutMs?: number | undefined;
}

/** Lazily built S3 client with error mapping. */
export class S3Api {
  private modulePromise: Promise<S3Module> | undefined;
  private presignerPromise: Promise<PresignerModule> | undefined;
  private clientPromise: Promise<S3Client> | undefined;

  /** Keeps the options; nothing is loaded yet. */
  constructor(private readonly options: S3ApiOptions) {
    if (options.client) this.clientPromise = Promise.resolve(options.client);
  }

  private missing(name: string, error: unknown): ProviderUnavailableError {
    return new ProviderUnavailableError({ provider: this.options.storeName, message: `cannot load ${name}; install it (npm i ${name}) to use the S3 artifact store`, cause: error, retryable: false, requestSent: false });
  }

  /** The client module, imported on first use. */
  module(): Promise<S3Module> {
    this.modulePromise ??= import('@aws-sdk/client-s3').catch((error: unknown) => {
      this.modulePromise = undefined;
      throw this.missing('@aws-sdk/client-s3', error);
    });
    return this.modulePromise;
  }

  /** The presigner module, imported on first use. */
  presigner(): Promise<PresignerModule> {
    this.presignerPromise ??= import('@aws-sdk/s3-request-presigner').catch((error: unknown) => {
      this.presignerPromise = undefined;
      throw this.missing('@aws-sdk/s3-request-presigner', error);
    });
    return this.presignerPromise;
  }

  /** The client. */
  client(): Promise<S3Client> {
    this.clientPromise ??= this.module().then(
      (m) =>
        new m.S3Client({
          region: this.options.region,
          ...(this.options.endpoint !== undefined ? { endpoint: this.options.endpoint } : {}),
          ...(this.options.forcePathStyle !== undefined ? { forcePathStyle: this.options.forcePathStyle } : {}),
          ...(this.options.credentials !== undefined ? { credentials: this.options.credentials } : {}),
          maxAttempts: this.options.maxAttempts ?? 4,
          retryStrategy: createSdkRetryStrategy({ maxAttempts: this.options.maxAttempts ?? 4, baseDelayMs: this.options.retryBaseDelayMs }),
          requestHandler: { requestTimeout: this.options.requestTimeoutMs ?? 60_000, connectionTimeout: this.options.connectionTimeoutMs ?? 5_000, throwOnRequestTimeout: true },
          ...this.options.clientOptions,
        }),
    );
    return this.clientPromise;
  }

  /** Runs one S3 call: aborts with the caller's signal, maps failures. */
  async run<T>(ctx: Omit<CloudCallContext, 'provider'>, signal: AbortSignal | undefined, fn: (client: S3Client, sdk: S3Module) => Promise<T>): Promise<T> {
    throwIfAborted(signal);
    const client = await this.client();
    const sdk = await this.module();
    try {
      return await fn(client, sdk);
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (isAbortError(error)) throw error;
      throw toS3StoreError(error, { ...ctx, provider: this.options.storeName, region: this.options.region });
    }
  }
}
