/**
 * Moving a disk image from one artifact store to another, converting it on the way.
 *
 * Two paths. When the format and packaging stay the same, the bytes stream from the source
 * store into the destination's multipart upload and nothing touches the local disk. Otherwise
 * the image is spooled into the work directory (transfer-spool.ts: download, raw guest disk,
 * target format) and the file is uploaded. Either way the uploaded bytes are hashed as they
 * go (SHA-256 and MD5) and compared with the source's checksum and with what the destination
 * reports; the raw guest disk's SHA-256 (`guestSha256`) lets a caller check that a chain of hops
 * kept the guest's bytes.
 *
 * Crash safety: the progress is a durable operation (transfer-journal.ts). After every part the
 * destination confirms, its `UploadSession` is written to the record; a run under the same
 * operation id resumes that upload. The bytes of a resumed upload must be the bytes of the first
 * run: the spooled file is reused when it is still there with the recorded hash; otherwise the
 * image is converted again, and since VMDK and VHD(X) carry timestamps and UUIDs (qemu-img's
 * output differs between runs), an upload whose bytes came out different is aborted and started
 * afresh. On failure the partial upload is aborted, an object this transfer wrote is deleted and
 * the work files are removed (unless `onFailure: 'keep-resumable'`).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { abortErrorFor } from '../federation/operations/deadline.js';
import type { ArtifactObject, ArtifactStore, UploadSession } from '../provider/artifact-store.js';
import { ConflictError, InvalidSpecError, NotFoundError, TimeoutError, UnsupportedError } from '../provider/errors.js';
import { canonicalJson } from '../provider/offer-selection.js';
import type { CallOptions } from '../provider/provider-v1.js';
import type { Checksum, ImageArtifact } from '../provider/types.js';
import type { JsonValue } from '../state/state-store.js';
import { extensionOf, isDiskFormat, packagingOfLocation, type ArtifactPackaging, type DiskFormat } from './disk-format.js';
import { QemuImg, createQemuImg, type QemuImgOptions } from './qemu-img.js';
import { ChecksumMismatchError } from './transfer-errors.js';
import { TransferJournal, type TransferOperation } from './transfer-journal.js';
import { ContentHasher, checkAgainst, spoolImage, spooledImageIntact, type ContentDigest, type SpooledImage } from './transfer-spool.js';

/** Default limit of a whole transfer, in ms. */
const DEFAULT_TRANSFER_TIMEOUT_MS = 6 * 60 * 60_000;
/** Limit of each clean-up call after a failure, in ms. */
const CLEANUP_TIMEOUT_MS = 60_000;

/** The phases a transfer reports. */
export type TransferPhase = 'download' | 'convert' | 'upload' | 'verify';

/** Where a transfer stands, as reported to `onProgress`. */
export interface TransferProgress {
  /** The phase. */
  readonly phase: TransferPhase;
  /** Bytes done in the phase (upload: confirmed by the destination, counting a resumed upload's earlier parts). */
  readonly bytes: number;
  /** Bytes the phase has in all, when known. */
  readonly totalBytes?: number | undefined;
}

/** Options of {@link transferArtifact}. */
export interface TransferArtifactOptions extends CallOptions {
  /** The store holding the artifact, or stores to find it among (by `keyOf(artifact.location)`). */
  readonly from: ArtifactStore | readonly ArtifactStore[];
  /** Format to write (default the artifact's). */
  readonly format?: DiskFormat | undefined;
  /**
   * Wrapping to write: `gce-tar-gz` (Compute Engine's `disk.raw` in a `.tar.gz`, raw only) or
   * `none`. Default for raw: by the name of `key` when given (`.tar.gz`/`.tgz`); else the
   * source's wrapping when it is raw too; else `gce-tar-gz` into a `gcs` store. Other formats: `none`.
   */
  readonly packaging?: ArtifactPackaging | undefined;
  /** Destination key (default: the source key's base name with the target format's extension). */
  readonly key?: string | undefined;
  /** Replace an object already at `key` (default `false`: a `ConflictError`). */
  readonly overwrite?: boolean | undefined;
  /** Upload part size (default the destination's). */
  readonly partSizeBytes?: number | undefined;
  /**
   * Work out `guestSha256` also when nothing is converted and the format is not raw: the image is
   * then spooled and read through qemu-img instead of streamed (default `false`).
   */
  readonly guestChecksum?: boolean | undefined;
  /**
   * `metadata` (default): compare size and the checksums the destination reports (`head`);
   * `read-back`: also read the object back and hash it (costs a second transfer of the bytes).
   */
  readonly verify?: 'metadata' | 'read-back' | undefined;
  /** Record progress durably so that a new process can resume (see {@link TransferOperation}). */
  readonly operation?: TransferOperation | undefined;
  /** Folder for spooled images (default the OS temporary folder); needs room for two copies of the disk. */
  readonly workDir?: string | undefined;
  /** The qemu-img to convert with, or options to find it (default: `qemu-img` on `PATH`). */
  readonly qemuImg?: QemuImg | QemuImgOptions | undefined;
  /** Called as bytes move. */
  readonly onProgress?: ((progress: TransferProgress) => void) | undefined;
  /** `clean-up` (default): abort the upload and remove work files on failure; `keep-resumable`: leave both for a retry under the same operation. */
  readonly onFailure?: 'clean-up' | 'keep-resumable' | undefined;
  /** Longest transfer in ms (default 6 h); then a `TimeoutError`. */
  readonly timeoutMs?: number | undefined;
  /** Clock in epoch ms (default `Date.now`). */
  readonly now?: (() => number) | undefined;
}

/** What a transfer produced. */
export interface TransferResult {
  /** The artifact at the destination: its format, location, size and SHA-256. */
  readonly artifact: ImageArtifact;
  /** The destination object, as the store reported it after the upload. */
  readonly object: ArtifactObject;
  /** SHA-256 of the uploaded bytes (hex). */
  readonly sha256: string;
  /** MD5 of the uploaded bytes (hex). */
  readonly md5: string;
  /** SHA-256 of the raw guest disk (hex); `undefined` for a streamed copy of a non-raw format (see `guestChecksum`). */
  readonly guestSha256: string | undefined;
  /** Size of the raw guest disk in bytes, when `guestSha256` is known. */
  readonly guestSizeBytes: number | undefined;
  /** How the destination object is wrapped. */
  readonly packaging: ArtifactPackaging;
  /** Whether the bytes went through the work directory (conversion or packaging). */
  readonly spooled: boolean;
  /** Bytes the destination already had from an earlier run when this one started uploading (0 when fresh). */
  readonly resumedFromBytes: number;
  /** Bytes this run sent to the destination. */
  readonly uploadedBytes: number;
  /** The transfer had finished in an earlier run: nothing moved now. */
  readonly reused: boolean;
  /** The durable operation's id. */
  readonly operationId: string;
}

/**
 * Copies `artifact` into `to`, converting it to `options.format` (through qemu-img) and packing
 * it for Compute Engine where asked; streams, verifies the bytes end to end, resumes an upload
 * recorded under `options.operation`, and cleans up after itself on failure.
 */
export function transferArtifact(artifact: ImageArtifact, to: ArtifactStore, options: TransferArtifactOptions): Promise<TransferResult> {
  return new ArtifactTransfer(artifact, to, options).run();
}

/** What a transfer was asked, resolved. */
interface TransferPlan {
  readonly from: ArtifactStore;
  readonly sourceKey: string;
  readonly sourceFormat: DiskFormat;
  readonly sourcePackaging: ArtifactPackaging;
  readonly format: DiskFormat;
  readonly packaging: ArtifactPackaging;
  readonly key: string;
  readonly spool: boolean;
  readonly needsQemu: boolean;
}

/** The bytes an upload sends. */
interface UploadContent {
  /** What they are, recorded with the upload so a resumed run sends the same. */
  readonly id: string;
  readonly sizeBytes: number | undefined;
  readonly open: () => Promise<AsyncIterable<Uint8Array>>;
  /** The checksum they must have, and which check that is. */
  readonly expected: Checksum | undefined;
  readonly expectedStage: 'source' | 'spool';
  readonly guestSha256: string | undefined;
  readonly guestSizeBytes: number | undefined;
}

/** What the upload step records as its input. */
interface UploadInput {
  readonly content: string;
  readonly key: string;
  readonly existedBefore: boolean;
}

/** What a failure must undo. */
interface CleanupState {
  dir: string | undefined;
  session: UploadSession | undefined;
  /** The key held nothing before this transfer (or this transfer completed a write to it): a delete removes only ours. */
  ownsKey: boolean;
}

/** One transfer. Build it through {@link transferArtifact}. */
class ArtifactTransfer {
  private readonly now: () => number;
  private qemu: QemuImg | undefined;

  constructor(
    private readonly artifact: ImageArtifact,
    private readonly to: ArtifactStore,
    private readonly options: TransferArtifactOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async run(): Promise<TransferResult> {
    const plan = await this.plan();
    if (plan.needsQemu) await this.qemuImg().binary();
    const opened = await TransferJournal.open({
      operation: this.options.operation,
      fingerprint: this.fingerprint(plan),
      input: { source: this.artifact.location, to: this.to.name, key: plan.key, format: plan.format, packaging: plan.packaging },
      now: this.now,
      signal: this.options.signal,
    });
    if ('settled' in opened) return { ...(opened.settled as unknown as TransferResult), reused: true, uploadedBytes: 0 };
    const journal = opened.journal;
    const { signal, dispose } = this.boundedSignal(journal.operationId);
    const state: CleanupState = { dir: undefined, session: undefined, ownsKey: false };
    try {
      const result = await this.execute(plan, journal, signal, state);
      await journal.succeed(result as unknown as JsonValue);
      if (state.dir) await rm(state.dir, { recursive: true, force: true });
      return result;
    } catch (caught) {
      // Streams report an abort in their own words; the caller gets the novacron error behind it.
      const error: unknown = signal.aborted ? signal.reason : caught;
      if ((this.options.onFailure ?? 'clean-up') === 'clean-up') await this.cleanUp(plan, state);
      await journal.fail(error).catch(() => undefined);
      throw error;
    } finally {
      dispose();
      await journal.close();
    }
  }

  private async plan(): Promise<TransferPlan> {
    const { artifact, options } = this;
    if (!isDiskFormat(artifact.format)) {
      throw new UnsupportedError({ capability: `transfer:${artifact.format}`, message: `transferArtifact moves disk images (raw, qcow2, vmdk, vhd, vhdx); a ${artifact.format} artifact lives inside its cloud` });
    }
    const format = options.format ?? artifact.format;
    if (!isDiskFormat(format)) throw new InvalidSpecError({ issues: [{ field: 'options.format', message: `not a disk format: ${String(format)}` }] });
    const stores = Array.isArray(options.from) ? (options.from as readonly ArtifactStore[]) : [options.from as ArtifactStore];
    const found = await sourceStoreOf(stores, artifact.location, this.options.signal);
    if (!found) throw new InvalidSpecError({ issues: [{ field: 'options.from', message: `no store given reads ${artifact.location}` }] });
    const { store: from, key: sourceKey } = found;
    const sourcePackaging = artifact.format === 'raw' ? packagingOfLocation(artifact.location) : 'none';
    const packaging = options.packaging ?? this.defaultPackaging(format, sourcePackaging);
    if (packaging === 'gce-tar-gz' && format !== 'raw') {
      throw new InvalidSpecError({ issues: [{ field: 'options.packaging', message: `Compute Engine's tar.gz holds a raw disk, not ${format}` }] });
    }
    const key = options.key ?? defaultKey(sourceKey, format, packaging);
    if (from === this.to && key === sourceKey) throw new InvalidSpecError({ issues: [{ field: 'options.key', message: 'the destination is the source itself' }] });
    const same = format === artifact.format && packaging === sourcePackaging;
    const spool = !same || (options.guestChecksum === true && !(format === 'raw' && packaging === 'none'));
    const needsQemu = spool && (artifact.format !== 'raw' || format !== 'raw');
    return { from, sourceKey, sourceFormat: artifact.format, sourcePackaging, format, packaging, key, spool, needsQemu };
  }

  /** By the key's name when one is given; else the source's when the format stays; else a tar.gz for raw into Cloud Storage. */
  private defaultPackaging(format: DiskFormat, sourcePackaging: ArtifactPackaging): ArtifactPackaging {
    if (format !== 'raw') return 'none';
    if (this.options.key !== undefined) return packagingOfLocation(this.options.key);
    if (this.artifact.format === 'raw') return sourcePackaging;
    return this.to.kind === 'gcs' ? 'gce-tar-gz' : 'none';
  }

  private async execute(plan: TransferPlan, journal: TransferJournal, signal: AbortSignal, state: CleanupState): Promise<TransferResult> {
    const content = plan.spool ? await this.spooled(plan, journal, signal, state) : await this.streamed(plan, signal);
    const upload = await this.upload(plan, content, journal, signal, state);
    const digest = upload.digest;
    if (content.expected) checkAgainst(content.expected, digest, content.expectedStage, content.expectedStage === 'source' ? 'the source as read' : 'the spooled image as sent');
    this.progress('verify', 0, digest.sizeBytes);
    await this.verify(plan.key, digest, signal);
    this.progress('verify', digest.sizeBytes, digest.sizeBytes);
    const guestSha256 = content.guestSha256 ?? (plan.format === 'raw' && plan.packaging === 'none' ? digest.sha256 : undefined);
    return {
      artifact: {
        format: plan.format,
        location: this.to.locationOf(plan.key),
        sizeBytes: digest.sizeBytes,
        checksum: { algorithm: 'sha256', value: digest.sha256 },
        sourceProvider: this.artifact.sourceProvider,
        sourceProviderKind: this.artifact.sourceProviderKind,
        sourceVmId: this.artifact.sourceVmId,
        baseImage: this.artifact.baseImage,
        createdAt: new Date(this.now()).toISOString(),
      },
      object: upload.object,
      sha256: digest.sha256,
      md5: digest.md5,
      guestSha256,
      guestSizeBytes: content.guestSizeBytes ?? (guestSha256 !== undefined ? digest.sizeBytes : undefined),
      packaging: plan.packaging,
      spooled: plan.spool,
      resumedFromBytes: upload.resumedFromBytes,
      uploadedBytes: upload.uploadedBytes,
      reused: false,
      operationId: journal.operationId,
    };
  }

  /** The source's bytes as they are, streamed from its store. */
  private async streamed(plan: TransferPlan, signal: AbortSignal): Promise<UploadContent> {
    const head = await plan.from.head(plan.sourceKey, { signal });
    if (!head) throw new NotFoundError({ provider: plan.from.name, resourceType: 'artifact', resourceId: plan.sourceKey, message: `no object at ${this.artifact.location}` });
    return {
      id: `source:${this.artifact.location}`,
      sizeBytes: head.sizeBytes,
      open: () => plan.from.openRead(plan.sourceKey, { signal }),
      expected: this.artifact.checksum,
      expectedStage: 'source',
      guestSha256: undefined,
      guestSizeBytes: undefined,
    };
  }

  /** The converted image in the work directory: the one an earlier run left when intact, else a new one. */
  private async spooled(plan: TransferPlan, journal: TransferJournal, signal: AbortSignal, state: CleanupState): Promise<UploadContent> {
    const prior = journal.last('prepare');
    let image: SpooledImage | undefined;
    if (prior?.step.status === 'succeeded') {
      const recorded = prior.step.output as unknown as SpooledImage;
      state.dir = dirname(recorded.path);
      if (await spooledImageIntact(recorded, signal)) image = recorded;
    }
    if (!image) {
      const dir = join(this.options.workDir ?? tmpdir(), `novacron-transfer-${createHash('sha256').update(journal.operationId).digest('hex').slice(0, 16)}`);
      state.dir = dir;
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const index = await journal.start('prepare', { source: this.artifact.location, format: plan.format, packaging: plan.packaging });
      image = await spoolImage({
        dir,
        open: () => plan.from.openRead(plan.sourceKey, { signal }),
        sourceFormat: plan.sourceFormat,
        sourcePackaging: plan.sourcePackaging,
        sourceChecksum: this.artifact.checksum,
        targetFormat: plan.format,
        targetPackaging: plan.packaging,
        qemuImg: () => this.qemuImg(),
        signal,
        progress: (phase, bytes, totalBytes) => this.progress(phase, bytes, totalBytes),
      });
      await journal.settle(index, 'succeeded', { output: image as unknown as JsonValue });
    } else {
      this.progress('convert', image.sizeBytes, image.sizeBytes);
    }
    const path = image.path;
    return {
      id: `spool:${image.sha256}`,
      sizeBytes: image.sizeBytes,
      open: () => Promise.resolve(createReadStream(path, { signal, highWaterMark: 1024 * 1024 })),
      expected: { algorithm: 'sha256', value: image.sha256 },
      expectedStage: 'spool',
      guestSha256: image.guestSha256,
      guestSizeBytes: image.guestSizeBytes,
    };
  }

  /** Uploads `content`, resuming the recorded session when it was for the same bytes. */
  private async upload(
    plan: TransferPlan,
    content: UploadContent,
    journal: TransferJournal,
    signal: AbortSignal,
    state: CleanupState,
  ): Promise<{ object: ArtifactObject; digest: ContentDigest; resumedFromBytes: number; uploadedBytes: number }> {
    const prior = journal.last('upload');
    const priorInput = prior?.step.input as unknown as UploadInput | undefined;
    const priorOutput = prior?.step.output as { session?: UploadSession | null; object?: ArtifactObject; digest?: ContentDigest } | undefined;
    const sameBytes = priorInput !== undefined && priorInput.content === content.id && priorInput.key === plan.key;
    let index: number;
    let session: UploadSession | undefined;
    if (prior && sameBytes && prior.step.status === 'succeeded' && priorOutput?.object && priorOutput.digest) {
      // The write had completed before the crash: verify it, do not send it again.
      state.ownsKey = true;
      return { object: priorOutput.object, digest: priorOutput.digest, resumedFromBytes: priorOutput.digest.sizeBytes, uploadedBytes: 0 };
    }
    if (prior && sameBytes) {
      index = prior.index;
      session = priorOutput?.session ?? undefined;
      state.ownsKey = !priorInput.existedBefore;
    } else {
      if (prior && priorOutput?.session && prior.step.status !== 'succeeded') {
        // The bytes changed (a conversion that is not deterministic ran again): that upload cannot continue.
        await this.to.abortUpload(priorOutput.session, { signal });
      }
      const existed = (await this.to.head(plan.key, { signal })) !== undefined;
      if (existed && this.options.overwrite !== true) {
        throw new ConflictError({ provider: this.to.name, message: `an object is already at ${this.to.locationOf(plan.key)}; pass overwrite: true to replace it` });
      }
      state.ownsKey = !existed;
      const input: UploadInput = { content: content.id, key: plan.key, existedBefore: existed };
      index = await journal.start('upload', input as unknown as JsonValue);
    }
    state.session = session;
    const attempt = async (resume: UploadSession | undefined): Promise<{ object: ArtifactObject; digest: ContentDigest; skip: number }> => {
      const hasher = new ContentHasher();
      const skip = resume?.committedBytes ?? 0;
      const source = await content.open();
      async function* body(): AsyncGenerator<Uint8Array> {
        // The bytes the store has are read again for the hash, not sent.
        for await (const chunk of source) {
          const at = hasher.sizeBytes;
          hasher.update(chunk);
          if (at + chunk.length <= skip) continue;
          yield at >= skip ? chunk : chunk.subarray(skip - at);
        }
      }
      const object = await this.to.write(plan.key, body(), {
        signal,
        resume,
        sizeBytes: content.sizeBytes,
        partSizeBytes: this.options.partSizeBytes,
        contentType: plan.packaging === 'gce-tar-gz' ? 'application/gzip' : 'application/octet-stream',
        metadata: this.metadata(plan, content),
        onSession: async (next) => {
          state.session = next;
          await journal.annotate(index, { session: next as unknown as JsonValue });
        },
        onProgress: (bytes) => this.progress('upload', bytes, content.sizeBytes),
      });
      return { object, digest: hasher.digest(), skip };
    };
    let done: { object: ArtifactObject; digest: ContentDigest; skip: number };
    try {
      done = await attempt(session);
    } catch (error) {
      // A session the store no longer knows (expired, aborted by hand): start the upload afresh.
      if (!session || !NotFoundError.isInstance(error)) throw error;
      state.session = undefined;
      await journal.annotate(index, { session: null });
      done = await attempt(undefined);
    }
    state.ownsKey = true;
    state.session = undefined;
    await journal.settle(index, 'succeeded', { output: { session: null, object: done.object as unknown as JsonValue, digest: done.digest as unknown as JsonValue } });
    return { object: done.object, digest: done.digest, resumedFromBytes: done.skip, uploadedBytes: done.digest.sizeBytes - done.skip };
  }

  /** Compares the destination's object with what was sent. */
  private async verify(key: string, digest: ContentDigest, signal: AbortSignal): Promise<void> {
    const head = await this.to.head(key, { signal });
    const where = this.to.locationOf(key);
    if (!head) throw new NotFoundError({ provider: this.to.name, resourceType: 'artifact', resourceId: key, message: `the object at ${where} is gone right after its upload` });
    if (head.sizeBytes !== digest.sizeBytes) {
      throw new ChecksumMismatchError({ stage: 'destination', expected: `${digest.sizeBytes} bytes`, actual: `${head.sizeBytes} bytes`, message: `${where} holds ${head.sizeBytes} bytes, ${digest.sizeBytes} were sent` });
    }
    if (head.sha256 !== undefined && head.sha256 !== digest.sha256) {
      throw new ChecksumMismatchError({ stage: 'destination', expected: digest.sha256, actual: head.sha256, message: `${where} reports sha256 ${head.sha256}, the bytes sent have ${digest.sha256}` });
    }
    checkAgainst(head.checksum, digest, 'destination', `${where} as its store reports it`);
    if (this.options.verify === 'read-back') {
      const hasher = new ContentHasher();
      for await (const chunk of await this.to.openRead(key, { signal })) {
        hasher.update(chunk);
        this.progress('verify', hasher.sizeBytes, digest.sizeBytes);
      }
      const back = hasher.digest();
      if (back.sha256 !== digest.sha256) {
        throw new ChecksumMismatchError({ stage: 'read-back', expected: digest.sha256, actual: back.sha256, message: `${where} reads back with sha256 ${back.sha256}, the bytes sent have ${digest.sha256}` });
      }
    }
  }

  /** Undoes a failed transfer, best effort: each step runs even when another fails. */
  private async cleanUp(plan: TransferPlan, state: CleanupState): Promise<void> {
    const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
    if (state.session) await this.to.abortUpload(state.session, { signal }).catch(() => undefined);
    if (state.ownsKey) await this.to.delete(plan.key, { signal }).catch(() => undefined);
    if (state.dir) await rm(state.dir, { recursive: true, force: true }).catch(() => undefined);
  }

  private metadata(plan: TransferPlan, content: UploadContent): Record<string, string> {
    const out: Record<string, string> = { 'novacron-format': plan.format };
    const sha = content.expected?.algorithm === 'sha256' ? content.expected.value : undefined;
    if (sha) out['novacron-sha256'] = sha;
    if (content.guestSha256) out['novacron-guest-sha256'] = content.guestSha256;
    return out;
  }

  private fingerprint(plan: TransferPlan): string {
    const asked = { source: this.artifact.location, checksum: this.artifact.checksum, to: this.to.name, key: plan.key, format: plan.format, packaging: plan.packaging };
    return createHash('sha256').update(canonicalJson(asked)).digest('hex').slice(0, 32);
  }

  private qemuImg(): QemuImg {
    const given = this.options.qemuImg;
    this.qemu ??= given instanceof QemuImg ? given : createQemuImg(given);
    return this.qemu;
  }

  private progress(phase: TransferPhase, bytes: number, totalBytes?: number): void {
    this.options.onProgress?.({ phase, bytes, totalBytes });
  }

  /** A signal that aborts with the caller's (as a novacron `AbortError`) or when the transfer's time is up (`TimeoutError`). */
  private boundedSignal(operationId: string): { signal: AbortSignal; dispose: () => void } {
    const controller = new AbortController();
    const caller = this.options.signal;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS;
    const onAbort = (): void => controller.abort(abortErrorFor(caller!, { operation: 'transferArtifact', operationId }));
    if (caller?.aborted) onAbort();
    caller?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new TimeoutError({ message: `transferArtifact did not finish within ${timeoutMs} ms`, operationId })), timeoutMs);
    timer.unref?.();
    return {
      signal: controller.signal,
      dispose: () => {
        clearTimeout(timer);
        caller?.removeEventListener('abort', onAbort);
      },
    };
  }
}

/** The source key's name without its image extension, with the target's. */
function defaultKey(sourceKey: string, format: DiskFormat, packaging: ArtifactPackaging): string {
  const base = sourceKey.replace(/\.(tar\.gz|tgz|raw|img|qcow2|vmdk|vhdx|vhd)$/i, '');
  return `${base}.${extensionOf(format, packaging)}`;
}

/** The store holding `location` and its key there: by `keyOf` first, then by the stores that `locate` with I/O. */
async function sourceStoreOf(stores: readonly ArtifactStore[], location: string, signal: AbortSignal | undefined): Promise<{ store: ArtifactStore; key: string } | undefined> {
  for (const store of stores) {
    const key = store.keyOf(location);
    if (key !== undefined) return { store, key };
  }
  for (const store of stores) {
    const key = await store.locate?.(location, { signal });
    if (key !== undefined) return { store, key };
  }
  return undefined;
}
