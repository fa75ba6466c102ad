/**
 * The `glance://` locations of images that novacron's Glance artifact store writes, read here
 * too so that `importVM` boots such an image as it is. A location is `glance://<key>`, each
 * `/`-separated segment percent-encoded; a key shaped like an image id names that image, any
 * other key the newest finished image of that name. A finished image is `active` and carries no
 * `novacron-writing` marker (the store sets it at create and removes it once the data is whole).
 */
import { isUuid } from './naming.js';
import type { GlanceImage } from './wire-types.js';

/** Scheme of Glance locations. */
export const GLANCE_SCHEME = 'glance://';
/** The property of an unfinished upload. */
export const WRITING_PROPERTY = 'novacron-writing';
/** The property of the data's SHA-256 (hex), set by the store after it hashed the upload and Glance's MD5 agreed. */
export const SHA256_PROPERTY = 'novacron-sha256';

/** `glance://<key>`, each segment percent-encoded. */
export function locationOfKey(key: string): string {
  return GLANCE_SCHEME + key.split('/').map(encodeURIComponent).join('/');
}

/** The key of `glance://…`, or of `<imageBase>/images/<id>[/file]` when `imageBase` is known; else `undefined`. */
export function keyOfLocation(location: string, imageBase: string | undefined): string | undefined {
  if (location.startsWith(GLANCE_SCHEME)) {
    const rest = location.slice(GLANCE_SCHEME.length);
    if (rest === '') return undefined;
    try {
      return rest.split('/').map(decodeURIComponent).join('/');
    } catch {
      return undefined;
    }
  }
  if (imageBase === undefined || !location.startsWith(`${imageBase}/images/`)) return undefined;
  const m = /^([0-9a-fA-F-]{36})(?:\/file)?$/.exec(location.slice(imageBase.length + '/images/'.length));
  return m && isUuid(m[1]!) ? m[1] : undefined;
}

/** True for an image whose upload is complete. */
export function isFinished(image: GlanceImage): boolean {
  return image.status === 'active' && image[WRITING_PROPERTY] === undefined;
}
