/**
 * How the Glance artifact store reads and writes an image record: which image a key names, what
 * of the record is an {@link ArtifactObject}, and the properties the store keeps on it.
 *
 * Keys and locations. A key is an image **name** (Glance names are not unique, so the store
 * keeps one finished image per name and a write replaces the older ones); a key shaped like an
 * image id (a UUID) names the image with that id instead, so that images made elsewhere (a Nova
 * snapshot) can be read. The location of a key is `glance://<key>`, each `/`-separated segment
 * percent-encoded: for an id key that is `glance://<image-id>`. `keyOf` also takes the image's
 * own URL (`<Glance endpoint>/v2/images/<id>`, what `exportVM` answers) once the store knows its
 * Glance endpoint from the service catalog (after its first call, or at once on a shared
 * connection that has one).
 *
 * Properties (extra properties are string attributes of the image, at most 255 characters of name):
 * - `novacron-writing`: set at create, removed when the write completes. An image that has it is
 *   an unfinished upload whatever its status; `head`, `list` and `openRead` see only images
 *   `active` without it.
 * - `novacron-sha256`: the SHA-256 of the data, set with the same patch that removes the marker.
 * - `novacron-content-type`: the write's media type.
 * - `novacron-meta-<key>`: user metadata (prefixed so that no key can collide with Glance's own
 *   attributes, such as `owner` or `os_hash_algo`).
 */
import type { ArtifactObject } from '../../provider/artifact-store.js';
import { isUuid } from '../../providers/openstack/naming.js';
import type { GlanceImage } from '../../providers/openstack/wire-types.js';
import { GLANCE_SCHEME, isFinished, keyOfLocation, locationOfKey, SHA256_PROPERTY, WRITING_PROPERTY } from '../../providers/openstack/glance-locations.js';

export { GLANCE_SCHEME, isFinished, keyOfLocation, locationOfKey, SHA256_PROPERTY, WRITING_PROPERTY };

/** The property of the media type. */
export const CONTENT_TYPE_PROPERTY = 'novacron-content-type';
/** The prefix of user-metadata properties. */
export const METADATA_PREFIX = 'novacron-meta-';
/** Longest image name (Glance's schema: 255 characters). */
export const MAX_IMAGE_NAME = 255;

/** True when `key` names an image by id rather than by name. */
export function isImageIdKey(key: string): boolean {
  return isUuid(key);
}



/** The properties a write sets for `contentType` and user `metadata` (keys already lower case). */
export function writeProperties(contentType: string, metadata: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { [CONTENT_TYPE_PROPERTY]: contentType };
  for (const [k, v] of Object.entries(metadata)) out[METADATA_PREFIX + k] = v;
  return out;
}

/** An image as the object at `key`. */
export function toArtifactObject(key: string, image: GlanceImage): ArtifactObject {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(image)) if (k.startsWith(METADATA_PREFIX) && typeof v === 'string') metadata[k.slice(METADATA_PREFIX.length)] = v;
  const recorded = image[SHA256_PROPERTY];
  const contentType = image[CONTENT_TYPE_PROPERTY];
  return {
    key,
    location: locationOfKey(key),
    sizeBytes: Number(image.size ?? 0),
    checksum: image.checksum ? { algorithm: 'md5', value: image.checksum } : undefined,
    sha256: typeof recorded === 'string' ? recorded : image.os_hash_algo === 'sha256' && image.os_hash_value ? image.os_hash_value : undefined,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    metadata,
  };
}

/** Creation time of an image in epoch ms (0 when unknown), for "newest first". */
export function createdAtMs(image: GlanceImage): number {
  const at = Date.parse(image.created_at ?? '');
  return Number.isFinite(at) ? at : 0;
}
