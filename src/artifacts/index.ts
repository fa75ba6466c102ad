/**
 * `novacron/artifacts`: where exported disk images live between clouds, and how they move.
 *
 * - Stores implementing the {@link ArtifactStore} specification: memory (the reference), S3
 *   (`@aws-sdk/client-s3`), Azure Blob Storage (`@azure/storage-blob`; page blobs for VHDs) and
 *   Cloud Storage (`@google-cloud/storage`; resumable uploads), and OpenStack Glance (image
 *   upload and download over the OpenStack adapter's connection). Each SDK is an optional peer,
 *   loaded on the store's first call: importing this entry loads none of them.
 * - {@link transferArtifact}: streams an artifact from one store to another, converting its format
 *   with `qemu-img` where they differ (VMDK, fixed VHD, raw, qcow2, and Compute Engine's
 *   `disk.raw` in a `.tar.gz`), verifies checksums end to end, resumes an interrupted upload from
 *   its last confirmed part through a durable-operation record, and removes partial uploads and
 *   work files on failure.
 *
 * @module novacron/artifacts
 * @packageDocumentation
 */
import type { ArtifactStore } from '../provider/artifact-store.js';

export type { ArtifactStore };
export { createMemoryArtifactStore, MemoryArtifactBackend, MemoryArtifactStore, type MemoryArtifactBackendOptions, type MemoryArtifactStoreOptions } from './memory-store.js';
export { createS3ArtifactStore, S3ArtifactStore, SHA256_TAG, type S3ArtifactStoreOptions } from './s3/index.js';
export { AzureBlobArtifactStore, createAzureBlobArtifactStore, type AzureBlobArtifactStoreOptions } from './azure-blob/index.js';
export { createGcsArtifactStore, GcsArtifactStore, type GcsArtifactStoreOptions, type GcsAuthClient, type GcsServiceAccountKey } from './gcs/index.js';
export {
  createGlanceArtifactStore,
  GlanceArtifactStore,
  type GlanceArtifactStoreOptions,
  type GlanceStoreConnectionOptions,
  type GlanceStoreKeystoneOptions,
  type GlanceStoreSettings,
} from './glance/index.js';
export { transferArtifact, type TransferArtifactOptions, type TransferPhase, type TransferProgress, type TransferResult } from './transfer.js';
export type { TransferOperation } from './transfer-journal.js';
export { ChecksumMismatchError } from './transfer-errors.js';
export {
  ArtifactFormatError,
  isDiskFormat,
  MIB,
  QEMU_CREATE_OPTIONS,
  QEMU_FORMAT_NAMES,
  qemuFormatName,
  roundUpToMiB,
  type ArtifactPackaging,
  type DiskFormat,
} from './disk-format.js';
export { createQemuImg, DiskConversionError, QemuImg, type DiskImageInfo, type QemuConvertOptions, type QemuImgCallOptions, type QemuImgOptions } from './qemu-img.js';
export { GCE_DISK_ENTRY, packGceTarGz, unpackGceTarGz, type PackGceTarGzOptions } from './gce-tar.js';
