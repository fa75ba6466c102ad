/**
 * Compute Engine's side of Cloud Storage: the customer's bucket, read by an image import and
 * written by an export worker, in process through a linked Cloud Storage emulator (in GCE it is
 * the project's service agent that reads the bucket; no HTTP call of the customer's shows it).
 *
 * The words GCE uses, from users' reports (issue threads found with the project's search tool,
 * read 2026-12):
 * - a bucket that does not exist: `images.insert` answers 400 `gcsBucketNotFound`, "The Cloud
 *   Storage bucket 'b' is not found." (hashicorp/terraform-provider-google#19729, 2024);
 * - an object that does not exist: "The resource 'https://www.googleapis.com/storage/v1/b/b/o/o'
 *   of type 'Google Cloud Storage object' was not found." (zentralopensource/zentral#77, 2019);
 *   the emulator ends the image's operation with it as `RESOURCE_NOT_FOUND` (404);
 * - a source whose name is not a `.tar.gz`: 400 "Invalid value for field
 *   'resource.rawDisk.source': '…vmdk'. The provided source is not a supported file."
 *   (clearml/clearml-server#39, 2020; gcloud's `--source-uri` help: "a gzip-compressed tarball
 *   whose name ends in .tar.gz");
 * - an archive that is not a gzip'd tar holding `disk.raw`, or whose `disk.raw` is not a whole
 *   number of GB: the operation ends with `INVALID_IMAGE_TAR`, "The tar archive is not a valid
 *   image." (google/netbsd-gce#4, 2022; the size rule is the import guide's "a size in an
 *   increment of 1 GB", quoted in rancher/os#1998, and a 2026 report that an unpadded disk is
 *   refused with that message). The HTTP status of those failures is not reported; 400 here.
 */
import type { GcsEmulator } from '../gcs/gcs-emulator.js';
import { GceError, invalidField } from './gce-error.js';
import type { GceOperationFailure } from './operation-store.js';

/** What Compute Engine uses of a linked Cloud Storage emulator (a `GcsEmulator` is one). */
export type GceLinkedStorage = Pick<GcsEmulator, 'endpoint' | 'hasBucket' | 'objectInfo' | 'readObject' | 'putObject' | 'createBucket' | 'issueToken'>;

/** A Cloud Storage object named by a URL. */
export interface StorageObjectName {
  /** Bucket. */
  readonly bucket: string;
  /** Object name. */
  readonly object: string;
}

/** `https://storage.googleapis.com/{bucket}/{object}` (or `storage.cloud.google.com`), `undefined` for any other form. */
export function storageObjectOf(url: string): StorageObjectName | undefined {
  const m = /^https:\/\/storage\.(?:googleapis|cloud\.google)\.com\/([^/]+)\/(.+)$/.exec(url);
  return m ? { bucket: m[1]!, object: m[2]! } : undefined;
}

/** The object URL of an export destination (`gs://bucket/object`), `undefined` for another form. */
export function storageUrlOfGs(location: string): string | undefined {
  const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(location);
  return m ? `https://storage.googleapis.com/${m[1]}/${m[2]}` : undefined;
}

/** 400 for a `rawDisk.source` that is no Cloud Storage object URL. */
export function malformedSource(source: string): GceError {
  return invalidField('resource.rawDisk.source', source, 'The provided source location was not a valid Google Cloud Storage object reference.');
}

/** 400 for a `rawDisk.source` whose name is not a `.tar.gz`. */
export function unsupportedSource(source: string): GceError {
  return invalidField('resource.rawDisk.source', source, 'The provided source is not a supported file.');
}

/** 400 `gcsBucketNotFound`. */
export function bucketNotFound(bucket: string): GceError {
  return new GceError(400, 'gcsBucketNotFound', `The Cloud Storage bucket '${bucket}' is not found.`);
}

/** The failure of an import whose object does not exist. */
export function objectNotFound(name: StorageObjectName): GceOperationFailure {
  return { code: 'RESOURCE_NOT_FOUND', message: `The resource 'https://www.googleapis.com/storage/v1/b/${name.bucket}/o/${name.object}' of type 'Google Cloud Storage object' was not found.`, httpStatus: 404 };
}

/** The failure of an import whose archive is not a valid image. */
export const INVALID_IMAGE_TAR: GceOperationFailure = { code: 'INVALID_IMAGE_TAR', message: 'The tar archive is not a valid image.', httpStatus: 400 };
