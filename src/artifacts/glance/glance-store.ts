/**
 * An {@link ArtifactStore} over OpenStack Glance (Image API v2), spoken through the OpenStack
 * adapter's own Keystone session, transport and Glance client (`providers/openstack`), so that a
 * store made from a provider's connection shares its token. Glance is not an object store, and
 * the store says where it differs:
 * - keys are image names (or image ids), locations `glance://<key>` (see `glance-object.ts`);
 * - a write is an image record and one streamed upload (`glance-upload.ts`): no multipart, so no
 *   resumable upload and no part confirmed before the end; the size need not be known;
 * - `head`, `openRead` and `list` see only finished images (`active`, not marked as being
 *   written): a `queued` or `saving` image is an unfinished upload, absent;
 * - `list` reads every page of the project's images (`GET /v2/images?owner=<project>`, paged by
 *   `marker`) and filters by name prefix here: Glance's `name` filter is exact, it has no prefix
 *   filter;
 * - `openRead` asks for a byte range with `Range` (206; Glance since Pike) and, should a Glance
 *   answer the whole image instead, skips to the range itself;
 * - `presignRead` is an `UnsupportedError`: Glance has no presigned URLs.
 * Errors are the adapter's (Glance's answers mapped to the novacron taxonomy); no token,
 * password or application-credential secret reaches one.
 */
import { abortReason, throwIfAborted } from '../../provider/abort.js';
import type {
  ArtifactObject,
  ArtifactPresignOptions,
  ArtifactReadOptions,
  ArtifactStore,
  ArtifactStoreCapabilities,
  ArtifactWriteOptions,
  UploadSession,
} from '../../provider/artifact-store.js';
import { InvalidSpecError, isAbortError, NotFoundError, ProviderUnavailableError, UnsupportedError } from '../../provider/errors.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import { GlanceImages } from '../../providers/openstack/glance-images.js';
import { OpenStackConnection, type OpenStackConnectionOptions } from '../../providers/openstack/openstack-connection.js';
import type { GlanceImage } from '../../providers/openstack/wire-types.js';
import { CallDeadline } from '../call-deadline.js';
import { emptyStream } from '../read-streams.js';
import { assertArtifactKey, assertResumable, resolvePartSize, resolveRange } from '../write-rules.js';
import { createdAtMs, isFinished, isImageIdKey, keyOfLocation, locationOfKey, MAX_IMAGE_NAME, toArtifactObject } from './glance-object.js';
import { writeGlanceImage } from './glance-upload.js';

/** Settings of a Glance store, whichever way it connects. */
export interface GlanceStoreSettings {
  /** Store name (default `glance`). */
  readonly name?: string | undefined;
  /** `disk_format` of images whose write names none in its metadata (`novacron-format`); default `raw`. */
  readonly diskFormat?: 'raw' | 'qcow2' | 'vmdk' | 'vhd' | 'vhdx' | 'vdi' | 'iso' | undefined;
  /** Visibility of new images (default `private`; `public` needs an administrator, so it is not offered). */
  readonly visibility?: 'private' | 'shared' | 'community' | undefined;
  /** Size of the chunks the body is streamed in, bytes (default 8 MiB; 64 KiB to 64 MiB): the write holds at most two. */
  readonly partSizeBytes?: number | undefined;
  /** Images per listing page (default 100). */
  readonly listPageSize?: number | undefined;
  /** Limit of one call that is not a data transfer (a head, a create, the wait for the first byte of a read), ms (default 30,000). */
  readonly requestTimeoutMs?: number | undefined;
  /** Limit of one upload or download of image data, ms (default 6 hours). */
  readonly transferTimeoutMs?: number | undefined;
  /** Pause between reads of an image while it becomes `active`, ms (default 500). */
  readonly pollIntervalMs?: number | undefined;
}

/** A Glance store on a connection of its own: Keystone's URL, the region and credentials. */
export interface GlanceStoreKeystoneOptions extends GlanceStoreSettings, Omit<OpenStackConnectionOptions, 'name' | 'events'> {
  /** Not given: the store connects itself. */
  readonly connection?: undefined;
}

/** A Glance store on an existing connection (a provider's `provider.connection`): one token for both. */
export interface GlanceStoreConnectionOptions extends GlanceStoreSettings {
  /** The connection to call through. */
  readonly connection: OpenStackConnection;
}

/** Options of {@link createGlanceArtifactStore}. */
export type GlanceArtifactStoreOptions = GlanceStoreKeystoneOptions | GlanceStoreConnectionOptions;

const KiB = 1024;
const MiB = 1024 * KiB;

/** A Glance artifact store. Create one with {@link createGlanceArtifactStore}. */
export class GlanceArtifactStore implements ArtifactStore {
  /** Specification version implemented. */
  readonly specVersion = 1 as const;
  /** `glance`. */
  readonly kind = 'glance';
  /** Store name. */
  readonly name: string;
  /** No presigned reads, no resumable upload, no size needed up front. */
  readonly capabilities: ArtifactStoreCapabilities = { presignedRead: false, minPartBytes: 64 * KiB, maxPartBytes: 64 * MiB, resumableUpload: false, needsSize: false };
  /** The connection the store calls through. */
  readonly connection: OpenStackConnection;
  private readonly images: GlanceImages;
  private readonly requestTimeoutMs: number;
  private readonly transferTimeoutMs: number;
  private readonly defaultPartBytes: number;

  /** Builds the store; nothing is sent yet. */
  constructor(private readonly options: GlanceArtifactStoreOptions) {
    this.name = options.name ?? 'glance';
    if (options.connection !== undefined) this.connection = options.connection;
    else {
      const missing = (['authUrl', 'region'] as const).filter((k) => typeof options[k] !== 'string' || options[k] === '');
      if (missing.length > 0) throw new InvalidSpecError({ provider: this.name, issues: missing.map((field) => ({ field, message: 'a Glance store needs it (a non-empty string), or a connection' })) });
      this.connection = new OpenStackConnection({ ...options, name: this.name });
    }
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.transferTimeoutMs = options.transferTimeoutMs ?? 6 * 3_600_000;
    this.images = new GlanceImages(this.connection.api, this.name, options.pollIntervalMs ?? 500);
    this.defaultPartBytes = resolvePartSize(this, { partSizeBytes: options.partSizeBytes }, 8 * MiB);
  }

  /** `glance://<key>` (an id key: `glance://<image-id>`). */
  locationOf(key: string): string {
    return locationOfKey(key);
  }

  /** The key of a `glance://` location, or of this cloud's image URL (`…/v2/images/<id>`) once the Glance endpoint is known; else `undefined`. */
  keyOf(location: string): string | undefined {
    return keyOfLocation(location, this.connection.api.knownBase('image'));
  }

  /** The key of a `glance://` location or of this cloud's image URL, reading the service catalog first when it is not known yet. */
  async locate(location: string, options: CallOptions = {}): Promise<string | undefined> {
    const known = this.keyOf(location);
    if (known !== undefined || location.startsWith('glance://') || !/^https?:\/\//.test(location)) return known;
    await this.connection.api.base('image', options.signal);
    return this.keyOf(location);
  }

  /** The finished image `key` names, or `undefined`. */
  async head(key: string, options: CallOptions = {}): Promise<ArtifactObject | undefined> {
    this.assertKey(key);
    const image = await this.find(key, 'head', options.signal);
    return image && toArtifactObject(key, image);
  }

  /** Streams the image's data (or `start..end`, inclusive). */
  async openRead(key: string, options: ArtifactReadOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    this.assertKey(key);
    const image = await this.find(key, 'openRead', options.signal);
    if (!image) throw new NotFoundError({ provider: this.name, message: `openRead of ${key}: Glance has no finished image of that ${isImageIdKey(key) ? 'id' : 'name'}`, resourceType: 'image', resourceId: key });
    const size = Number(image.size ?? 0);
    const range = resolveRange(this, size, options);
    if (size === 0) return emptyStream();
    const deadline = new CallDeadline(options.signal, this.requestTimeoutMs);
    const context = { store: this.name, operation: 'openRead', key };
    let response: Response;
    try {
      response = await this.images.download(image.id, { operation: 'openRead', range, timeoutMs: this.transferTimeoutMs, signal: deadline.signal });
    } catch (error) {
      deadline.dispose();
      throw deadline.cutShort(error, context) ?? error;
    }
    deadline.release();
    const skip = range !== undefined && response.status === 200 ? range.start : 0;
    const length = range === undefined ? size : range.end - range.start + 1;
    return this.guarded(response, { skip, length, deadline, context, signal: options.signal });
  }

  /** Writes `body` as the image named `key` (see `glance-upload.ts`); a finished write replaces the older images of that name. */
  async write(key: string, body: AsyncIterable<Uint8Array>, options: ArtifactWriteOptions = {}): Promise<ArtifactObject> {
    this.assertKey(key);
    if (isImageIdKey(key)) throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'key', message: 'a key shaped like an image id names an existing image; write under a name' }] });
    const partSizeBytes = resolvePartSize(this, options, this.defaultPartBytes);
    const resume = options.resume;
    if (resume) {
      assertResumable(this, key, resume);
      if (resume.parts.length > 0) throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'resume.parts', message: 'a Glance upload confirms no part before it ends; this session is not one of this store' }] });
      // Nothing of it was confirmed: remove what is left and start from the first byte (the body does too).
      await this.abortUpload(resume, options);
    }
    throwIfAborted(options.signal);
    const written = await writeGlanceImage(
      {
        store: this.name,
        images: this.images,
        diskFormat: this.options.diskFormat ?? 'raw',
        visibility: this.options.visibility ?? 'private',
        transferTimeoutMs: this.transferTimeoutMs,
        activeTimeoutMs: this.requestTimeoutMs * 4,
        sameName: (name, signal) => this.named(name, 'write', signal),
      },
      key,
      body,
      partSizeBytes,
      options,
    );
    return toArtifactObject(key, written.image);
  }

  /** Deletes the unfinished image of `session` (`uploadId` is its id); no-op when it is gone, finished, or not this key's. */
  async abortUpload(session: UploadSession, options: CallOptions = {}): Promise<void> {
    this.assertKey(session.key);
    const image = await this.images.get(session.uploadId, 'abortUpload', options.signal);
    if (!image || isFinished(image) || image.name !== session.key) return;
    await this.images.remove(image.id, 'abortUpload', options.signal);
  }

  /** Deletes the finished image(s) `key` names; no-op when there is none. */
  async delete(key: string, options: CallOptions = {}): Promise<void> {
    this.assertKey(key);
    if (isImageIdKey(key)) {
      const image = await this.images.get(key, 'delete', options.signal);
      if (image && isFinished(image)) await this.images.remove(image.id, 'delete', options.signal);
      return;
    }
    for (const image of await this.named(key, 'delete', options.signal)) if (isFinished(image)) await this.images.remove(image.id, 'delete', options.signal);
  }

  /** The project's finished images whose name starts with `prefix` (one per name, the newest), read page by page. */
  async *list(prefix = '', options: CallOptions = {}): AsyncIterable<ArtifactObject> {
    const owner = await this.connection.session.projectId(options.signal);
    const seen = new Set<string>();
    const query = { limit: this.options.listPageSize ?? 100, ...(owner ? { owner } : {}) };
    for await (const page of this.images.pages(query, 'list', options.signal)) {
      for (const image of page) {
        const name = image.name;
        if (typeof name !== 'string' || !name.startsWith(prefix) || !isFinished(image) || seen.has(name)) continue;
        seen.add(name);
        yield toArtifactObject(name, image);
      }
    }
  }

  /** Always an `UnsupportedError`: Glance has no presigned URLs (read through the store, or `exportVM`'s own image URL with a token). */
  presignRead(key: string, _options: ArtifactPresignOptions = {}): Promise<string> {
    return Promise.reject(new UnsupportedError({ provider: this.name, capability: 'presignRead', message: `presignRead of ${key}: Glance has no presigned or time-limited URLs; read the image through the store` }));
  }

  /** What `JSON.stringify(store)` shows: no credential. */
  toJSON(): {
    /** Store name. */
    readonly name: string;
    /** `glance`. */
    readonly kind: string;
    /** Region of the Glance endpoint. */
    readonly region: string;
  } {
    return { name: this.name, kind: this.kind, region: this.connection.region };
  }

  private assertKey(key: string): void {
    assertArtifactKey(this, key);
    if (key.length > MAX_IMAGE_NAME) throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'key', message: `a Glance image name is at most ${MAX_IMAGE_NAME} characters` }] });
  }

  /** The finished image of `key`: by id, or the newest finished one of that name in the project. */
  private async find(key: string, operation: string, signal: AbortSignal | undefined): Promise<GlanceImage | undefined> {
    if (isImageIdKey(key)) {
      const image = await this.images.get(key, operation, signal);
      return image && isFinished(image) ? image : undefined;
    }
    return (await this.named(key, operation, signal)).find(isFinished);
  }

  /** The project's images named exactly `name`, every status, newest first. */
  private async named(name: string, operation: string, signal: AbortSignal | undefined): Promise<GlanceImage[]> {
    const owner = await this.connection.session.projectId(signal);
    const found = await this.images.list({ name, ...(owner ? { owner } : {}) }, operation, signal);
    return found.filter((i) => i.name === name).sort((a, b) => createdAtMs(b) - createdAtMs(a));
  }

  /** The body of a download: the caller's signal obeyed, `skip` bytes dropped, `length` bytes yielded, errors in novacron's words. */
  private guarded(
    response: Response,
    o: { readonly skip: number; readonly length: number; readonly deadline: CallDeadline; readonly context: { readonly store: string; readonly operation: string; readonly key: string }; readonly signal: AbortSignal | undefined },
  ): AsyncIterable<Uint8Array> {
    const store = this.name;
    return (async function* read(): AsyncGenerator<Uint8Array> {
      const reader = response.body?.getReader();
      let at = 0;
      let given = 0;
      try {
        while (reader && given < o.length) {
          throwIfAborted(o.signal);
          const { done, value } = await reader.read();
          if (done) break;
          const from = Math.max(0, o.skip - at);
          at += value.length;
          if (from >= value.length) continue;
          const chunk = value.subarray(from, Math.min(value.length, from + o.length - given));
          given += chunk.length;
          yield chunk;
        }
        if (given < o.length) throw new ProviderUnavailableError({ provider: store, retryable: true, message: `openRead of ${o.context.key}: Glance ended the data after ${given} of ${o.length} bytes` });
      } catch (error) {
        if (o.signal?.aborted) throw abortReason(o.signal);
        if (ProviderUnavailableError.isInstance(error)) throw error;
        throw o.deadline.cutShort(error, o.context) ?? (isAbortError(error) ? error : new ProviderUnavailableError({ provider: store, retryable: true, message: `openRead of ${o.context.key}: the data stream broke (${(error as Error).message})`, cause: error }));
      } finally {
        o.deadline.dispose();
        await reader?.cancel().catch(() => undefined);
      }
    })();
  }
}

/** Creates a Glance artifact store (see {@link GlanceArtifactStore}). */
export function createGlanceArtifactStore(options: GlanceArtifactStoreOptions): GlanceArtifactStore {
  return new GlanceArtifactStore(options);
}
