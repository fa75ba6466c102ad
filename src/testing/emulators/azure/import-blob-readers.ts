/**
 * How the emulated disk RP reads the blob a disk `Import` names. Azure's disk RP reads a blob of
 * a storage account with its own access to that account; the emulator is told how, per linked
 * account (`ArmEmulatorOptions.storageAccounts`): with the account's key (Shared Key, through the
 * real `@azure/storage-blob`, loaded on first use), or with a reader of the host's own. A blob
 * of no linked account is read as its URL stands (a SAS URL, a public container) over plain
 * http/https, trusting the emulator's CA beside the system's.
 *
 * Every read has a bounded time: the answer must begin, and each chunk arrive, within
 * `idleTimeoutMs` (default 30 s), besides the request's own signal.
 */
import type { IncomingMessage } from 'node:http';
import type * as StorageBlob from '@azure/storage-blob';

/** What the emulator needs to know of a blob before it reads it. */
export interface ImportBlobProperties {
  /** Length of the blob, bytes. */
  readonly sizeBytes: number;
  /** `PageBlob`, `BlockBlob`, `AppendBlob` (`x-ms-blob-type`); `undefined` when the server does not say. */
  readonly blobType: string | undefined;
}

/** Reads blobs for disk imports. */
export interface ImportBlobReader {
  /** The blob's length and type; `undefined` when it does not exist or cannot be read. */
  properties(url: string, signal: AbortSignal): Promise<ImportBlobProperties | undefined>;
  /** Streams bytes `start..end` (inclusive) of the blob. */
  read(url: string, range: { readonly start: number; readonly end: number }, signal: AbortSignal): AsyncIterable<Uint8Array>;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** Reads a blob by its URL alone (a SAS URL, a public blob), over http or https. */
export class UrlBlobReader implements ImportBlobReader {
  /** A reader that trusts `ca` (PEM) besides the system's CAs. */
  constructor(
    private readonly ca: () => string | undefined,
    private readonly idleTimeoutMs: number = DEFAULT_IDLE_TIMEOUT_MS,
  ) {}

  /** HEAD of the blob. */
  async properties(url: string, signal: AbortSignal): Promise<ImportBlobProperties | undefined> {
    let res: IncomingMessage;
    try {
      res = await this.request(url, 'HEAD', {}, signal);
    } catch {
      return undefined;
    }
    res.resume();
    const size = Number(res.headers['content-length'] ?? NaN);
    if ((res.statusCode ?? 500) >= 300 || !Number.isSafeInteger(size)) return undefined;
    const type = res.headers['x-ms-blob-type'];
    return { sizeBytes: size, blobType: typeof type === 'string' ? type : undefined };
  }

  /** Ranged GET of the blob. */
  async *read(url: string, range: { readonly start: number; readonly end: number }, signal: AbortSignal): AsyncIterable<Uint8Array> {
    const res = await this.request(url, 'GET', { range: `bytes=${range.start}-${range.end}` }, signal);
    if (res.statusCode !== 206 && !(res.statusCode === 200 && range.start === 0)) {
      res.resume();
      throw new Error(`[novacron] [arm-emulator] reading the import blob answered HTTP ${res.statusCode}`);
    }
    yield* res as AsyncIterable<Uint8Array>;
  }

  private async request(url: string, method: string, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    const { request } = https ? await import('node:https') : await import('node:http');
    const ca = this.ca();
    const { rootCertificates } = await import('node:tls');
    return new Promise((resolve, reject) => {
      const req = request(target, { method, headers, signal, ...(https && ca ? { ca: [...rootCertificates, ca] } : {}) }, resolve);
      req.setTimeout(this.idleTimeoutMs, () => req.destroy(new Error(`[novacron] [arm-emulator] the import blob did not answer within ${this.idleTimeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }
}

/** Reads the blobs of one storage account with its key (Shared Key), through `@azure/storage-blob`. */
export class SharedKeyBlobReader implements ImportBlobReader {
  private credential: Promise<{ sdk: typeof StorageBlob; credential: StorageBlob.StorageSharedKeyCredential }> | undefined;

  /** A reader for account `accountName` with `accountKey`. */
  constructor(
    private readonly accountName: string,
    private readonly accountKey: string,
    private readonly idleTimeoutMs: number = DEFAULT_IDLE_TIMEOUT_MS,
  ) {}

  /** Get Blob Properties. */
  async properties(url: string, signal: AbortSignal): Promise<ImportBlobProperties | undefined> {
    const blob = await this.blob(url);
    try {
      const props = await blob.getProperties({ abortSignal: AbortSignal.any([signal, AbortSignal.timeout(this.idleTimeoutMs)]) });
      return { sizeBytes: props.contentLength ?? 0, blobType: props.blobType };
    } catch {
      return undefined;
    }
  }

  /** Get Blob with a range. */
  async *read(url: string, range: { readonly start: number; readonly end: number }, signal: AbortSignal): AsyncIterable<Uint8Array> {
    const blob = await this.blob(url);
    const response = await blob.download(range.start, range.end - range.start + 1, { abortSignal: signal, maxRetryRequests: 3 });
    const body = response.readableStreamBody;
    if (!body) throw new Error('[novacron] [arm-emulator] the import blob answered without a body');
    yield* body as AsyncIterable<Uint8Array>;
  }

  private async blob(url: string): Promise<StorageBlob.BlobClient> {
    this.credential ??= import('@azure/storage-blob').then((sdk) => ({ sdk, credential: new sdk.StorageSharedKeyCredential(this.accountName, this.accountKey) }));
    const { sdk, credential } = await this.credential;
    // No per-try timeout: it would cut a long download short; the calls carry their own signals.
    return new sdk.BlobClient(url, credential, { retryOptions: { maxTries: 2 } });
  }
}
