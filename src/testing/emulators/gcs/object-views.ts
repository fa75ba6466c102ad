/**
 * Objects and buckets in the Cloud Storage JSON API's resource shapes (`storage#object`,
 * `storage#bucket`; JSON API reference "Objects" and "Buckets" resources, read 2026-12): sizes
 * and generations as strings, times as RFC 3339, digests base64.
 */
import type { GcsBucketRecord, GcsObjectRecord } from './gcs-state.js';

/** The `storage#object` resource of a record. */
export function objectResource(endpoint: string, o: GcsObjectRecord): Record<string, unknown> {
  const path = `b/${o.bucket}/o/${encodeURIComponent(o.name)}`;
  const resource: Record<string, unknown> = {
    kind: 'storage#object',
    id: `${o.bucket}/${o.name}/${o.generation}`,
    selfLink: `${endpoint}/storage/v1/${path}`,
    mediaLink: `${endpoint}/download/storage/v1/${path}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket: o.bucket,
    generation: String(o.generation),
    metageneration: String(o.metageneration),
    contentType: o.contentType,
    storageClass: 'STANDARD',
    size: String(o.data.byteLength),
    md5Hash: o.md5Hash,
    crc32c: o.crc32c,
    etag: etagOf(o),
    timeCreated: new Date(o.timeCreated).toISOString(),
    updated: new Date(o.updated).toISOString(),
    timeStorageClassUpdated: new Date(o.timeCreated).toISOString(),
  };
  if (Object.keys(o.metadata).length > 0) resource.metadata = { ...o.metadata };
  return resource;
}

/** An object's ETag (changes with the generation and the metageneration). */
export function etagOf(o: GcsObjectRecord): string {
  return Buffer.from(`${o.generation}/${o.metageneration}`).toString('base64');
}

/** The `storage#bucket` resource. */
export function bucketResource(endpoint: string, project: string, b: GcsBucketRecord): Record<string, unknown> {
  return {
    kind: 'storage#bucket',
    id: b.name,
    selfLink: `${endpoint}/storage/v1/b/${b.name}`,
    projectNumber: '123456789012',
    name: b.name,
    timeCreated: new Date(b.timeCreated).toISOString(),
    updated: new Date(b.timeCreated).toISOString(),
    metageneration: '1',
    location: 'US',
    locationType: 'multi-region',
    storageClass: 'STANDARD',
    etag: 'CAE=',
    labels: { project },
  };
}
