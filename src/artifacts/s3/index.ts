/** The S3 artifact store: disk images in an S3 bucket, through `@aws-sdk/client-s3` loaded on first use. */
export { createS3ArtifactStore, S3ArtifactStore, SHA256_TAG, type S3ArtifactStoreOptions } from './s3-store.js';
