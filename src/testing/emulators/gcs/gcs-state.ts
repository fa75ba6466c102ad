/**
 * What the Cloud Storage emulator holds: buckets, their objects (bytes, generation,
 * metageneration, user metadata, MD5 and CRC32C computed as Cloud Storage computes them, over the
 * whole content), and resumable upload sessions with the bytes they have persisted. Generations
 * are microsecond timestamps, as Cloud Storage's are, kept strictly increasing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { crc32cBase64 } from './crc32c.js';

/** One stored object generation. */
export interface GcsObjectRecord {
  /** Bucket name. */
  readonly bucket: string;
  /** Object name. */
  readonly name: string;
  /** Content. */
  readonly data: Buffer;
  /** Generation (microseconds since the epoch). */
  readonly generation: number;
  /** Metadata generation, from 1. */
  metageneration: number;
  /** Media type. */
  contentType: string;
  /** User metadata. */
  metadata: Record<string, string>;
  /** MD5 of the content, base64. */
  readonly md5Hash: string;
  /** CRC32C of the content, big-endian base64. */
  readonly crc32c: string;
  /** Creation time, epoch ms. */
  readonly timeCreated: number;
  /** Last metadata change, epoch ms. */
  updated: number;
}

/** A bucket. */
export interface GcsBucketRecord {
  /** Name. */
  readonly name: string;
  /** Creation time, epoch ms. */
  readonly timeCreated: number;
}

/** Preconditions of a write (`ifGenerationMatch`, `ifMetagenerationMatch`, ...). */
export interface GcsPreconditions {
  /** The live generation must be this (0: no live object). */
  readonly ifGenerationMatch?: number | undefined;
  /** The live generation must not be this. */
  readonly ifGenerationNotMatch?: number | undefined;
  /** The live metageneration must be this. */
  readonly ifMetagenerationMatch?: number | undefined;
  /** The live metageneration must not be this. */
  readonly ifMetagenerationNotMatch?: number | undefined;
}

/** A resumable upload session. */
export interface ResumableSession {
  /** The `upload_id`. */
  readonly id: string;
  /** Bucket. */
  readonly bucket: string;
  /** Object name. */
  readonly name: string;
  /** Media type the object gets. */
  readonly contentType: string;
  /** User metadata the object gets. */
  readonly metadata: Record<string, string>;
  /** Preconditions checked at finalize. */
  readonly preconditions: GcsPreconditions;
  /** Total size, once a request has said it (`X-Upload-Content-Length` or a Content-Range total). */
  total: number | undefined;
  /** Persisted bytes, in order. */
  readonly chunks: Buffer[];
  /** Bytes persisted. */
  persisted: number;
  /** `open`, `final` (the object below) or `cancelled`. */
  state: 'open' | 'final' | 'cancelled';
  /** The object made at finalize. */
  object: GcsObjectRecord | undefined;
  /** When it began, epoch ms (a session lives a week). */
  readonly createdAt: number;
}

/** A session lives one week (Cloud Storage, "Resumable uploads"). */
export const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** The emulator's buckets, objects and sessions. */
export class GcsState {
  private readonly buckets = new Map<string, GcsBucketRecord>();
  private readonly objects = new Map<string, Map<string, GcsObjectRecord>>();
  private readonly sessions = new Map<string, ResumableSession>();
  private lastGeneration = 0;

  /** A state for `project`, on `clock` (epoch ms). */
  constructor(
    /** Project id. */
    readonly project: string,
    /** Clock, epoch ms. */
    readonly clock: () => number,
  ) {}

  /** Creates a bucket; `false` when it exists. */
  createBucket(name: string): boolean {
    if (this.buckets.has(name)) return false;
    this.buckets.set(name, { name, timeCreated: this.clock() });
    this.objects.set(name, new Map());
    return true;
  }

  /** The bucket, or `undefined`. */
  bucket(name: string): GcsBucketRecord | undefined {
    return this.buckets.get(name);
  }

  /** The live object, or `undefined`. */
  object(bucket: string, name: string): GcsObjectRecord | undefined {
    return this.objects.get(bucket)?.get(name);
  }

  /** Live objects of a bucket, sorted by name. */
  objectsOf(bucket: string): GcsObjectRecord[] {
    return [...(this.objects.get(bucket)?.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Stores a new generation of an object. */
  putObject(input: { bucket: string; name: string; data: Buffer; contentType: string; metadata: Record<string, string> }): GcsObjectRecord {
    const now = this.clock();
    this.lastGeneration = Math.max(this.lastGeneration + 1, now * 1000);
    const record: GcsObjectRecord = {
      ...input,
      generation: this.lastGeneration,
      metageneration: 1,
      md5Hash: createHash('md5').update(input.data).digest('base64'),
      crc32c: crc32cBase64(input.data),
      timeCreated: now,
      updated: now,
    };
    this.objects.get(input.bucket)!.set(input.name, record);
    return record;
  }

  /** Removes the live object; `false` when there was none. */
  deleteObject(bucket: string, name: string): boolean {
    return this.objects.get(bucket)?.delete(name) ?? false;
  }

  /** Opens a resumable session. */
  openSession(input: Pick<ResumableSession, 'bucket' | 'name' | 'contentType' | 'metadata' | 'preconditions' | 'total'>): ResumableSession {
    const session: ResumableSession = { ...input, id: `ADPyc${randomBytes(24).toString('base64url')}`, chunks: [], persisted: 0, state: 'open', object: undefined, createdAt: this.clock() };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The session, or `undefined` (unknown, or past its week). */
  session(id: string): ResumableSession | undefined {
    const session = this.sessions.get(id);
    if (session && this.clock() - session.createdAt > SESSION_LIFETIME_MS) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /** Sessions not yet finalized or cancelled. */
  openSessions(): ResumableSession[] {
    return [...this.sessions.values()].filter((s) => s.state === 'open');
  }
}
