/**
 * A test-local ArtifactStore over a directory, shared by every process that opens the same
 * root: objects are files, an upload is a folder of part files with its session beside them, so
 * a process killed mid-upload leaves exactly what a multipart store would, and a new process
 * can resume it. Every part written is appended to `parts.log`, which is how the tests count
 * uploads across processes. The store computes the MD5 of what it holds (as Azure, GCS and
 * single-part S3 do) and reports the SHA-256 the writer recorded in `novacron-sha256`.
 * Faults: fail after N parts, stall after N parts (for the kill test), corrupt on completion.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type {
  ArtifactObject,
  ArtifactReadOptions,
  ArtifactStore,
  ArtifactStoreCapabilities,
  ArtifactWriteOptions,
  UploadSession,
  UploadedPart,
} from '../../src/provider/artifact-store.js';
import { NotFoundError, ProviderUnavailableError, UnsupportedError } from '../../src/provider/errors.js';
import type { CallOptions } from '../../src/provider/provider-v1.js';

/** Faults the store injects. */
export interface DirectoryStoreFaults {
  /** Throws `ProviderUnavailableError` once this many parts of one write are stored (counting resumed parts). */
  failAfterParts?: number | undefined;
  /** After this many parts are stored and recorded, writes `stalled` to stdout and waits forever. */
  stallAfterParts?: number | undefined;
  /** Flips a byte of the object when an upload completes. */
  corruptOnComplete?: boolean | undefined;
}

/** Options of {@link createDirectoryStore}. */
export interface DirectoryStoreOptions {
  root: string;
  name?: string;
  partSizeBytes?: number;
  faults?: DirectoryStoreFaults;
}

interface ObjectMeta {
  key: string;
  md5: string;
  sha256: string | undefined;
  contentType: string | undefined;
  metadata: Record<string, string>;
}

interface UploadMeta {
  key: string;
  contentType: string | undefined;
  metadata: Record<string, string>;
}

class DirectoryStore implements ArtifactStore {
  readonly specVersion = 1 as const;
  readonly kind = 'directory';
  readonly name: string;
  readonly capabilities: ArtifactStoreCapabilities = { presignedRead: false, minPartBytes: 1024, maxPartBytes: 64 * 1024 * 1024, resumableUpload: true, needsSize: false };
  readonly faults: DirectoryStoreFaults;
  private readonly root: string;
  private readonly partSize: number;

  constructor(options: DirectoryStoreOptions) {
    this.root = options.root;
    this.name = options.name ?? 'dir';
    this.partSize = options.partSizeBytes ?? 256 * 1024;
    this.faults = { ...options.faults };
  }

  locationOf(key: string): string {
    return `dir://${this.name}/${key}`;
  }

  keyOf(location: string): string | undefined {
    const prefix = `dir://${this.name}/`;
    return location.startsWith(prefix) ? location.slice(prefix.length) : undefined;
  }

  async head(key: string, _options?: CallOptions): Promise<ArtifactObject | undefined> {
    try {
      const meta = JSON.parse(await readFile(this.metaPath(key), 'utf8')) as ObjectMeta;
      const size = (await stat(this.objectPath(key))).size;
      return {
        key,
        location: this.locationOf(key),
        sizeBytes: size,
        checksum: { algorithm: 'md5', value: meta.md5 },
        sha256: meta.sha256,
        contentType: meta.contentType,
        metadata: meta.metadata,
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async openRead(key: string, options: ArtifactReadOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    if (!(await this.head(key))) throw new NotFoundError({ provider: this.name, message: `no object ${key}`, resourceType: 'artifact', resourceId: key });
    return createReadStream(this.objectPath(key), { start: options.start, end: options.end, signal: options.signal });
  }

  async write(key: string, body: AsyncIterable<Uint8Array>, options: ArtifactWriteOptions = {}): Promise<ArtifactObject> {
    const partSize = options.resume?.partSizeBytes ?? options.partSizeBytes ?? this.partSize;
    let session: UploadSession;
    if (options.resume) {
      session = options.resume;
      try {
        await stat(join(this.uploadDir(session.uploadId), 'upload.json'));
      } catch {
        throw new NotFoundError({ provider: this.name, message: `no upload ${session.uploadId}`, resourceType: 'upload', resourceId: session.uploadId });
      }
    } else {
      const uploadId = randomUUID();
      await mkdir(this.uploadDir(uploadId), { recursive: true });
      const meta: UploadMeta = { key, contentType: options.contentType, metadata: { ...options.metadata } };
      await writeFile(join(this.uploadDir(uploadId), 'upload.json'), JSON.stringify(meta));
      session = { store: this.name, key, uploadId, partSizeBytes: partSize, parts: [], committedBytes: 0 };
    }
    let buffered: Uint8Array[] = [];
    let bufferedBytes = 0;
    const flush = async (): Promise<void> => {
      const number = session.parts.length + 1;
      const data = Buffer.concat(buffered);
      buffered = [];
      bufferedBytes = 0;
      await writeFile(join(this.uploadDir(session.uploadId), `part-${number}`), data);
      await appendFile(join(this.root, 'parts.log'), `${process.pid} ${session.uploadId} ${number} ${data.length}\n`);
      const part: UploadedPart = { number, sizeBytes: data.length, token: createHash('md5').update(data).digest('hex') };
      session = { ...session, parts: [...session.parts, part], committedBytes: session.committedBytes + data.length };
      await options.onSession?.(session);
      options.onProgress?.(session.committedBytes);
      if (this.faults.failAfterParts !== undefined && session.parts.length >= this.faults.failAfterParts) {
        throw new ProviderUnavailableError({ provider: this.name, message: `injected failure after part ${number}` });
      }
      if (this.faults.stallAfterParts !== undefined && session.parts.length >= this.faults.stallAfterParts) {
        process.stdout.write(`stalled ${number}\n`);
        await new Promise(() => undefined);
      }
    };
    for await (const chunk of body) {
      options.signal?.throwIfAborted();
      let rest = chunk;
      while (rest.length > 0) {
        const take = Math.min(rest.length, partSize - bufferedBytes);
        buffered.push(rest.subarray(0, take));
        bufferedBytes += take;
        rest = rest.subarray(take);
        if (bufferedBytes === partSize) await flush();
      }
    }
    if (bufferedBytes > 0 || session.parts.length === 0) await flush();
    return this.complete(session);
  }

  async abortUpload(session: UploadSession, _options?: CallOptions): Promise<void> {
    await rm(this.uploadDir(session.uploadId), { recursive: true, force: true });
  }

  async delete(key: string, _options?: CallOptions): Promise<void> {
    await rm(this.objectPath(key), { force: true });
    await rm(this.metaPath(key), { force: true });
  }

  async *list(prefix = '', _options?: CallOptions): AsyncIterable<ArtifactObject> {
    let names: string[];
    try {
      names = await readdir(join(this.root, 'objects'));
    } catch {
      return;
    }
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const key = decodeURIComponent(name.slice(0, -'.json'.length));
      if (!key.startsWith(prefix)) continue;
      const object = await this.head(key);
      if (object) yield object;
    }
  }

  presignRead(_key: string): Promise<string> {
    return Promise.reject(new UnsupportedError({ provider: this.name, capability: 'presignedRead', message: 'directory stores have no URLs' }));
  }

  /** Unfinished uploads (folders) left in the store. */
  async uploadsLeft(): Promise<string[]> {
    try {
      return await readdir(join(this.root, 'uploads'));
    } catch {
      return [];
    }
  }

  private async complete(session: UploadSession): Promise<ArtifactObject> {
    const dir = this.uploadDir(session.uploadId);
    const meta = JSON.parse(await readFile(join(dir, 'upload.json'), 'utf8')) as UploadMeta;
    await mkdir(join(this.root, 'objects'), { recursive: true });
    const tmp = `${this.objectPath(session.key)}.${randomUUID()}.tmp`;
    const md5 = createHash('md5');
    const out = createWriteStream(tmp);
    const faults = this.faults;
    async function* parts(): AsyncGenerator<Uint8Array> {
      let first = true;
      for (const part of session.parts) {
        const data = await readFile(join(dir, `part-${part.number}`));
        if (first && faults.corruptOnComplete && data.length > 0) data[0] = data[0]! ^ 0xff;
        first = false;
        md5.update(data);
        yield data;
      }
    }
    await pipeline(parts(), out);
    await rename(tmp, this.objectPath(session.key));
    const objectMeta: ObjectMeta = { key: session.key, md5: md5.digest('hex'), sha256: meta.metadata['novacron-sha256'], contentType: meta.contentType, metadata: meta.metadata };
    await writeFile(this.metaPath(session.key), JSON.stringify(objectMeta));
    await rm(dir, { recursive: true, force: true });
    return (await this.head(session.key))!;
  }

  private uploadDir(uploadId: string): string {
    return join(this.root, 'uploads', uploadId);
  }

  private objectPath(key: string): string {
    return join(this.root, 'objects', encodeURIComponent(key));
  }

  private metaPath(key: string): string {
    return join(this.root, 'objects', `${encodeURIComponent(key)}.json`);
  }
}

/** The store type, for tests that reach its helpers. */
export type { DirectoryStore };

/** A store over `options.root`. */
export function createDirectoryStore(options: DirectoryStoreOptions): DirectoryStore {
  return new DirectoryStore(options);
}

/** The parts written to the store at `root`, in order, by any process: `{ pid, uploadId, number, sizeBytes }`. */
export async function partsLog(root: string): Promise<{ pid: number; uploadId: string; number: number; sizeBytes: number }[]> {
  let text: string;
  try {
    text = await readFile(join(root, 'parts.log'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pid, uploadId, number, size] = line.split(' ');
      return { pid: Number(pid), uploadId: uploadId!, number: Number(number), sizeBytes: Number(size) };
    });
}
