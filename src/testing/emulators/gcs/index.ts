/** The Cloud Storage emulator: a local Cloud Storage JSON API (objects, resumable uploads, signed URLs) for tests, demos and offline use. */
export { GcsEmulator, startGcsEmulator } from './gcs-emulator.js';
export type { GcsClientOptions, GcsEmulatorOptions, GcsEmulatorStats, GcsEmulatorStoreOptions, GcsObjectInfo, GcsServiceAccountCredentials, GcsStoredObject } from './gcs-emulator.js';
export { GcsEmulatorAuthClient, type GcsRequestOptions, type GcsResponse } from './gcs-auth-client.js';
export { GCS_OPERATIONS, type GcsOperationName } from './gcs-endpoint.js';
export { Crc32c, crc32cBase64 } from './crc32c.js';
