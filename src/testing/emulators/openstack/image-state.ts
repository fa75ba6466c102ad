/**
 * Glance's part of the emulated project: image records with their data held in memory as the
 * chunks they were uploaded in (tests use small images; nothing concatenates them), and the
 * digests Glance computes while it stores an upload — `checksum` (MD5), and the multihash
 * `os_hash_algo` `sha512` with `os_hash_value` — plus `size`. An image goes `queued` → `saving`
 * (while its data streams in) → `active`. Snapshots a server's `createImage` makes stay `queued`,
 * then `saving`, until their data is ready (`timings.snapshotMs`), then turn `active`. Records are
 * rendered as the Image service api-ref's samples show them (glance
 * `api-ref/source/v2/samples/image-show-response.json`, read 2026-12): extra properties are
 * top-level keys of the image.
 */
import { createHash, randomUUID } from 'node:crypto';

/** Glance image statuses. */
export type ImageStatus = 'queued' | 'saving' | 'active' | 'killed' | 'deleted' | 'deactivated' | 'uploading' | 'importing';

/** Visibility of an image. */
export type ImageVisibility = 'public' | 'private' | 'shared' | 'community';

/** Data of an image, as stored. */
export interface ImageData {
  /** The bytes, in the chunks they came in. */
  readonly chunks: readonly Buffer[];
  /** Size, bytes. */
  readonly size: number;
  /** MD5, hex. */
  readonly checksum: string;
  /** SHA-512, hex. */
  readonly sha512: string;
}

/** An image. */
export interface ImageRecord {
  /** Image id. */
  readonly id: string;
  /** Name (may be `null` in Glance). */
  name: string | null;
  /** Status (snapshots: see {@link ImageRecord.readyAt}). */
  status: ImageStatus;
  /** Visibility. */
  visibility: ImageVisibility;
  /** `protected`. */
  protected: boolean;
  /** `disk_format`, `null` until set. */
  diskFormat: string | null;
  /** `container_format`, `null` until set. */
  containerFormat: string | null;
  /** `min_disk`, GiB. */
  minDisk: number;
  /** `min_ram`, MiB. */
  minRam: number;
  /** Owning project. */
  readonly owner: string;
  /** Tags. */
  tags: string[];
  /** Extra properties (`os_distro`, `architecture`, ...). */
  readonly properties: Record<string, string>;
  /** Its data, once uploaded. */
  data: ImageData | undefined;
  /** Creation time, clock ms. */
  readonly createdAt: number;
  /** Last change, clock ms. */
  updatedAt: number;
  /** For snapshots: when the data is ready (clock ms) and what it will be. */
  pending: { readonly readyAt: number; readonly savingAt: number; readonly bytes: () => readonly Buffer[] } | undefined;
}

type Json = Record<string, unknown>;

/** An incremental digest of an upload. */
export class ImageDigest {
  private readonly md5 = createHash('md5');
  private readonly sha512 = createHash('sha512');
  private readonly chunks: Buffer[] = [];
  private size = 0;

  /** Adds a chunk. */
  update(chunk: Buffer): void {
    this.md5.update(chunk);
    this.sha512.update(chunk);
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** The stored data. */
  finish(): ImageData {
    return { chunks: this.chunks, size: this.size, checksum: this.md5.digest('hex'), sha512: this.sha512.digest('hex') };
  }
}

/** The digested data of `chunks`. */
export function imageData(chunks: readonly Buffer[]): ImageData {
  const digest = new ImageDigest();
  for (const c of chunks) digest.update(c);
  return digest.finish();
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The image side of the emulated project. */
export class ImageState {
  /** Images by id, in creation order. */
  readonly images = new Map<string, ImageRecord>();

  /** Images of `projectId` on `now` (epoch ms). */
  constructor(
    readonly projectId: string,
    private readonly now: () => number,
  ) {}

  /** Adds a record (status `queued` unless data is given: then `active`). */
  add(options: {
    readonly name: string | null;
    readonly diskFormat?: string | null | undefined;
    readonly containerFormat?: string | null | undefined;
    readonly visibility?: ImageVisibility | undefined;
    readonly minDisk?: number | undefined;
    readonly minRam?: number | undefined;
    readonly properties?: Readonly<Record<string, string>> | undefined;
    readonly tags?: readonly string[] | undefined;
    readonly protected?: boolean | undefined;
    readonly owner?: string | undefined;
    readonly id?: string | undefined;
    readonly data?: readonly Buffer[] | undefined;
  }): ImageRecord {
    const now = this.now();
    const record: ImageRecord = {
      id: options.id ?? randomUUID(),
      name: options.name,
      status: options.data ? 'active' : 'queued',
      visibility: options.visibility ?? 'shared',
      protected: options.protected ?? false,
      diskFormat: options.diskFormat ?? null,
      containerFormat: options.containerFormat ?? null,
      minDisk: options.minDisk ?? 0,
      minRam: options.minRam ?? 0,
      owner: options.owner ?? this.projectId,
      tags: [...(options.tags ?? [])],
      properties: { ...options.properties },
      data: options.data ? imageData(options.data) : undefined,
      createdAt: now,
      updatedAt: now,
      pending: undefined,
    };
    this.images.set(record.id, record);
    return record;
  }

  /** Moves snapshots whose time has come to `saving`, then `active` with their data. */
  advance(): void {
    const now = this.now();
    for (const image of this.images.values()) {
      const pending = image.pending;
      if (!pending) continue;
      if (now >= pending.readyAt) {
        image.pending = undefined;
        image.data = imageData(pending.bytes());
        image.status = 'active';
        image.updatedAt = pending.readyAt;
      } else if (now >= pending.savingAt && image.status === 'queued') {
        image.status = 'saving';
        image.updatedAt = pending.savingAt;
      }
    }
  }

  /** An image as `GET /v2/images/{id}` shows it. */
  render(image: ImageRecord): Json {
    const data = image.data;
    return {
      ...image.properties,
      checksum: data?.checksum ?? null,
      container_format: image.containerFormat,
      created_at: iso(image.createdAt),
      disk_format: image.diskFormat,
      file: `/v2/images/${image.id}/file`,
      id: image.id,
      min_disk: image.minDisk,
      min_ram: image.minRam,
      name: image.name,
      os_hash_algo: data ? 'sha512' : null,
      os_hash_value: data?.sha512 ?? null,
      os_hidden: false,
      owner: image.owner,
      protected: image.protected,
      schema: '/v2/schemas/image',
      self: `/v2/images/${image.id}`,
      size: data?.size ?? null,
      status: image.status,
      tags: [...image.tags],
      updated_at: iso(image.updatedAt),
      virtual_size: data ? (image.diskFormat === 'raw' ? data.size : null) : null,
      visibility: image.visibility,
    };
  }
}

/** The attributes of an image that are not extra properties (read-only or core). */
export const CORE_IMAGE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'checksum',
  'container_format',
  'created_at',
  'disk_format',
  'file',
  'id',
  'locations',
  'min_disk',
  'min_ram',
  'name',
  'os_hash_algo',
  'os_hash_value',
  'os_hidden',
  'owner',
  'protected',
  'schema',
  'self',
  'size',
  'status',
  'tags',
  'updated_at',
  'virtual_size',
  'visibility',
  'direct_url',
  'stores',
]);
