/** The S3 emulator: a local Amazon S3 REST endpoint for tests, demos and offline use. */
export { S3_MIN_PART_BYTES, S3Emulator, startS3Emulator } from './s3-emulator.js';
export type {
  S3DirectPutOptions,
  S3EmulatedObject,
  S3EmulatedUpload,
  S3EmulatorClientOptions,
  S3EmulatorCredentials,
  S3EmulatorOptions,
  S3EmulatorProviderOptions,
  S3EmulatorStats,
} from './s3-emulator.js';
export type { S3OperationName } from './s3-endpoint.js';
