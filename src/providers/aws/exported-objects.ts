/**
 * What `exportVM` reads of the object ExportImage wrote to S3: its size and the SHA-256 of its
 * bytes, through `@aws-sdk/client-s3`, `import()`ed on the first export (importing the adapter,
 * or using it for anything else, loads no S3 code).
 *
 * Why SHA-256 of the bytes read once, and not the MD5 an ETag can be: the ETag is an MD5 only
 * for an object written by one PUT and not encrypted with SSE-KMS or a customer key (Amazon S3
 * API Reference, `Object` data type, "ETag", read 2026-12), and VM Import/Export writes large
 * images in parts; the other clouds' artifacts and every transfer record SHA-256; and MD5
 * collisions can be made. The price is one GET of the whole image (time, bounded by
 * `readTimeoutMs`, and S3 data transfer out when the caller runs outside the bucket's region),
 * which the transfer that follows would not need. The size is the one the GET reports, and the
 * bytes counted must match it.
 *
 * The client: the provider's credentials, the export's region, its timeouts and retry strategy,
 * and S3's own endpoint; the EC2 `endpoint` override is not S3's, so an endpoint (an emulator,
 * a VPC endpoint, an S3-compatible store) comes in `s3.clientConfig`, merged over the rest.
 */
import { createHash } from 'node:crypto';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type * as S3Sdk from '@aws-sdk/client-s3';
import { abortReason, throwIfAborted } from '../../provider/abort.js';
import { ProviderUnavailableError, TimeoutError } from '../../provider/errors.js';
import type { Checksum } from '../../provider/types.js';
import type { AwsApiOptions } from './aws-api.js';
import { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './aws-api.js';
import { toNovacronError } from './error-mapping.js';
import { createSdkRetryStrategy } from './sdk-retry-strategy.js';

/** The `@aws-sdk/client-s3` module. */
type S3Module = typeof S3Sdk;

/** How the AWS adapter reaches S3 for the disk images VM Import/Export writes. */
export interface AwsS3Options {
  /** A ready `S3Client`, used for every region (the client package is still imported for its commands). */
  readonly client?: S3Client | undefined;
  /**
   * `S3Client` options merged over the adapter's own (the provider's credentials, the export's
   * region, its timeouts and retries): an `endpoint` with `forcePathStyle` for an emulator, a VPC
   * endpoint or an S3-compatible store, other `credentials`, ...
   */
  readonly clientConfig?: Partial<S3ClientConfig> | undefined;
  /** Longest time to read an exported object whole to hash it, in milliseconds (default 30 minutes). */
  readonly readTimeoutMs?: number | undefined;
}

/** An exported object's size and checksum. */
export interface ExportedObject {
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** SHA-256 of the bytes. */
  readonly checksum: Checksum;
}

/** What {@link ExportedObjects} needs of the provider's options. */
export type ExportedObjectsOptions = Pick<AwsApiOptions, 'providerName' | 'credentials' | 'maxAttempts' | 'retryBaseDelayMs' | 'requestTimeoutMs' | 'connectionTimeoutMs'> & {
  /** S3 settings. */
  readonly s3?: AwsS3Options | undefined;
};

/** Default of `readTimeoutMs`. */
const DEFAULT_READ_TIMEOUT_MS = 30 * 60_000;
const S3_LOCATION = /^s3:\/\/([^/]+)\/(.+)$/;

/** Reads size and SHA-256 of exported objects; one lazily built S3 client per region. */
export class ExportedObjects {
  private modulePromise: Promise<S3Module> | undefined;
  private readonly clients = new Map<string, Promise<S3Client>>();

  /** Keeps the options; nothing is loaded yet. */
  constructor(private readonly options: ExportedObjectsOptions) {}

  /** Size and SHA-256 of the object at `location` (`s3://bucket/key`) in `region`, read once. */
  async describe(location: string, region: string, signal: AbortSignal | undefined): Promise<ExportedObject> {
    throwIfAborted(signal);
    const m = S3_LOCATION.exec(location);
    if (!m) throw new ProviderUnavailableError({ provider: this.options.providerName, message: `exportVM: ${location} is not an s3:// location`, retryable: false });
    const [, bucket, key] = m as unknown as [string, string, string];
    const limitMs = this.options.s3?.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    const deadline = AbortSignal.timeout(limitMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const [client, sdk] = await Promise.all([this.client(region), this.module()]);
    try {
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: combined });
      const sizeBytes = out.ContentLength;
      const hash = createHash('sha256');
      let read = 0;
      for await (const chunk of out.Body as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        read += chunk.length;
      }
      if (sizeBytes === undefined || read !== sizeBytes) {
        throw new ProviderUnavailableError({ provider: this.options.providerName, message: `exportVM: reading ${location} gave ${read} bytes of ${sizeBytes ?? 'an unknown number of'}`, retryable: true });
      }
      return { sizeBytes, checksum: { algorithm: 'sha256', value: hash.digest('hex') } };
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      if (deadline.aborted) throw new TimeoutError({ provider: this.options.providerName, resourceId: location, message: `exportVM: reading ${location} to hash it took more than ${limitMs} ms` });
      // The image stays in the bucket: the message says where, for a retry or a clean-up by hand.
      throw toNovacronError(error, { operation: `exportVM (reading the size and checksum of the exported ${location})`, resourceType: 'object', resourceId: location, provider: this.options.providerName, region });
    }
  }

  private module(): Promise<S3Module> {
    this.modulePromise ??= import('@aws-sdk/client-s3').catch((error: unknown) => {
      this.modulePromise = undefined;
      throw new ProviderUnavailableError({
        provider: this.options.providerName,
        message: 'cannot load @aws-sdk/client-s3; install it (npm i @aws-sdk/client-s3) to export VMs to S3 (it reads the size and checksum of the exported image)',
        cause: error,
        retryable: false,
        requestSent: false,
      });
    });
    return this.modulePromise;
  }

  private client(region: string): Promise<S3Client> {
    const injected = this.options.s3?.client;
    if (injected) return Promise.resolve(injected);
    let client = this.clients.get(region);
    if (!client) {
      const { options } = this;
      const maxAttempts = options.maxAttempts ?? 5;
      client = this.module().then(
        (m) =>
          new m.S3Client({
            region,
            ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
            maxAttempts,
            retryStrategy: createSdkRetryStrategy({ maxAttempts, baseDelayMs: options.retryBaseDelayMs }),
            requestHandler: {
              requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
              connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
              throwOnRequestTimeout: true,
            },
            ...options.s3?.clientConfig,
          }),
      );
      client.catch(() => this.clients.delete(region));
      this.clients.set(region, client);
    }
    return client;
  }
}
