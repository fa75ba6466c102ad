/**
 * VM Import/Export as the emulator runs it: the guest disks behind AMIs and instances, and the
 * customer's S3 bucket that ExportImage writes to and ImportImage reads from.
 *
 * Disks: a public AMI has a small synthetic disk (seeded by its name, so the same image has the
 * same bytes in every region); CreateImage and CopyImage give the new AMI the disk of the
 * instance or image they start from, ImportImage the disk read from the upload; an instance's
 * root volume is the disk of its AMI (guests never write here, so a disk is shared, not copied).
 * Disks are made lazily, so an emulator that never exports writes no file.
 *
 * The bucket: an in-process S3 emulator. Linked (`startEc2Emulator({ s3 })`) it is as strict as
 * S3 is: ExportImage refuses a bucket that does not exist or that is in another region, and
 * ImportImage reads only objects that are there. Without a link the EC2 emulator keeps a private
 * S3 emulator of its own in which every bucket exists (created on first use), and objects
 * declared by size alone (`Ec2Emulator.putObject`) import as synthetic disks of that size.
 *
 * The work behind a task (qemu-img rendering an export, probing and converting an upload) runs
 * in the background from the call on; the task's state still moves on the lifecycle clock, and
 * a task whose time is up stays `active` until its work is done.
 *
 * Wording of failures, from the VM Import/Export User Guide, "Troubleshooting VM Import/Export"
 * and the ExportImage and ImportImage API references (read 2026-12): an upload that is not a
 * stream-optimized VMDK fails `ClientError: Disk validation failed [Unsupported VMDK File
 * Format]`; the emulator words other unreadable or mismatched uploads the same way for their
 * declared format. A missing upload fails with the guide's "Invalid S3 source location" in that
 * form. A bucket in another region is refused at the call with `InvalidParameter` ("The given S3
 * object is not local to the region"); the guide does not word a missing bucket, which the
 * emulator refuses the same way, at the call (the destination "must exist").
 *
 * Not emulated: OVA uploads (a tar of an OVF and its disks) fail as an unsupported format,
 * though AWS takes them. The S3 emulator keeps objects in memory, so an export is read into a
 * Buffer once rendered, and an upload is read from one; the disks themselves stay in files.
 */
import { readFile } from 'node:fs/promises';
import type { DiskFormat } from '../../../artifacts/disk-format.js';
import { GuestImageError, type GuestDisk, type GuestDiskStore } from '../kit/guest-disks.js';
import type { S3Emulator } from '../s3/s3-emulator.js';
import { Ec2ApiError } from './ec2-api-error.js';

const MIB = 1024 * 1024;
const GIB = 1024 ** 3;

/** A disk made on first use, then shared by every AMI, snapshot and instance that has it. */
export class GuestDiskRef {
  private disk: Promise<GuestDisk> | undefined;

  /** Keeps how to make the disk; nothing is written yet. */
  constructor(private readonly make: () => Promise<GuestDisk>) {}

  /** A ref to a disk that exists already. */
  static of(disk: GuestDisk): GuestDiskRef {
    return new GuestDiskRef(() => Promise.resolve(disk));
  }

  /** The disk (made now if it is not yet). */
  get(): Promise<GuestDisk> {
    if (!this.disk) {
      this.disk = this.make();
      this.disk.catch(() => (this.disk = undefined));
    }
    return this.disk;
  }
}

/** An object declared by size alone, with no bytes (`Ec2Emulator.putObject`). */
export interface DeclaredObject {
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** SHA-256 given for it, hex. */
  readonly sha256: string;
}

/** What a task's work came to. */
type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Background work of one task, with its outcome once it has one; failures become a status message. */
class TaskWork<T> {
  /** What the work came to, once it has ended. */
  outcome: Outcome<T> | undefined;
  /** Settles when the work has ended (never rejects). */
  readonly done: Promise<void>;

  /** Starts `work`; a failure that is no refusal of the upload is worded `failureMessage` (with its cause). */
  constructor(work: () => Promise<T>, failureMessage: string) {
    this.done = work().then(
      (value) => {
        this.outcome = { ok: true, value };
      },
      (error: unknown) => {
        const message = error instanceof TaskRefusal ? error.message : error instanceof GuestImageError ? failureMessage : `${failureMessage} (${error instanceof Error ? error.message : String(error)})`;
        this.outcome = { ok: false, message };
      },
    );
  }
}

/** A refusal whose message is already the task's status message. */
class TaskRefusal extends Error {}

/** Where an export task stands when its time is up. */
export type ExportFinish = { readonly status: 'active' } | { readonly status: 'completed' } | { readonly status: 'deleted'; readonly message: string };

/** Where an import task stands when its time is up. */
export type ImportFinish =
  | { readonly status: 'active' }
  | { readonly status: 'completed'; readonly disk: GuestDiskRef; readonly rootSizeGiB: number }
  | { readonly status: 'deleted'; readonly message: string };

/** An export as ExportImage asked for it. */
export interface ExportRequest {
  /** Task id. */
  readonly taskId: string;
  /** Disk of the AMI. */
  readonly disk: GuestDiskRef;
  /** Format to write. */
  readonly format: DiskFormat;
  /** Destination bucket. */
  readonly bucket: string;
  /** Destination key (`<prefix><task id>.<ext>`). */
  readonly key: string;
}

/** An import as ImportImage asked for it. */
export interface ImportRequest {
  /** Task id. */
  readonly taskId: string;
  /** Source bucket. */
  readonly bucket: string;
  /** Source key. */
  readonly key: string;
  /** `DiskContainer.Format` (upper case). */
  readonly format: string;
}

/** What an ImportImage call learns at once of its upload. */
export interface ImportStart {
  /** Bytes of the upload (0 when missing). */
  readonly uploadSizeBytes: number;
}

/** Options of {@link VmImportExport}. */
export interface VmImportExportOptions {
  /** The bucket service. */
  readonly s3: S3Emulator;
  /** Linked by the test (strict), or the emulator's private one (every bucket exists). */
  readonly linked: boolean;
  /** The guest disks (closed with this service). */
  readonly disks: GuestDiskStore;
  /** Part size an export is written in; larger exports get S3's multipart ETag. */
  readonly exportPartBytes: number;
  /** Size of a public AMI's synthetic disk. */
  readonly publicDiskBytes?: number | undefined;
}

/** `DiskContainer.Format` values the emulator converts, in qemu-img's terms. */
const IMPORT_FORMATS: Readonly<Record<string, DiskFormat>> = { VMDK: 'vmdk', VHD: 'vhd', VHDX: 'vhdx', RAW: 'raw' };

/** A disk-validation failure in VM Import/Export's words. */
function diskValidationFailed(detail: string): string {
  return `ClientError: Disk validation failed [${detail}]`;
}

/** The guest disks, the bucket, and the background work of the image tasks. */
export class VmImportExport {
  private readonly imageDisks = new Map<string, GuestDiskRef>();
  private readonly publicDisks = new Map<string, GuestDiskRef>();
  private readonly exports = new Map<string, TaskWork<Buffer>>();
  private readonly imports = new Map<string, TaskWork<{ disk: GuestDisk; rootSizeGiB: number }>>();
  /** Objects declared by size alone, by `s3://bucket/key`. */
  readonly declared = new Map<string, DeclaredObject>();
  private readonly publicDiskBytes: number;

  /** Keeps the parts; nothing is written yet. */
  constructor(private readonly options: VmImportExportOptions) {
    this.publicDiskBytes = options.publicDiskBytes ?? 2 * MIB;
  }

  /** The bucket service (linked or private). */
  get s3(): S3Emulator {
    return this.options.s3;
  }

  /** The disk of an AMI: its own (made by CreateImage, CopyImage, ImportImage), else a public image's synthetic one. */
  diskOfImage(image: { readonly imageId: string; readonly name: string }): GuestDiskRef {
    const own = this.imageDisks.get(image.imageId);
    if (own) return own;
    let ref = this.publicDisks.get(image.name);
    if (!ref) {
      ref = new GuestDiskRef(() => this.options.disks.syntheticDisk(image.name, this.publicDiskBytes));
      this.publicDisks.set(image.name, ref);
    }
    return ref;
  }

  /** Gives an AMI its disk. */
  setImageDisk(imageId: string, disk: GuestDiskRef): void {
    this.imageDisks.set(imageId, disk);
  }

  /** ExportImage's check of the destination, at the call: refused with `InvalidParameter`. */
  checkExportBucket(bucket: string, region: string): void {
    const { s3 } = this.options;
    if (!this.options.linked) {
      try {
        s3.createBucket(bucket);
      } catch {
        throw new Ec2ApiError('InvalidParameter', `Invalid S3 bucket name: ${bucket}`);
      }
      return;
    }
    if (!s3.hasBucket(bucket)) throw new Ec2ApiError('InvalidParameter', `The given S3 bucket does not exist: ${bucket}`);
    if (s3.region !== region) throw new Ec2ApiError('InvalidParameter', `The given S3 object is not local to the region. The object must be located in ${region}.`);
  }

  /** ImportImage's check of the source, at the call (a bucket in another region). */
  checkImportBucket(bucket: string, region: string): void {
    const { s3 } = this.options;
    if (this.options.linked && s3.hasBucket(bucket) && s3.region !== region) {
      throw new Ec2ApiError('InvalidParameter', `The given S3 object is not local to the region. The object must be located in ${region}.`);
    }
  }

  /** Renders the disk in the background; the object is written when the task completes. */
  startExport(request: ExportRequest): void {
    this.exports.set(
      request.taskId,
      new TaskWork(async () => {
        const disk = await request.disk.get();
        const rendered = await this.options.disks.render(disk, request.format);
        // The S3 emulator keeps objects in memory; emulated disks are a few MiB.
        return readFile(rendered.path);
      }, 'ClientError: Unable to export the image: the conversion failed'),
    );
  }

  /** Called when the export task's time is up: writes the object, or says why not yet or never. */
  finishExport(request: Pick<ExportRequest, 'taskId' | 'bucket' | 'key'>): ExportFinish {
    const job = this.exports.get(request.taskId);
    if (!job?.outcome) return job ? { status: 'active' } : { status: 'deleted', message: 'ClientError: the export task was lost' };
    this.exports.delete(request.taskId);
    if (!job.outcome.ok) return { status: 'deleted', message: job.outcome.message };
    const { s3 } = this.options;
    if (!s3.hasBucket(request.bucket)) {
      if (this.options.linked) return { status: 'deleted', message: `ClientError: Unable to write the image: the S3 bucket ${request.bucket} does not exist` };
      s3.createBucket(request.bucket);
    }
    s3.putObject(request.bucket, request.key, job.outcome.value, { partSizeBytes: this.options.exportPartBytes });
    return { status: 'completed' };
  }

  /** Forgets an export whose task failed before its work was needed. */
  dropExport(taskId: string): void {
    this.exports.delete(taskId);
  }

  /**
   * Reads the upload now (an object of the bucket, or one declared by size) and converts it in
   * the background; a missing one fails the task when its time is up.
   */
  startImport(request: ImportRequest): ImportStart {
    const declaredFormat = IMPORT_FORMATS[request.format];
    const uri = `s3://${request.bucket}/${request.key}`;
    const object = this.options.s3.object(request.bucket, request.key);
    const declared = object ? undefined : this.declared.get(uri);
    let work: () => Promise<{ disk: GuestDisk; rootSizeGiB: number }>;
    if (object) {
      const bytes = object.bytes;
      work = async () => {
        if (!declaredFormat) throw new TaskRefusal(diskValidationFailed(`Unsupported ${request.format} File Format`));
        const disk = await this.options.disks.fromImage(chunks(bytes), declaredFormat, { inspect: (info) => requireStreamOptimized(declaredFormat, info.formatSpecific) });
        return { disk, rootSizeGiB: Math.max(1, Math.ceil(disk.sizeBytes / GIB)) };
      };
    } else if (declared) {
      work = async () => ({ disk: await this.options.disks.syntheticDisk(uri, this.publicDiskBytes), rootSizeGiB: Math.max(1, Math.ceil(declared.sizeBytes / GIB)) });
    } else {
      work = () => Promise.reject(new TaskRefusal(diskValidationFailed('Invalid S3 source location')));
    }
    this.imports.set(request.taskId, new TaskWork(work, diskValidationFailed(`Unsupported ${request.format} File Format`)));
    return { uploadSizeBytes: object?.bytes.length ?? declared?.sizeBytes ?? 0 };
  }

  /** Called when the import task's time is up: the disk of the AMI to register, or why not yet or never. */
  finishImport(taskId: string): ImportFinish {
    const job = this.imports.get(taskId);
    if (!job?.outcome) return job ? { status: 'active' } : { status: 'deleted', message: 'ClientError: the import task was lost' };
    this.imports.delete(taskId);
    if (!job.outcome.ok) return { status: 'deleted', message: job.outcome.message };
    return { status: 'completed', disk: GuestDiskRef.of(job.outcome.value.disk), rootSizeGiB: job.outcome.value.rootSizeGiB };
  }

  /** Waits for the background work, then removes every disk file (and stops a private S3 emulator). */
  async close(): Promise<void> {
    await Promise.all([...this.exports.values(), ...this.imports.values()].map((j) => j.done));
    this.exports.clear();
    this.imports.clear();
    await this.options.disks.close();
    if (!this.options.linked) await this.options.s3.close();
  }
}

/** VM Import/Export takes only stream-optimized VMDKs (User Guide, "Image formats supported"). */
function requireStreamOptimized(format: DiskFormat, specific: Readonly<Record<string, unknown>> | undefined): void {
  if (format !== 'vmdk') return;
  if (specific?.['create-type'] !== 'streamOptimized') throw new GuestImageError('format-mismatch', `the VMDK is ${String(specific?.['create-type'] ?? 'of an unknown type')}, not streamOptimized`);
}

/** The bytes as a stream of 64 KiB chunks. */
async function* chunks(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
}
