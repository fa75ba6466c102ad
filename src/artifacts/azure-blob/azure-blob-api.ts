/**
 * The Azure Blob store's only door to `@azure/storage-blob`: the SDK module loaded with dynamic
 * `import()` on first use (importing this file loads nothing), and one `ContainerClient` built
 * from a connection string, or an account URL and a credential (a `StorageSharedKeyCredential`
 * or any `TokenCredential`; `DefaultAzureCredential` from `@azure/identity` when neither is
 * given). A missing package is a `ProviderUnavailableError` that says what to install.
 *
 * Bounded time: the SDK's retry policy gets `tryTimeoutInMs` (one attempt's limit) and
 * `maxTries`; the store adds a deadline of its own around each call (`call-deadline.ts`).
 */
import type { BlobServiceClient, ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type * as BlobSdk from '@azure/storage-blob';
import type { AzureTokenCredential } from '../../providers/azure/azure-api.js';
import { ProviderUnavailableError } from '../../provider/errors.js';

/** The `@azure/storage-blob` module. */
export type BlobModule = typeof BlobSdk;

/** How the store reaches its container. */
export interface BlobApiOptions {
  /** Store name, for errors. */
  readonly store: string;
  /** Account URL (`https://account.blob.core.windows.net`, or Azurite's `http://127.0.0.1:10000/devstoreaccount1`). */
  readonly accountUrl?: string | undefined;
  /** Connection string (account key or SAS inside); wins over `accountUrl`. */
  readonly connectionString?: string | undefined;
  /** Container name. */
  readonly container: string;
  /** Credential for `accountUrl`. */
  readonly credential?: AzureTokenCredential | StorageSharedKeyCredential | undefined;
  /** A ready container client (then nothing else is built). */
  readonly containerClient?: ContainerClient | undefined;
  /** Retries of one HTTP call (default 3). */
  readonly maxRetries?: number | undefined;
  /** Longest time one HTTP attempt may take, ms. */
  readonly tryTimeoutMs: number;
}

/** What the store calls through. */
export interface BlobClients {
  /** The SDK module (for `BlobSASPermissions`, `generateBlobSASQueryParameters`, ...). */
  readonly sdk: BlobModule;
  /** The service client (user delegation keys). */
  readonly service: BlobServiceClient;
  /** The container client. */
  readonly container: ContainerClient;
}

/** Lazily built Blob clients. */
export class BlobApi {
  private clientsPromise: Promise<BlobClients> | undefined;

  /** Keeps the options; nothing is loaded yet. */
  constructor(private readonly options: BlobApiOptions) {}

  /** The clients, built on first use. */
  clients(): Promise<BlobClients> {
    this.clientsPromise ??= this.build().catch((error: unknown) => {
      this.clientsPromise = undefined;
      throw error;
    });
    return this.clientsPromise;
  }

  private async build(): Promise<BlobClients> {
    const o = this.options;
    const sdk = await import('@azure/storage-blob').catch(() => undefined);
    if (!sdk) {
      throw new ProviderUnavailableError({
        provider: o.store,
        message: 'cannot load @azure/storage-blob; install it (npm i @azure/storage-blob) to use the Azure Blob artifact store',
        retryable: false,
        requestSent: false,
      });
    }
    if (o.containerClient) {
      const service = new sdk.BlobServiceClient(o.containerClient.url.replace(/\/[^/]*\/?$/, ''), o.containerClient.credential);
      return { sdk, service, container: o.containerClient };
    }
    const pipeline = {
      retryOptions: { maxTries: (o.maxRetries ?? 3) + 1, tryTimeoutInMs: o.tryTimeoutMs, retryDelayInMs: 500, maxRetryDelayInMs: 10_000 },
      userAgentOptions: { userAgentPrefix: 'novacron' },
    };
    let service: BlobServiceClient;
    if (o.connectionString !== undefined) service = sdk.BlobServiceClient.fromConnectionString(o.connectionString, pipeline);
    else if (o.accountUrl !== undefined) service = new sdk.BlobServiceClient(o.accountUrl.replace(/\/$/, ''), o.credential ?? (await defaultCredential(o.store)), pipeline);
    else throw new ProviderUnavailableError({ provider: o.store, message: 'no accountUrl or connectionString given', retryable: false, requestSent: false });
    return { sdk, service, container: service.getContainerClient(o.container) };
  }
}

async function defaultCredential(store: string): Promise<AzureTokenCredential> {
  const identity = await import('@azure/identity').catch(() => undefined);
  if (!identity) {
    throw new ProviderUnavailableError({
      provider: store,
      message: 'no credential given and cannot load @azure/identity for DefaultAzureCredential; pass a credential or install it (npm i @azure/identity)',
      retryable: false,
      requestSent: false,
    });
  }
  return new identity.DefaultAzureCredential();
}
