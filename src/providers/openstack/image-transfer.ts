/**
 * `exportVM` and `importVM` through Glance.
 *
 * Export: `POST /servers/{id}/action {"createImage": {name, metadata}}` (a running server is
 * snapshotted as it runs, crash-consistent; stop it first for a clean file system), answered
 * `{ "image_id" }` at microversion 2.45 and later; the image is read until `active`, and the
 * artifact is that image: `format` its `disk_format` (`qcow2` or `raw` as Nova's libvirt driver
 * writes them), `location` its Glance URL (`https://glance…/v2/images/<id>`, whose `/file` is the
 * data), `sizeBytes` its `size`, `checksum` its `os_hash_value` when Glance hashes with sha256,
 * else its md5 `checksum`. A boot-from-volume server's snapshot holds no data in Glance (it is a
 * volume snapshot): that is refused, naming why.
 *
 * Import: an artifact whose location is an image of this cloud's Glance (its Glance URL, or a
 * `glance://` location the Glance artifact store wrote) boots from that image (after its checksum
 * is compared with the artifact's: Glance's MD5 or SHA-256, or the store's recorded SHA-256). Any other artifact's bytes come from the
 * `artifactReader` option (for `s3://`, `gs://`, `memory://`, another cloud's Glance with its own
 * token, …) or, for a plain `https://` URL (a pre-signed one), a GET; they are streamed into a new
 * image (`POST /v2/images`, then `PUT /v2/images/{id}/file` as `application/octet-stream`, never
 * held in memory whole) while md5 and sha256 are computed on the way. A digest that differs from
 * the artifact's deletes the image and is a `ConflictError`. The image is named from the create's
 * key (`<server>-image`), so a repeated import finds it instead of uploading again.
 */
import { createHash } from 'node:crypto';
import { ConflictError, InvalidSpecError, ProviderUnavailableError, UnsupportedError } from '../../provider/errors.js';
import type { Checksum, ImageArtifact, ImageFormat } from '../../provider/types.js';
import type { GlanceImages } from './glance-images.js';
import { NOVACRON_METADATA } from './metadata.js';
import { GLANCE_SCHEME, isFinished, keyOfLocation, SHA256_PROPERTY } from './glance-locations.js';
import { importImageNameFor, isUuid } from './naming.js';
import type { OpenStackApi } from './openstack-api.js';
import type { GlanceImage } from './wire-types.js';

/** The bytes of an artifact, in any of the shapes a reader may give them. */
export type ArtifactBytes = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array;

/**
 * Reads the bytes of an artifact this adapter cannot read itself (`s3://`, `gs://`, another
 * cloud's Glance, …). Answers `undefined` for a location it does not serve either.
 */
export type ArtifactReader = (artifact: ImageArtifact, options: { readonly signal?: AbortSignal | undefined }) => Promise<ArtifactBytes | undefined>;

/** Formats Glance stores and Nova boots. */
export const OPENSTACK_IMAGE_FORMATS: readonly ImageFormat[] = ['qcow2', 'raw', 'vmdk', 'vhd', 'vhdx'];

/** What a transfer needs. */
export interface ImageTransferOptions {
  /** Provider name. */
  readonly providerName: string;
  /** Reader of other locations. */
  readonly artifactReader?: ArtifactReader | undefined;
  /** Longest wait for a snapshot or an upload to become active, ms. */
  readonly timeoutMs: number;
}

/** Exports and imports of one provider. */
export class ImageTransfer {
  /** Keeps the parts. */
  constructor(
    private readonly api: OpenStackApi,
    private readonly images: GlanceImages,
    private readonly o: ImageTransferOptions,
  ) {}

  /** Snapshots server `id` into Glance and describes the image as an artifact. */
  async export(source: { readonly id: string; readonly name: string; readonly baseImage: string | undefined }, signal?: AbortSignal): Promise<ImageArtifact> {
    const stamp = Date.now().toString(36);
    const answer = await this.api.json<{ image_id?: string }>(
      {
        service: 'compute',
        method: 'POST',
        path: `/servers/${encodeURIComponent(source.id)}/action`,
        json: { createImage: { name: `${source.name}-export-${stamp}`, metadata: { [NOVACRON_METADATA.managed]: 'true', 'novacron-export-of': source.id } } },
        ctx: { operation: 'exportVM', resourceType: 'vm', resourceId: source.id, mutating: true },
      },
      signal,
    );
    const imageId = answer?.image_id;
    if (!imageId) throw new ProviderUnavailableError({ provider: this.o.providerName, retryable: false, message: `exportVM of ${source.id}: Nova answered createImage without an image_id (is the compute API older than microversion 2.45?)` });
    const image = await this.images.waitActive(imageId, { operation: 'exportVM', timeoutMs: this.o.timeoutMs, signal });
    if (!(Number(image.size) > 0)) {
      throw new UnsupportedError({
        provider: this.o.providerName,
        capability: 'export',
        message: `exportVM of ${source.id}: its snapshot ${imageId} holds no data in Glance (a server that boots from a volume is snapshotted as a volume snapshot); export it from Cinder instead`,
      });
    }
    const format = image.disk_format as ImageFormat;
    if (!OPENSTACK_IMAGE_FORMATS.includes(format)) throw new UnsupportedError({ provider: this.o.providerName, capability: `export:${String(image.disk_format)}`, message: `exportVM of ${source.id}: Glance stored the snapshot as ${String(image.disk_format)}` });
    return {
      format,
      location: `${await this.api.base('image', signal)}/images/${imageId}`,
      sizeBytes: Number(image.size),
      checksum: checksumOf(image),
      sourceProvider: this.o.providerName,
      sourceProviderKind: 'openstack',
      sourceVmId: source.id,
      baseImage: source.baseImage,
      createdAt: new Date().toISOString(),
    };
  }

  /** The Glance image an import for `serverName` boots from: this cloud's own image, the one uploaded before under its name, or a new upload. */
  async imageFor(artifact: ImageArtifact, serverName: string, signal?: AbortSignal): Promise<GlanceImage> {
    if (!OPENSTACK_IMAGE_FORMATS.includes(artifact.format)) {
      throw new UnsupportedError({ provider: this.o.providerName, capability: `import:${artifact.format}`, message: `importVM: artifact.format ${artifact.format} cannot be imported into Glance; give one of ${OPENSTACK_IMAGE_FORMATS.join(', ')}` });
    }
    const own = await this.ownImageId(artifact.location, signal);
    if (own !== undefined) {
      const image = await this.images.get(own, 'importVM', signal);
      if (!image) throw new InvalidSpecError({ provider: this.o.providerName, issues: [{ field: 'artifact.location', message: `Glance has no image ${own}` }] });
      const active = image.status === 'active' ? image : await this.images.waitActive(own, { operation: 'importVM', timeoutMs: this.o.timeoutMs, signal });
      this.verify(artifact, digestsOf(active), active.id);
      return active;
    }
    const name = importImageNameFor(serverName);
    for (const earlier of (await this.images.list({ name }, 'importVM', signal)).filter((i) => i.name === name)) {
      if (earlier.status === 'active' && matches(artifact.checksum, digestsOf(earlier))) return earlier;
      await this.images.remove(earlier.id, 'importVM', signal); // an upload cut short, or other bytes
    }
    return this.upload(artifact, name, signal);
  }

  private async upload(artifact: ImageArtifact, name: string, signal?: AbortSignal): Promise<GlanceImage> {
    const bytes = await this.open(artifact, signal);
    const created = await this.images.create(
      {
        name,
        disk_format: artifact.format,
        container_format: 'bare',
        visibility: 'private',
        min_disk: Math.ceil(artifact.sizeBytes / 1024 ** 3),
        [NOVACRON_METADATA.managed]: 'true',
        'novacron-import-of': artifact.sourceVmId.slice(0, 255),
      },
      { operation: 'importVM', resourceId: name },
      signal,
    );
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    const hashed = toStream(bytes).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          md5.update(chunk);
          sha256.update(chunk);
          controller.enqueue(chunk);
        },
      }),
    );
    try {
      await this.images.uploadData(created.id, hashed, { operation: 'importVM', timeoutMs: this.o.timeoutMs, signal });
      this.verify(artifact, { md5: md5.digest('hex'), sha256: sha256.digest('hex') }, created.id);
    } catch (error) {
      await this.images.remove(created.id, 'importVM').catch(() => undefined);
      throw error;
    }
    return this.images.waitActive(created.id, { operation: 'importVM', timeoutMs: this.o.timeoutMs, signal });
  }

  private verify(artifact: ImageArtifact, digests: Digests, imageId: string): void {
    if (matches(artifact.checksum, digests)) return;
    throw new ConflictError({ provider: this.o.providerName, message: `importVM: the data of ${artifact.location} does not match its ${artifact.checksum.algorithm} checksum ${artifact.checksum.value} (image ${imageId} is not used)` });
  }

  /**
   * The id of an image of this cloud's Glance that `location` names: `<image endpoint>/v2/images/<id>`
   * (what `exportVM` answers), or a `glance://` location of the Glance artifact store (an id, or the
   * newest finished image of a name; one that names none is an `InvalidSpecError`).
   */
  private async ownImageId(location: string, signal?: AbortSignal): Promise<string | undefined> {
    if (location.startsWith(GLANCE_SCHEME)) {
      const key = keyOfLocation(location, undefined);
      if (key !== undefined && isUuid(key)) return key;
      const named = key === undefined ? [] : (await this.images.list({ name: key }, 'importVM', signal)).filter((i) => i.name === key && isFinished(i));
      const newest = named.sort((a, b) => Date.parse(b.created_at ?? '') - Date.parse(a.created_at ?? ''))[0];
      if (newest === undefined) throw new InvalidSpecError({ provider: this.o.providerName, issues: [{ field: 'artifact.location', message: `Glance has no finished image at ${location}` }] });
      return newest.id;
    }
    if (!/^https?:\/\//.test(location)) return undefined;
    const base = await this.api.base('image', signal);
    const m = new RegExp(`^${escapeRegExp(base)}/images/([0-9a-fA-F-]{36})(?:/file)?$`).exec(location);
    return m?.[1];
  }

  private async open(artifact: ImageArtifact, signal?: AbortSignal): Promise<ArtifactBytes> {
    const read = await this.o.artifactReader?.(artifact, { signal });
    if (read !== undefined) return read;
    if (/^https?:\/\//.test(artifact.location)) {
      let response: Response;
      try {
        response = await fetch(artifact.location, { signal });
      } catch (error) {
        throw new ProviderUnavailableError({ provider: this.o.providerName, message: `importVM: ${redactQuery(artifact.location)} could not be read (${(error as Error).message})`, cause: error });
      }
      if (!response.ok || !response.body) {
        throw new InvalidSpecError({ provider: this.o.providerName, issues: [{ field: 'artifact.location', message: `GET ${redactQuery(artifact.location)} answered ${response.status}` }] });
      }
      return response.body;
    }
    throw new InvalidSpecError({
      provider: this.o.providerName,
      issues: [{ field: 'artifact.location', message: `${artifact.location.split(':')[0]}: locations need the artifactReader option; this adapter reads this cloud's Glance images and https URLs itself` }],
    });
  }
}

interface Digests {
  readonly md5?: string | undefined;
  readonly sha256?: string | undefined;
}

/** What the image's data hashes to: Glance's MD5, and a SHA-256 from Glance's own hash or, failing that, from the artifact store's property. */
function digestsOf(image: GlanceImage): Digests {
  const stored = image[SHA256_PROPERTY];
  const sha256 = image.os_hash_algo === 'sha256' ? (image.os_hash_value ?? undefined) : typeof stored === 'string' ? stored : undefined;
  return { md5: image.checksum ?? undefined, sha256 };
}

function matches(checksum: Checksum, digests: Digests): boolean {
  const have = checksum.algorithm === 'md5' ? digests.md5 : digests.sha256;
  return have !== undefined && have.toLowerCase() === checksum.value.toLowerCase();
}

/** The artifact checksum of an image: sha256 when Glance hashes with it, else md5. */
export function checksumOf(image: GlanceImage): Checksum {
  if (image.os_hash_algo === 'sha256' && image.os_hash_value) return { algorithm: 'sha256', value: image.os_hash_value };
  return { algorithm: 'md5', value: image.checksum ?? '' };
}

function toStream(bytes: ArtifactBytes): ReadableStream<Uint8Array> {
  if (bytes instanceof ReadableStream) return bytes;
  if (bytes instanceof Uint8Array) {
    return new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
  }
  const iterator = bytes[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await iterator.next();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A URL without its query (a pre-signed URL's query is a bearer secret). */
function redactQuery(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : `${url.slice(0, at)}?…`;
}
