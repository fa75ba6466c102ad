/**
 * The one Cloud Storage JSON API call the GCE adapter makes: an object's metadata
 * (`GET /storage/v1/b/{bucket}/o/{object}`, the object name URL-encoded), answered from the
 * emulator's object registry in the shape of the Cloud Storage reference (`storage#object`:
 * `size` as a string, `md5Hash` and `crc32c` base64), 404 `notFound` when the object is absent.
 */
import { createHash } from 'node:crypto';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../kit/emulator-request.js';
import type { GceWorld } from './gce-call.js';

/** The metadata read of an object. */
export function getStorageObject(world: GceWorld): (request: EmulatorRequest) => EmulatorResponse {
  return (request) => {
    world.state.advance();
    const bucket = request.params.bucket ?? '';
    const name = request.params.object ?? '';
    const url = `https://storage.googleapis.com/${bucket}/${name}`;
    const found = world.storageObject(url);
    if (!found) {
      const message = `No such object: ${bucket}/${name}`;
      return jsonResponse(404, { error: { code: 404, message, errors: [{ message, domain: 'global', reason: 'notFound' }] } }, {}, 'notFound');
    }
    const stored = world.state.storage.get(url);
    const created = new Date(stored?.createdAt ?? world.state.clock.now()).toISOString();
    // A stand-in for the content's digests: stable for the same object, different across objects.
    const digest = createHash('md5').update(`${url}\n${found.sizeBytes}\n${created}`).digest();
    return jsonResponse(200, {
      kind: 'storage#object',
      id: `${bucket}/${name}/1`,
      selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}`,
      mediaLink: `https://storage.googleapis.com/download/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}?generation=1&alt=media`,
      name,
      bucket,
      generation: '1',
      metageneration: '1',
      contentType: 'application/gzip',
      storageClass: 'STANDARD',
      size: String(found.sizeBytes),
      md5Hash: digest.toString('base64'),
      crc32c: digest.subarray(0, 4).toString('base64'),
      etag: digest.subarray(0, 8).toString('base64'),
      timeCreated: created,
      updated: created,
    });
  };
}
