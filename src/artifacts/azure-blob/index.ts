/** The Azure Blob Storage artifact store: block blobs, and page blobs for fixed VHDs. */
export { AzureBlobArtifactStore, createAzureBlobArtifactStore, type AzureBlobArtifactStoreOptions } from './azure-blob-store.js';
