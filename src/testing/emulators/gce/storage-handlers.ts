/**
 * The one Cloud Storage JSON API call the GCE adapter makes: an object's metadata
 * (`GET /storage/v1/b/{bucket}/o/{object}`, the object name URL-encoded), in the shape of the
 * Cloud Storage reference (`storage#object`: `size` as a string, `md5Hash` and `crc32c` base64),
 * 404 `notFound` when the object is absent. Linked to a Cloud Storage emulator, the answer is
 * that emulator's object (its real size and digests; the adapter then reads that emulator
 * directly, this route answers the same). Without a link it comes from the emulator's object
 * registry, whose objects hold no bytes: the digests are stand-ins, stable for one object.
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
    const linked = world.state.linkedStorage;
    if (linked) {
      const info = linked.objectInfo(bucket, name);
      if (!info) return noSuchObject(bucket, name);
      return jsonResponse(200, {
        ...resource(bucket, name, String(info.generation), new Date(info.timeCreated).toISOString()),
        metageneration: String(info.metageneration),
        contentType: info.contentType,
        size: String(info.sizeBytes),
        md5Hash: info.md5Hash,
        crc32c: info.crc32c,
        ...(Object.keys(info.metadata).length > 0 ? { metadata: { ...info.metadata } } : {}),
      });
    }
    const url = `https://storage.googleapis.com/${bucket}/${name}`;
    const found = world.storageObject(url);
    if (!found) return noSuchObject(bucket, name);
    const stored = world.state.storage.get(url);
    const created = new Date(stored?.createdAt ?? world.state.clock.now()).toISOString();
    // A stand-in for the content's digests: stable for the same object, different across objects.
    const digest = createHash('md5').update(`${url}\n${found.sizeBytes}\n${created}`).digest();
    return jsonResponse(200, {
      ...resource(bucket, name, '1', created),
      metageneration: '1',
      contentType: 'application/gzip',
      size: String(found.sizeBytes),
      md5Hash: digest.toString('base64'),
      crc32c: digest.subarray(0, 4).toString('base64'),
      etag: digest.subarray(0, 8).toString('base64'),
    });
  };
}

function resource(bucket: string, name: string, generation: string, created: string): Record<string, string> {
  return {
    kind: 'storage#object',
    id: `${bucket}/${name}/${generation}`,
    selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}`,
    mediaLink: `https://storage.googleapis.com/download/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}?generation=${generation}&alt=media`,
    name,
    bucket,
    generation,
    storageClass: 'STANDARD',
    timeCreated: created,
    updated: created,
  };
}

function noSuchObject(bucket: string, name: string): EmulatorResponse {
  const message = `No such object: ${bucket}/${name}`;
  return jsonResponse(404, { error: { code: 404, message, errors: [{ message, domain: 'global', reason: 'notFound' }] } }, {}, 'notFound');
}
