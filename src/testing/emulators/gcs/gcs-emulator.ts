/**
 * A local Cloud Storage for tests, demos and offline work: the JSON API subset
 * `@google-cloud/storage` uses — objects get (metadata, and media with `Range`), list (prefix,
 * delimiter, pages), delete, patch, inserts (media, multipart, and resumable sessions with
 * 308 Resume Incomplete, status queries and cancellation), buckets get and insert — and V4 signed
 * URL reads, verified with the public key of a service account generated at start. Objects carry
 * generations, metagenerations, MD5 and CRC32C as Cloud Storage computes them. It stands on the
 * emulator kit, so faults are the kit's, said in Cloud Storage's words (429
 * `rateLimitExceeded` with Retry-After for throttling; operation names in {@link GCS_OPERATIONS}).
 *
 * ```ts
 * const emu = await startGcsEmulator({ buckets: ['images'] });
 * const store = createGcsArtifactStore({ ...emu.storeOptions('images') });
 * const storage = new Storage({ ...emu.clientOptions });
 * emu.faults.dropResponse('objects.upload'); // the next chunk lands, its answer is lost
 * console.log(emu.stats.byOperation());
 * await emu.close();
 * ```
 */
import { emulatorStats, type EmulatorStats } from '../kit/request-log.js';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { EmulatorBase } from '../kit/emulator-base.js';
import { EmulatorServer } from '../kit/emulator-server.js';
import { FaultPlan } from '../kit/fault-plan.js';
import { GceTokenIssuer } from '../gce/gce-auth-client.js';
import { GcsEmulatorAuthClient } from './gcs-auth-client.js';
import { gcsEndpointOptions } from './gcs-endpoint.js';
import { GcsState } from './gcs-state.js';
import type { GcsWorld } from './gcs-world.js';

/** Options of {@link startGcsEmulator}. */
export interface GcsEmulatorOptions {
  /** Project id (default `novacron-emulator`). */
  readonly project?: string | undefined;
  /** Buckets that exist from the start. */
  readonly buckets?: readonly string[] | undefined;
  /** Port (default: any free port). */
  readonly port?: number | undefined;
  /** Host to bind (default `127.0.0.1`). */
  readonly host?: string | undefined;
  /** Largest request body the emulator takes, bytes (default 1 GiB). */
  readonly maxObjectBytes?: number | undefined;
  /** Seed of the throttling PRNG. */
  readonly seed?: number | undefined;
  /** Clock, epoch ms (default `Date.now`): signed URL expiry and session lifetime read it. */
  readonly clock?: (() => number) | undefined;
}

/** A service account key file's fields, as Google's libraries take it in `credentials`. */
export interface GcsServiceAccountCredentials {
  /** `service_account`. */
  readonly type: 'service_account';
  /** Project id. */
  readonly project_id: string;
  /** Key id. */
  readonly private_key_id: string;
  /** The RSA private key, PKCS#8 PEM (generated at start; test material only). */
  readonly private_key: string;
  /** The account's email. */
  readonly client_email: string;
  /** The account's numeric id. */
  readonly client_id: string;
}

/** What `new Storage({ ...emu.clientOptions })` needs. */
export interface GcsClientOptions {
  /** Project id. */
  readonly projectId: string;
  /** The emulator's base URL. */
  readonly apiEndpoint: string;
  /** Authenticate against this custom endpoint too (the library does not by default). */
  readonly useAuthWithCustomEndpoint: true;
  /** The emulator's auth client. */
  readonly authClient: GcsEmulatorAuthClient;
}

/** What `createGcsArtifactStore({ ...emu.storeOptions(bucket) })` needs. */
export interface GcsEmulatorStoreOptions {
  /** Bucket. */
  readonly bucket: string;
  /** Project id. */
  readonly projectId: string;
  /** The emulator's base URL. */
  readonly apiEndpoint: string;
  /** The emulator's auth client (requests). */
  readonly authClient: GcsEmulatorAuthClient;
  /** The emulator's service account (signed URLs). */
  readonly credentials: GcsServiceAccountCredentials;
}

/** Calls counted per operation, for N+1 checks and figures. */
export type GcsEmulatorStats = EmulatorStats;

/** An object as the emulator holds it (a copy). */
export interface GcsStoredObject {
  /** Name. */
  readonly name: string;
  /** Generation. */
  readonly generation: number;
  /** Metageneration. */
  readonly metageneration: number;
  /** Content. */
  readonly data: Buffer;
  /** Media type. */
  readonly contentType: string;
  /** User metadata. */
  readonly metadata: Readonly<Record<string, string>>;
  /** MD5, base64. */
  readonly md5Hash: string;
  /** CRC32C, base64 big-endian. */
  readonly crc32c: string;
}

/** An object's metadata, read in process without copying its bytes (see {@link GcsEmulator.objectInfo}). */
export interface GcsObjectInfo {
  /** Bucket. */
  readonly bucket: string;
  /** Name. */
  readonly name: string;
  /** Size, bytes. */
  readonly sizeBytes: number;
  /** Generation. */
  readonly generation: number;
  /** Metageneration. */
  readonly metageneration: number;
  /** Media type. */
  readonly contentType: string;
  /** User metadata. */
  readonly metadata: Readonly<Record<string, string>>;
  /** MD5, base64. */
  readonly md5Hash: string;
  /** CRC32C, base64 big-endian. */
  readonly crc32c: string;
  /** Creation time, epoch ms. */
  readonly timeCreated: number;
}

/** Bytes handed out per chunk by {@link GcsEmulator.readObject}. */
const READ_CHUNK = 1024 * 1024;

/** A running Cloud Storage emulator. Start one with {@link startGcsEmulator}. */
export class GcsEmulator extends EmulatorBase {
  /** Spread into `new Storage({ ...emu.clientOptions })`. */
  readonly clientOptions: GcsClientOptions;
  /** The service account whose signed URLs the emulator accepts (its key file's fields). */
  readonly serviceAccount: GcsServiceAccountCredentials;
  /** Calls per operation (a view of the request log). */
  readonly stats: GcsEmulatorStats;
  /** The auth client whose token the emulator accepts. */
  readonly authClient: GcsEmulatorAuthClient;

  private constructor(
    server: EmulatorServer,
    private readonly state: GcsState,
    private readonly issuer: GceTokenIssuer,
    serviceAccount: GcsServiceAccountCredentials,
  ) {
    super(server);
    this.serviceAccount = serviceAccount;
    this.authClient = new GcsEmulatorAuthClient({ token: issuer.issue(), projectId: state.project });
    this.clientOptions = { projectId: state.project, apiEndpoint: server.endpoint, useAuthWithCustomEndpoint: true, authClient: this.authClient };
    const { log } = server;
    this.stats = emulatorStats(log);
  }

  /** Starts an emulator; see {@link startGcsEmulator}. */
  static async start(options: GcsEmulatorOptions = {}): Promise<GcsEmulator> {
    const project = options.project ?? 'novacron-emulator';
    const state = new GcsState(project, options.clock ?? Date.now);
    for (const bucket of options.buckets ?? []) state.createBucket(bucket);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const email = `novacron-emulator@${project}.iam.gserviceaccount.com`;
    const serviceAccount: GcsServiceAccountCredentials = {
      type: 'service_account',
      project_id: project,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: '100000000000000000001',
    };
    let endpoint = '';
    const world: GcsWorld = { state, endpoint: () => endpoint, serviceAccount: { email, publicKey }, maxObjectBytes: options.maxObjectBytes ?? 1024 * 1024 * 1024 };
    const issuer = new GceTokenIssuer();
    const server = await EmulatorServer.start({ host: options.host, port: options.port, faults: new FaultPlan(options.seed ?? 1), ...gcsEndpointOptions(world, issuer) });
    endpoint = server.endpoint;
    return new GcsEmulator(server, state, issuer, serviceAccount);
  }

  /** The project id. */
  get project(): string {
    return this.state.project;
  }

  /** Spread into `createGcsArtifactStore({ ...emu.storeOptions(bucket) })`. */
  storeOptions(bucket: string): GcsEmulatorStoreOptions {
    return { bucket, projectId: this.state.project, apiEndpoint: this.endpoint, authClient: this.authClient, credentials: this.serviceAccount };
  }

  /** Creates a bucket (no-op when it exists). */
  createBucket(name: string): void {
    this.state.createBucket(name);
  }

  /** The live object, or `undefined`. */
  object(bucket: string, name: string): GcsStoredObject | undefined {
    const o = this.state.object(bucket, name);
    return o && { name: o.name, generation: o.generation, metageneration: o.metageneration, data: Buffer.from(o.data), contentType: o.contentType, metadata: { ...o.metadata }, md5Hash: o.md5Hash, crc32c: o.crc32c };
  }

  /** True when the bucket exists. */
  hasBucket(name: string): boolean {
    return this.state.bucket(name) !== undefined;
  }

  /** The live object's metadata (no copy of its bytes), or `undefined`. */
  objectInfo(bucket: string, name: string): GcsObjectInfo | undefined {
    const o = this.state.object(bucket, name);
    return o && { bucket, name, sizeBytes: o.data.byteLength, generation: o.generation, metageneration: o.metageneration, contentType: o.contentType, metadata: { ...o.metadata }, md5Hash: o.md5Hash, crc32c: o.crc32c, timeCreated: o.timeCreated };
  }

  /**
   * Streams the live object's bytes in process, as another Google service reading the bucket
   * would (Compute Engine's image import); `undefined` when there is no such object. The
   * generation read is the one live at the call.
   */
  readObject(bucket: string, name: string): AsyncIterable<Uint8Array> | undefined {
    const o = this.state.object(bucket, name);
    if (!o) return undefined;
    const data = o.data;
    return (async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < data.byteLength; at += READ_CHUNK) yield data.subarray(at, Math.min(at + READ_CHUNK, data.byteLength));
    })();
  }

  /**
   * Writes a new generation of an object in process, as another Google service writing the
   * bucket would (an export worker's upload); the bucket must exist. Returns its metadata.
   */
  putObject(bucket: string, name: string, data: Uint8Array, options: { readonly contentType?: string | undefined; readonly metadata?: Readonly<Record<string, string>> | undefined } = {}): GcsObjectInfo {
    if (!this.state.bucket(bucket)) throw new Error(`[novacron] [gcs-emulator] no bucket ${bucket}`);
    this.state.putObject({ bucket, name, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), contentType: options.contentType ?? 'application/octet-stream', metadata: { ...options.metadata } });
    return this.objectInfo(bucket, name)!;
  }

  /** Resumable uploads still open (neither finalized nor cancelled), of `name` in `bucket` when given. */
  openUploads(bucket?: string, name?: string): number {
    return this.state.openSessions().filter((s) => (bucket === undefined || s.bucket === bucket) && (name === undefined || s.name === name)).length;
  }

  /** A new access token the emulator accepts (e.g. for a second auth client). */
  issueToken(): string {
    return this.issuer.issue();
  }

  /** Revokes every token issued so far: later calls with them answer 401. */
  revokeTokens(): void {
    this.issuer.revokeAll();
  }
}

/** Starts a Cloud Storage emulator on a free loopback port. */
export function startGcsEmulator(options: GcsEmulatorOptions = {}): Promise<GcsEmulator> {
  return GcsEmulator.start(options);
}
