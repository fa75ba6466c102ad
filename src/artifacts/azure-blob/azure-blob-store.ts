/**
 * An {@link ArtifactStore} over Azure Blob Storage (`@azure/storage-blob`, loaded on first use).
 *
 * Two kinds of blob, as Azure's importers want them: **page blobs** for VHDs (a managed disk is
 * imported only from a fixed VHD in a page blob), **block blobs** for everything else.
 * - Block blobs: each part is a `Put Block` with a block id derived from its part number (so a
 *   resumed write in a new process re-derives the ids), committed with `Put Block List`, which
 *   also sets the metadata (`novacron-sha256`) and Content-MD5 in the same call. Resume reads the
 *   uncommitted block list and checks the session's parts are there.
 * - Page blobs: created at their full size up front (`capabilities.needsSize`; without a size the
 *   blob is grown with `Set Blob Properties` before each part, one call more per part), written in pages
 *   of at most 4 MiB at 512-byte aligned offsets (all-zero parts are skipped: a new page blob
 *   reads as zeros, which keeps sparse disks cheap); a size that is not a multiple of 512 is held
 *   zero-padded with its true size recorded (`novacron-size`) and reads are cut to it. Until its
 *   commit the blob carries an upload marker and reads as no object; the commit sets the metadata
 *   (`Set Blob Metadata`) and Content-MD5 (`Set Blob Properties`) once the pages are written.
 *   Resume checks the blob still exists at its size with the marker and continues from the
 *   session's committed offset.
 *
 * `presignRead` makes a read-only SAS: signed with the account key when the store has one, or
 * with a user delegation key when it has a token credential. The SAS is returned, never logged,
 * and no error carries a URL. Every call has a deadline besides the caller's signal.
 */
import type { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type {
  ArtifactObject,
  ArtifactPresignOptions,
  ArtifactReadOptions,
  ArtifactStore,
  ArtifactStoreCapabilities,
  ArtifactWriteOptions,
  UploadSession,
} from '../../provider/artifact-store.js';
import { InvalidSpecError, NotFoundError, UnsupportedError } from '../../provider/errors.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import type { AzureTokenCredential } from '../../providers/azure/azure-api.js';
import { throwIfAborted } from '../../provider/abort.js';
import { CallDeadline, runWithDeadline } from '../call-deadline.js';
import { emptyStream } from '../read-streams.js';
import { assertArtifactKey, assertResumable, resolveRange } from '../write-rules.js';
import { BlobApi, type BlobClients } from './azure-blob-api.js';
import { toBlobStoreError, type BlobErrorContext } from './blob-error-mapping.js';
import { decodeMetadata, SHA256_KEY, UPLOAD_MARKER } from './blob-metadata.js';
import { writeBlockBlob } from './block-blob-upload.js';
import { PAGE_SIZE_KEY, writePageBlob } from './page-blob-upload.js';

/** Options of {@link createAzureBlobArtifactStore}. */
export interface AzureBlobArtifactStoreOptions {
  /** Store name (default `azure-blob`). */
  readonly name?: string | undefined;
  /** Account URL: `https://<account>.blob.core.windows.net`, or Azurite's `http://127.0.0.1:<port>/devstoreaccount1`. */
  readonly accountUrl?: string | undefined;
  /** Connection string (with an account key or a SAS); instead of `accountUrl` and `credential`. */
  readonly connectionString?: string | undefined;
  /** Container the objects live in. */
  readonly container: string;
  /** Prefix of every blob name (keys are relative to it), e.g. `images/`. */
  readonly prefix?: string | undefined;
  /** Credential for `accountUrl`: a `StorageSharedKeyCredential`, or any `TokenCredential` (`DefaultAzureCredential` when absent). */
  readonly credential?: AzureTokenCredential | StorageSharedKeyCredential | undefined;
  /** `page` for VHDs (Azure imports managed disks from page blobs only), `block` for the rest (default `block`). */
  readonly blobType?: 'block' | 'page' | undefined;
  /** Default part size: block blobs 8 MiB; page blobs 4 MiB (at most 4 MiB, a multiple of 512). */
  readonly partSizeBytes?: number | undefined;
  /** Deadline of one call (one part, one head...), ms (default 60,000). */
  readonly requestTimeoutMs?: number | undefined;
  /** Retries of one HTTP call by the SDK's retry policy, on 429, 503 ServerBusy, 5xx and network errors (default 3). */
  readonly maxRetries?: number | undefined;
  /** Objects per listing page (default 1000, Azure's largest). */
  readonly listPageSize?: number | undefined;
  /** A ready `ContainerClient` (its credential is used as it is). */
  readonly containerClient?: ContainerClient | undefined;
}

const MiB = 1024 * 1024;
/** Azure's largest block (Put Block, service version 2019-12-12 on): 4000 MiB. */
const MAX_BLOCK_BYTES = 4000 * MiB;
/** Azure's largest Put Page: 4 MiB. */
const MAX_PAGE_WRITE_BYTES = 4 * MiB;
const DEFAULT_TIMEOUT_MS = 60_000;
const LIST_PAGE_SIZE = 1000;

/** A Blob Storage artifact store. Create one with {@link createAzureBlobArtifactStore}. */
export class AzureBlobArtifactStore implements ArtifactStore {
  /** Specification version implemented. */
  readonly specVersion = 1 as const;
  /** `azure-blob`. */
  readonly kind = 'azure-blob';
  /** Store name. */
  readonly name: string;
  /** What it can do. */
  readonly capabilities: ArtifactStoreCapabilities;
  /** `block` or `page`. */
  readonly blobType: 'block' | 'page';
  private readonly api: BlobApi;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly defaultPartBytes: number;
  private readonly containerUrl: string;

  /** Builds the store; nothing is loaded or sent yet. */
  constructor(private readonly options: AzureBlobArtifactStoreOptions) {
    this.name = options.name ?? 'azure-blob';
    this.blobType = options.blobType ?? 'block';
    this.prefix = options.prefix ?? '';
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const page = this.blobType === 'page';
    this.capabilities = {
      presignedRead: true,
      minPartBytes: page ? 512 : 64 * 1024,
      maxPartBytes: page ? MAX_PAGE_WRITE_BYTES : MAX_BLOCK_BYTES,
      resumableUpload: true,
      needsSize: page,
    };
    this.defaultPartBytes = options.partSizeBytes ?? (page ? MAX_PAGE_WRITE_BYTES : 8 * MiB);
    this.checkPartSize(this.defaultPartBytes, 'partSizeBytes');
    this.containerUrl = containerUrlOf(options);
    this.api = new BlobApi({ store: this.name, ...options, tryTimeoutMs: this.timeoutMs });
  }

  /** `https://<account>.blob.core.windows.net/<container>/<prefix><key>` (each path segment URL-encoded). */
  locationOf(key: string): string {
    return `${this.containerUrl}/${encodePath(this.prefix + key)}`;
  }

  /** The key of a location in this container under this store's prefix, else `undefined`. */
  keyOf(location: string): string | undefined {
    const base = `${this.containerUrl}/`;
    if (!location.startsWith(base)) return undefined;
    let name: string;
    try {
      name = decodeURIComponent(location.slice(base.length).split('?')[0]!);
    } catch {
      return undefined;
    }
    return name.startsWith(this.prefix) ? name.slice(this.prefix.length) : undefined;
  }

  /** The object, or `undefined` (an unfinished page blob is none). */
  async head(key: string, options: CallOptions = {}): Promise<ArtifactObject | undefined> {
    assertArtifactKey(this, key);
    try {
      return await this.run({ operation: 'head', key }, options.signal, async ({ container }, signal) => {
        const props = await container.getBlobClient(this.prefix + key).getProperties({ abortSignal: signal });
        return this.toObject(key, props);
      });
    } catch (error) {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** Streams the object (or `start..end`, inclusive). */
  async openRead(key: string, options: ArtifactReadOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    assertArtifactKey(this, key);
    const object = await this.head(key, options);
    if (!object) throw new NotFoundError({ provider: this.name, message: `openRead of ${key}: no such object in container ${this.options.container}`, resourceType: 'blob', resourceId: key });
    const range = resolveRange(this, object.sizeBytes, options) ?? { start: 0, end: object.sizeBytes - 1 };
    if (object.sizeBytes === 0) return emptyStream();
    const { start } = range;
    const count = range.end - start + 1;
    const { container } = await this.api.clients();
    const deadline = new CallDeadline(options.signal, this.timeoutMs);
    const context = { store: this.name, operation: 'openRead', key };
    try {
      const response = await container.getBlobClient(this.prefix + key).download(start, count, { abortSignal: deadline.signal, maxRetryRequests: 3 });
      deadline.release();
      const body = response.readableStreamBody;
      if (!body) throw new Error('download answered without a body');
      return mapStreamErrors(body as AsyncIterable<Uint8Array>, options.signal, (error) => deadline.cutShort(error, context) ?? toBlobStoreError(error, this.errorContext('openRead', key)), () => deadline.dispose());
    } catch (error) {
      deadline.dispose();
      throw deadline.cutShort(error, context) ?? toBlobStoreError(error, this.errorContext('openRead', key));
    }
  }

  /** Writes `body` to `key` as a block or page blob (see the file's header). */
  async write(key: string, body: AsyncIterable<Uint8Array>, options: ArtifactWriteOptions = {}): Promise<ArtifactObject> {
    assertArtifactKey(this, key);
    const resume = options.resume;
    if (resume) assertResumable(this, key, resume);
    const partSizeBytes = resume?.partSizeBytes ?? options.partSizeBytes ?? this.defaultPartBytes;
    this.checkPartSize(partSizeBytes, 'partSizeBytes');
    const { container, sdk } = await this.api.clients();
    const upload = {
      store: this.name,
      key,
      blobName: this.prefix + key,
      container,
      sdk,
      partSizeBytes,
      body,
      options,
      run: <T>(operation: string, signal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> =>
        this.run({ operation, key, mutating: true }, signal, (_clients, s) => fn(s)),
    };
    if (this.blobType === 'page') await writePageBlob(upload);
    else await writeBlockBlob(upload);
    const object = await this.head(key, options);
    if (!object) throw new NotFoundError({ provider: this.name, message: `write of ${key}: the blob is gone right after its commit`, resourceType: 'blob', resourceId: key });
    return object;
  }

  /** Removes an unfinished upload: the uncommitted blocks, or the unfinished page blob. */
  async abortUpload(session: UploadSession, options: CallOptions = {}): Promise<void> {
    assertArtifactKey(this, session.key);
    const blobName = this.prefix + session.key;
    await this.run({ operation: 'abortUpload', key: session.key, mutating: true }, options.signal, async ({ container }, signal) => {
      const blob = container.getBlobClient(blobName);
      if (this.blobType === 'page') {
        const props = await blob.getProperties({ abortSignal: signal }).catch((e: unknown) => (isStatus(e, 404) ? undefined : Promise.reject(e)));
        if (props && decodeMetadata(props.metadata)[UPLOAD_MARKER] !== undefined) await blob.deleteIfExists({ abortSignal: signal, conditions: { ifMatch: props.etag } });
        return;
      }
      // Uncommitted blocks of a blob that has never been committed go with an empty commit and a delete;
      // those staged over an existing blob cannot be removed alone and Azure drops them within a week.
      const block = container.getBlockBlobClient(blobName);
      try {
        await block.commitBlockList([], { abortSignal: signal, conditions: { ifNoneMatch: '*' } });
        await block.deleteIfExists({ abortSignal: signal });
      } catch (error) {
        if (!isStatus(error, 409) && !isStatus(error, 412)) throw error;
      }
    });
  }

  /** Deletes the object (and its snapshots); no-op when it is gone. */
  async delete(key: string, options: CallOptions = {}): Promise<void> {
    assertArtifactKey(this, key);
    await this.run({ operation: 'delete', key, mutating: true }, options.signal, async ({ container }, signal) => {
      await container.getBlobClient(this.prefix + key).deleteIfExists({ abortSignal: signal, deleteSnapshots: 'include' });
    });
  }

  /** Objects under `prefix`, a page of `listPageSize` (1000) at a time. */
  async *list(prefix = '', options: CallOptions = {}): AsyncIterable<ArtifactObject> {
    const { container } = await this.api.clients();
    let continuationToken: string | undefined;
    do {
      const page = await this.run({ operation: 'list' }, options.signal, async (_c, signal) => {
        const pages = container.listBlobsFlat({ prefix: this.prefix + prefix, includeMetadata: true, abortSignal: signal }).byPage({ maxPageSize: this.options.listPageSize ?? LIST_PAGE_SIZE, continuationToken });
        const next = await pages.next();
        return next.done ? undefined : next.value;
      });
      if (!page) return;
      for (const item of page.segment.blobItems) {
        const object = this.toObject(item.name.slice(this.prefix.length), { ...item.properties, metadata: item.metadata });
        if (object) yield object;
      }
      continuationToken = page.continuationToken || undefined;
    } while (continuationToken);
  }

  /** A read-only SAS URL, valid `expiresInSeconds` (default 3600). */
  async presignRead(key: string, options: ArtifactPresignOptions = {}): Promise<string> {
    assertArtifactKey(this, key);
    const expiresOn = new Date(Date.now() + (options.expiresInSeconds ?? 3600) * 1000);
    return this.run({ operation: 'presignRead', key }, options.signal, async ({ container, service, sdk }, signal) => {
      const blob = container.getBlobClient(this.prefix + key);
      const permissions = sdk.BlobSASPermissions.parse('r');
      if (blob.credential instanceof sdk.StorageSharedKeyCredential) return blob.generateSasUrl({ permissions, expiresOn });
      if (!(blob.credential instanceof sdk.AnonymousCredential)) {
        const startsOn = new Date(Date.now() - 5 * 60_000);
        const delegation = await service.getUserDelegationKey(startsOn, expiresOn, { abortSignal: signal });
        return blob.generateUserDelegationSasUrl({ permissions, startsOn, expiresOn }, delegation);
      }
      throw new UnsupportedError({ provider: this.name, capability: 'presignRead', message: 'presignRead needs an account key or a token credential; this store was given neither (a SAS or anonymous access cannot sign another SAS)' });
    });
  }

  private toObject(key: string, props: { contentLength?: number | undefined; contentMD5?: Uint8Array | undefined; contentType?: string | undefined; metadata?: Record<string, string> | undefined }): ArtifactObject | undefined {
    const metadata = decodeMetadata(props.metadata);
    if (metadata[UPLOAD_MARKER] !== undefined) return undefined;
    const recorded = metadata[PAGE_SIZE_KEY];
    const sizeBytes = recorded !== undefined && /^[0-9]+$/.test(recorded) ? Number(recorded) : (props.contentLength ?? 0);
    return {
      key,
      location: this.locationOf(key),
      sizeBytes,
      checksum: props.contentMD5 && props.contentMD5.byteLength > 0 ? { algorithm: 'md5', value: Buffer.from(props.contentMD5).toString('hex') } : undefined,
      sha256: metadata[SHA256_KEY],
      contentType: props.contentType,
      metadata,
    };
  }

  private checkPartSize(bytes: number, field: string): void {
    const { minPartBytes, maxPartBytes } = this.capabilities;
    const aligned = this.blobType === 'block' || bytes % 512 === 0;
    if (!Number.isInteger(bytes) || bytes < minPartBytes || bytes > maxPartBytes || !aligned) {
      throw new InvalidSpecError({
        provider: this.name,
        issues: [{ field, message: `a ${this.blobType} blob part is ${minPartBytes}..${maxPartBytes} bytes${this.blobType === 'page' ? ', a multiple of 512' : ''}; got ${bytes}` }],
      });
    }
  }

  private errorContext(operation: string, key?: string, mutating?: boolean): BlobErrorContext {
    return { store: this.name, operation, key, container: this.options.container, mutating };
  }

  private async run<T>(ctx: { operation: string; key?: string | undefined; mutating?: boolean | undefined }, signal: AbortSignal | undefined, fn: (clients: BlobClients, signal: AbortSignal) => Promise<T>): Promise<T> {
    const clients = await this.api.clients();
    const context = this.errorContext(ctx.operation, ctx.key, ctx.mutating);
    return runWithDeadline({ store: this.name, ...ctx }, signal, this.timeoutMs, (error) => (InvalidSpecError.isInstance(error) || NotFoundError.isInstance(error) || UnsupportedError.isInstance(error) ? error : toBlobStoreError(error, context)), (s) => fn(clients, s));
  }
}

/** Creates an Azure Blob artifact store (see {@link AzureBlobArtifactStore}). */
export function createAzureBlobArtifactStore(options: AzureBlobArtifactStoreOptions): AzureBlobArtifactStore {
  return new AzureBlobArtifactStore(options);
}

function isStatus(error: unknown, status: number): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: unknown }).statusCode === status;
}

function encodePath(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

/** The container's URL, worked out without the SDK (from the account URL or the connection string). */
function containerUrlOf(options: AzureBlobArtifactStoreOptions): string {
  if (options.containerClient) return options.containerClient.url.replace(/\/$/, '');
  let account = options.accountUrl;
  if (options.connectionString !== undefined) {
    const parts = new Map(
      options.connectionString
        .split(';')
        .filter((p) => p.includes('='))
        .map((p) => [p.slice(0, p.indexOf('=')).toLowerCase(), p.slice(p.indexOf('=') + 1)] as const),
    );
    if (parts.get('usedevelopmentstorage') === 'true') account = 'http://127.0.0.1:10000/devstoreaccount1';
    else account = parts.get('blobendpoint') ?? `${parts.get('defaultendpointsprotocol') ?? 'https'}://${parts.get('accountname') ?? ''}.blob.${parts.get('endpointsuffix') ?? 'core.windows.net'}`;
  }
  if (account === undefined) throw new InvalidSpecError({ provider: options.name ?? 'azure-blob', issues: [{ field: 'accountUrl', message: 'give accountUrl or connectionString' }] });
  return `${account.replace(/\/$/, '')}/${options.container}`;
}


/** The stream's chunks, with its failure mapped and `done` called when it ends either way. */
async function* mapStreamErrors(body: AsyncIterable<Uint8Array>, signal: AbortSignal | undefined, mapError: (error: unknown) => unknown, done: () => void): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of body) {
      // Chunks already buffered would still flow after an abort: stop at the next one.
      throwIfAborted(signal);
      yield chunk;
    }
  } catch (error) {
    throw mapError(error);
  } finally {
    done();
  }
}
