/**
 * A local, stateful Amazon S3 endpoint for tests, demos and offline work. It speaks S3 REST
 * (path-style `/<bucket>/<key>`, and virtual-hosted `<bucket>.localhost`), verifies SigV4 in
 * the header and presigned forms, decodes the `aws-chunked` bodies the SDK streams, and keeps
 * S3's multipart rules and ETags, so the real `@aws-sdk/client-s3` talks to it through nothing
 * more than an endpoint override. It stands on the emulator kit (server, fault plan, request
 * log) and runs without vitest.
 */
import { emulatorStats, type EmulatorStats } from '../kit/request-log.js';
import { EmulatorBase } from '../kit/emulator-base.js';
import { EmulatorServer } from '../kit/emulator-server.js';
import { FaultPlan } from '../kit/fault-plan.js';
import { checkBucketName } from './s3-bucket-handlers.js';
import { s3EndpointOptions } from './s3-endpoint.js';
import { md5ETag, multipartETag, S3State } from './s3-state.js';

/** S3's smallest part but the last: 5 MiB. */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;

/** Options of {@link startS3Emulator}. */
export interface S3EmulatorOptions {
  /** Port to listen on (default: any free port). */
  readonly port?: number | undefined;
  /** Host to bind (default `127.0.0.1`). */
  readonly host?: string | undefined;
  /** The region requests must be signed for (default `us-east-1`). */
  readonly region?: string | undefined;
  /** The only access key id accepted (default `AKIAEMULATORS3000001`). */
  readonly accessKeyId?: string | undefined;
  /** The secret signatures must be made with (default `emulator-s3-secret-access-key`). */
  readonly secretAccessKey?: string | undefined;
  /** Buckets that exist from the start. */
  readonly buckets?: readonly string[] | undefined;
  /** Smallest part of a multipart upload but the last (default S3's 5 MiB); smaller keeps tests small. */
  readonly minPartBytes?: number | undefined;
  /** Seed of the throttling PRNG. */
  readonly seed?: number | undefined;
  /** Clock in milliseconds, for presigned URL expiry and dates (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
}

/** Static credentials the emulator accepts. */
export interface S3EmulatorCredentials {
  /** Access key id. */
  readonly accessKeyId: string;
  /** Secret access key; the emulator verifies SigV4 signatures with it. */
  readonly secretAccessKey: string;
}

/** What points an `S3Client` at the emulator: spread into `new S3Client({ ...emu.clientOptions })`. */
export interface S3EmulatorClientOptions {
  /** The emulator's endpoint. */
  readonly endpoint: string;
  /** The region requests are signed for. */
  readonly region: string;
  /** Path-style addressing (`/<bucket>/<key>`): the loopback address has no bucket subdomains. */
  readonly forcePathStyle: true;
  /** Credentials the emulator accepts. */
  readonly credentials: S3EmulatorCredentials;
}

/** What points an S3 artifact store at the emulator: spread into `createS3ArtifactStore({ ...emu.providerOptions, bucket })`. */
export interface S3EmulatorProviderOptions extends S3EmulatorClientOptions {
  /** The emulator's smallest part, so the store accepts parts that small. */
  readonly minPartSizeBytes: number;
}

/** Calls counted per operation, for N+1 checks and figures. */
export type S3EmulatorStats = EmulatorStats;

/** An object as the emulator holds it. */
export interface S3EmulatedObject {
  /** Key. */
  readonly key: string;
  /** Content. */
  readonly bytes: Buffer;
  /** Quoted ETag, as S3 computes it. */
  readonly etag: string;
  /** Media type. */
  readonly contentType: string;
  /** User metadata. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Tags. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Options of {@link S3Emulator.putObject}. */
export interface S3DirectPutOptions {
  /** Media type (default `binary/octet-stream`, S3's own default). */
  readonly contentType?: string | undefined;
  /** User metadata (keys lower case). */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** Write as a multipart upload in parts of this size: the ETag then has S3's `-N` form. */
  readonly partSizeBytes?: number | undefined;
}

/** An unfinished multipart upload as the emulator holds it. */
export interface S3EmulatedUpload {
  /** Bucket. */
  readonly bucket: string;
  /** Key. */
  readonly key: string;
  /** Upload id. */
  readonly uploadId: string;
  /** Numbers of the parts uploaded so far. */
  readonly partNumbers: readonly number[];
}

/**
 * A running S3 emulator. Start one with {@link startS3Emulator}.
 *
 * ```ts
 * const emu = await startS3Emulator({ buckets: ['images'], minPartBytes: 1024 });
 * const store = createS3ArtifactStore({ ...emu.providerOptions, bucket: 'images' });
 * emu.faults.throttle(0.3);                         // 30 % SlowDown
 * emu.faults.dropResponse('CompleteMultipartUpload');
 * console.log(emu.stats.byOperation());
 * await emu.close();
 * ```
 */
export class S3Emulator extends EmulatorBase {
  /** Spread into `new S3Client({ ...emu.clientOptions })`. */
  readonly clientOptions: S3EmulatorClientOptions;
  /** Spread into `createS3ArtifactStore({ ...emu.providerOptions, bucket })`. */
  readonly providerOptions: S3EmulatorProviderOptions;
  /** Call counts per operation (a view of {@link log}). */
  readonly stats: S3EmulatorStats;

  private constructor(
    server: EmulatorServer,
    private readonly state: S3State,
    region: string,
    credentials: S3EmulatorCredentials,
    minPartBytes: number,
  ) {
    super(server);
    this.clientOptions = { endpoint: server.endpoint, region, forcePathStyle: true, credentials };
    this.providerOptions = { ...this.clientOptions, minPartSizeBytes: minPartBytes };
    const { log } = server;
    this.stats = emulatorStats(log);
  }

  /** Starts an emulator; see {@link startS3Emulator}. */
  static async start(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
    const region = options.region ?? 'us-east-1';
    const clock = options.clock ?? Date.now;
    const credentials = { accessKeyId: options.accessKeyId ?? 'AKIAEMULATORS3000001', secretAccessKey: options.secretAccessKey ?? 'emulator-s3-secret-access-key' };
    const minPartBytes = options.minPartBytes ?? S3_MIN_PART_BYTES;
    if (!Number.isSafeInteger(minPartBytes) || minPartBytes < 1) throw new Error('[novacron] [s3-emulator] minPartBytes must be a positive integer');
    const state = new S3State(clock);
    for (const bucket of options.buckets ?? []) {
      checkBucketName(bucket);
      state.addBucket(bucket);
    }
    const faults = new FaultPlan(options.seed ?? 1);
    const server = await EmulatorServer.start({
      host: options.host,
      port: options.port,
      ...s3EndpointOptions({ state, faults, minPartBytes, region, secretAccessKey: credentials.secretAccessKey, check: { ...credentials, region, clock } }),
    });
    return new S3Emulator(server, state, region, credentials, minPartBytes);
  }

  /** Creates a bucket directly (no API call). */
  createBucket(name: string): void {
    checkBucketName(name);
    if (!this.state.buckets.has(name)) this.state.addBucket(name);
  }

  /** The region requests are signed for (every bucket of this emulator is in it). */
  get region(): string {
    return this.clientOptions.region;
  }

  /** Whether a bucket exists (no API call): what an in-process service checks before it writes. */
  hasBucket(name: string): boolean {
    return this.state.buckets.has(name);
  }

  /**
   * Stores an object directly (no API call), as another AWS service writing into the customer's
   * bucket does (VM Import/Export's ExportImage). The ETag is S3's: the MD5 of the bytes for a
   * single PUT, or with `partSizeBytes` the multipart form (MD5 of the parts' MD5s, `-N`) when the
   * bytes span more than one part. Throws when the bucket does not exist.
   */
  putObject(bucket: string, key: string, bytes: Buffer, options: S3DirectPutOptions = {}): S3EmulatedObject {
    const target = this.state.buckets.get(bucket);
    if (!target) throw new Error(`[novacron] [s3-emulator] bucket ${bucket} does not exist`);
    const part = options.partSizeBytes;
    const parts: Buffer[] = [];
    if (part !== undefined && part > 0 && bytes.length > part) for (let at = 0; at < bytes.length; at += part) parts.push(bytes.subarray(at, at + part));
    target.objects.set(key, {
      key,
      bytes,
      etag: parts.length > 1 ? multipartETag(parts.map(md5ETag)) : md5ETag(bytes),
      contentType: options.contentType ?? 'binary/octet-stream',
      metadata: { ...options.metadata },
      tags: new Map(),
      lastModified: this.state.now(),
      partsCount: parts.length > 1 ? parts.length : undefined,
      checksums: {},
    });
    return this.object(bucket, key)!;
  }

  /** An object, or `undefined`. */
  object(bucket: string, key: string): S3EmulatedObject | undefined {
    const o = this.state.buckets.get(bucket)?.objects.get(key);
    return o && { key: o.key, bytes: o.bytes, etag: o.etag, contentType: o.contentType, metadata: { ...o.metadata }, tags: Object.fromEntries(o.tags) };
  }

  /** Keys of a bucket's objects, sorted. */
  keys(bucket: string): string[] {
    return [...(this.state.buckets.get(bucket)?.objects.keys() ?? [])].sort();
  }

  /** Unfinished multipart uploads (of one bucket when given). */
  uploads(bucket?: string): S3EmulatedUpload[] {
    return [...this.state.uploads.values()]
      .filter((u) => bucket === undefined || u.bucket === bucket)
      .map((u) => ({ bucket: u.bucket, key: u.key, uploadId: u.uploadId, partNumbers: [...u.parts.keys()].sort((a, b) => a - b) }));
  }
}

/**
 * Starts an S3 emulator on a local port. Works in plain Node (no test runner needed); see
 * {@link S3Emulator} for an example.
 */
export function startS3Emulator(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
  return S3Emulator.start(options);
}
