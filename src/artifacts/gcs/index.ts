/** The Google Cloud Storage artifact store: resumable uploads, V4 signed reads. */
export { createGcsArtifactStore, GcsArtifactStore, type GcsArtifactStoreOptions } from './gcs-store.js';
export type { GcsAuthClient, GcsServiceAccountKey } from './gcs-api.js';
