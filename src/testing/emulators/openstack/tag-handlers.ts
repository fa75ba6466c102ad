/**
 * The tags of the standard-attr-tag extension on networks, subnets and routers (neutron
 * `neutron/extensions/tagging.py` and the api-ref "Tag extension (tags)", read 2026-12):
 * `GET /{resource}/{id}/tags` lists them, `PUT …/tags` with `{"tags": [...]}` replaces them all
 * (200), `PUT …/tags/{tag}` adds one (201, no body), `GET …/tags/{tag}` answers 204 when it is
 * there, `DELETE …/tags/{tag}` removes one (204; 404 `TagNotFound` when absent), `DELETE …/tags`
 * removes all. A tag is a string of at most 255 characters; a list must not repeat one. Tags
 * are never accepted in a create body (see `network-handlers.ts`): a resource is tagged after it
 * exists.
 */
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import type { OpenStackCall } from './openstack-call.js';
import { neutronError } from './openstack-errors.js';

/** The tagged collections and where their records are. */
export type TaggedCollection = 'networks' | 'subnets' | 'routers';

/** Most characters of one tag (neutron `tagging.MAX_TAG_LEN`). */
export const MAX_TAG_LENGTH = 255;

interface Tagged {
  tags: string[];
  updatedAt: number;
  revision: number;
}

function recordOf(call: OpenStackCall, collection: TaggedCollection): Tagged {
  const id = call.param('id');
  const net = call.state.network;
  const found = collection === 'networks' ? net.networks.get(id) : collection === 'subnets' ? net.subnets.get(id) : net.routers.get(id);
  if (!found) throw neutronError(404, 'TagResourceNotFound', `Resource ${collection} ${id} could not be found.`);
  return found;
}

function checkTag(tag: unknown): string {
  if (typeof tag !== 'string') throw neutronError(400, 'InvalidInput', `Invalid input for operation: '${String(tag)}' is not a valid string.`);
  if (tag.length > MAX_TAG_LENGTH) throw neutronError(400, 'InvalidInput', `Invalid input for operation: '${tag.slice(0, 40)}…' exceeds maximum length of ${MAX_TAG_LENGTH}.`);
  return tag;
}

/** `GET /{collection}/{id}/tags`. */
export function listTags(collection: TaggedCollection): (call: OpenStackCall) => EmulatorResponse {
  return (call) => jsonResponse(200, { tags: [...recordOf(call, collection).tags] });
}

/** `PUT /{collection}/{id}/tags`: replaces every tag. */
export function replaceTags(collection: TaggedCollection): (call: OpenStackCall) => EmulatorResponse {
  return (call) => {
    const body = call.body((why) => neutronError(400, 'HTTPBadRequest', why));
    if (!Array.isArray(body.tags)) throw neutronError(400, 'InvalidInput', 'Invalid input for operation: Invalid tags body.');
    const tags = body.tags.map(checkTag);
    const repeated = tags.find((t, i) => tags.indexOf(t) !== i);
    if (repeated !== undefined) throw neutronError(400, 'InvalidInput', `Invalid input for operation: Duplicate items in the list: '${repeated}'.`);
    const record = recordOf(call, collection);
    record.tags = [...tags];
    call.state.network.touch(record);
    return jsonResponse(200, { tags: [...record.tags] });
  };
}

/** `PUT /{collection}/{id}/tags/{tag}`: adds one tag. */
export function addTag(collection: TaggedCollection): (call: OpenStackCall) => EmulatorResponse {
  return (call) => {
    const tag = checkTag(call.param('tag'));
    const record = recordOf(call, collection);
    if (!record.tags.includes(tag)) {
      record.tags.push(tag);
      call.state.network.touch(record);
    }
    return { status: 201 };
  };
}

/** `GET /{collection}/{id}/tags/{tag}`: 204 when the tag is there. */
export function confirmTag(collection: TaggedCollection): (call: OpenStackCall) => EmulatorResponse {
  return (call) => {
    const tag = checkTag(call.param('tag'));
    if (!recordOf(call, collection).tags.includes(tag)) throw neutronError(404, 'TagNotFound', `Tag ${tag} could not be found.`);
    return { status: 204 };
  };
}

/** `DELETE /{collection}/{id}/tags/{tag}`: removes one tag. */
export function removeTag(collection: TaggedCollection): (call: OpenStackCall) => EmulatorResponse {
  return (call) => {
    const tag = checkTag(call.param('tag'));
    const record = recordOf(call, collection);
    if (!record.tags.includes(tag)) throw neutronError(404, 'TagNotFound', `Tag ${tag} could not be found.`);
    record.tags = record.tags.filter((t) => t !== tag);
    call.state.network.touch(record);
    return { status: 204 };
  };
}

/** `DELETE /{collection}/{id}/tags`: removes every tag. */
export function removeAllTags(collection: TaggedCollection): (call: OpenStackCall) => EmulatorResponse {
  return (call) => {
    const record = recordOf(call, collection);
    record.tags = [];
    call.state.network.touch(record);
    return { status: 204 };
  };
}
