/**
 * The Cloud Storage store's only door to `@google-cloud/storage`: the module loaded with dynamic
 * `import()` on first use (importing this file loads nothing), one `Storage` client for requests,
 * and the one that signs URLs. A service-account key (`credentials`) both authenticates and
 * signs (V4 signing is local with the key: google-auth-library's `GoogleAuth.sign` signs with a
 * JWT client's key and needs no IAM call). With an `authClient` the requests go through it and
 * signing needs `credentials` beside it. A missing package is a `ProviderUnavailableError` that
 * says what to install.
 */
import type { Bucket, Storage, StorageOptions } from '@google-cloud/storage';
import type * as StorageSdk from '@google-cloud/storage';
import { ProviderUnavailableError } from '../../provider/errors.js';

/** The `@google-cloud/storage` module. */
export type StorageModule = typeof StorageSdk;

/** A service account key file's fields (the ones V4 signing and token requests read). */
export interface GcsServiceAccountKey {
  /** The account's email. */
  readonly client_email: string;
  /** The RSA private key, PEM. */
  readonly private_key: string;
  /** Project id. */
  readonly project_id?: string | undefined;
  /** Key id. */
  readonly private_key_id?: string | undefined;
  /** `service_account`. */
  readonly type?: string | undefined;
}

/**
 * Any auth client the store can send requests with: google-auth-library's (`GoogleAuth`,
 * `OAuth2Client`, `JWT`, ...), or one of one's own (an emulator's) with the two doors the library
 * and the resumable protocol use: request headers, and a gaxios-style `request`.
 */
export type GcsAuthClient =
  | NonNullable<StorageOptions['authClient']>
  | {
      /** The headers that authenticate a request (`authorization`). */
      getRequestHeaders(url?: string): Promise<Headers>;
      /** A gaxios-style request (options and response as gaxios has them). */
      request(options: never): Promise<unknown>;
    };

/** How the store reaches Cloud Storage. */
export interface GcsApiOptions {
  /** Store name, for errors. */
  readonly store: string;
  /** Project id. */
  readonly projectId?: string | undefined;
  /** API endpoint (default `https://storage.googleapis.com`). */
  readonly apiEndpoint?: string | undefined;
  /** Service account key: authenticates (when no `authClient`) and signs URLs. */
  readonly credentials?: GcsServiceAccountKey | undefined;
  /** An auth client (google-auth-library's, or an emulator's) for requests. */
  readonly authClient?: GcsAuthClient | undefined;
  /** A ready `Storage` client for requests. */
  readonly storage?: Storage | undefined;
  /** Retries of one library call on 429, 5xx and network errors (default 3). */
  readonly maxRetries?: number | undefined;
  /** Longest time the library spends on one call with its retries, ms. */
  readonly totalTimeoutMs: number;
}

/** What the store calls through. */
export interface GcsClients {
  /** The SDK module. */
  readonly sdk: StorageModule;
  /** The client for requests. */
  readonly storage: Storage;
  /** The client that signs URLs, when the store can sign. */
  readonly signer: Storage | undefined;
}

/** Lazily built Cloud Storage clients. */
export class GcsApi {
  private clientsPromise: Promise<GcsClients> | undefined;

  /** Keeps the options; nothing is loaded yet. */
  constructor(private readonly options: GcsApiOptions) {}

  /** The clients, built on first use. */
  clients(): Promise<GcsClients> {
    this.clientsPromise ??= this.build().catch((error: unknown) => {
      this.clientsPromise = undefined;
      throw error;
    });
    return this.clientsPromise;
  }

  /** The bucket handle of `name` on the request client. */
  async bucket(name: string): Promise<Bucket> {
    return (await this.clients()).storage.bucket(name);
  }

  private async build(): Promise<GcsClients> {
    const o = this.options;
    const sdk = await import('@google-cloud/storage').catch(() => undefined);
    if (!sdk) {
      throw new ProviderUnavailableError({
        provider: o.store,
        message: 'cannot load @google-cloud/storage; install it (npm i @google-cloud/storage) to use the Cloud Storage artifact store',
        retryable: false,
        requestSent: false,
      });
    }
    const common: StorageOptions = {
      ...(o.projectId !== undefined ? { projectId: o.projectId } : {}),
      ...(o.apiEndpoint !== undefined ? { apiEndpoint: o.apiEndpoint.replace(/\/$/, ''), useAuthWithCustomEndpoint: true } : {}),
      // The library reads `maxRetries: 0` as "the default" (storage.js 8.4): no retries is `autoRetry: false`.
      retryOptions: { autoRetry: (o.maxRetries ?? 3) > 0, maxRetries: Math.max(1, o.maxRetries ?? 3), totalTimeout: Math.ceil(o.totalTimeoutMs / 1000), maxRetryDelay: 10, retryDelayMultiplier: 2 },
    };
    const signer = o.credentials ? new sdk.Storage({ ...common, credentials: { ...o.credentials } }) : undefined;
    const storage = o.storage ?? (o.authClient ? new sdk.Storage({ ...common, authClient: o.authClient as StorageOptions['authClient'] }) : (signer ?? new sdk.Storage(common)));
    return { sdk, storage, signer: signer ?? (o.authClient === undefined && o.storage === undefined ? storage : undefined) };
  }
}
