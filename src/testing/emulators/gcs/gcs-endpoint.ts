/**
 * The Cloud Storage emulator's wire on the kit's server: the JSON API routes the Node library
 * calls (paths from the Cloud Storage JSON API v1 reference; object names are one URL-encoded
 * path segment), bearer authentication before the fault plan — except on a resumable session URI
 * and a signed URL, which carry their own authority — and every `GcsError` said in Cloud
 * Storage's error document. Operation names, for faults and stats: `buckets.get`,
 * `buckets.insert`, `objects.get`, `objects.list`, `objects.delete`, `objects.patch`,
 * `objects.insert` (media, multipart, or a resumable session's start), `objects.upload` (a PUT to
 * a session: a chunk, the finalizing chunk, or a status query), `objects.cancelUpload`, and
 * `objects.signedGet`.
 */
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../kit/emulator-request.js';
import type { EmulatorRoute, EmulatorServerOptions } from '../kit/emulator-server.js';
import type { GceTokenIssuer } from '../gce/gce-auth-client.js';
import { GCS_FAULT_WIRE_FORM, GcsError, gcsErrorResponse, unauthenticated } from './gcs-error.js';
import { binaryBody, type GcsWorld } from './gcs-world.js';
import * as objects from './object-handlers.js';
import { cancelResumable, initiateResumable, putResumable } from './resumable-handlers.js';
import { isSignedRequest, signedGet } from './signed-url.js';

/** The operation names the emulator logs and takes faults on. */
export const GCS_OPERATIONS = [
  'buckets.get',
  'buckets.insert',
  'objects.get',
  'objects.list',
  'objects.delete',
  'objects.patch',
  'objects.insert',
  'objects.upload',
  'objects.cancelUpload',
  'objects.signedGet',
] as const;

/** One of {@link GCS_OPERATIONS}. */
export type GcsOperationName = (typeof GCS_OPERATIONS)[number];

type Handler = (world: GcsWorld, request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

const B = '/storage/v1/b/:bucket';
const U = '/upload/storage/v1/b/:bucket/o';

/** `POST /upload/...`: a resumable session's start, or a single-request insert. */
async function postUpload(world: GcsWorld, request: EmulatorRequest): Promise<EmulatorResponse> {
  if (request.query.get('uploadType') === 'resumable') return initiateResumable(world, request, await binaryBody(request, 1024 * 1024));
  return objects.insertObject(world, request);
}

const ROUTES: readonly (readonly [method: string, path: string, operation: GcsOperationName, handle: Handler, stream?: boolean])[] = [
  ['GET', B, 'buckets.get', objects.getBucket],
  ['POST', '/storage/v1/b', 'buckets.insert', objects.insertBucket],
  ['GET', `${B}/o/:object`, 'objects.get', objects.getObject],
  ['GET', `/download${B}/o/:object`, 'objects.get', objects.getObject],
  ['GET', `${B}/o`, 'objects.list', objects.listObjects],
  ['DELETE', `${B}/o/:object`, 'objects.delete', objects.deleteObject],
  ['PATCH', `${B}/o/:object`, 'objects.patch', objects.patchObject],
  ['POST', U, 'objects.insert', postUpload, true],
  ['PUT', U, 'objects.upload', putResumable, true],
  ['DELETE', U, 'objects.cancelUpload', cancelResumable],
];

/** Operations whose URL is its own authority. */
const NO_BEARER = new Set<string>(['objects.upload', 'objects.cancelUpload', 'objects.signedGet']);

function answer(world: GcsWorld, handle: Handler): (request: EmulatorRequest) => Promise<EmulatorResponse> {
  return async (request) => {
    try {
      return await handle(world, request);
    } catch (e) {
      if (e instanceof GcsError) return gcsErrorResponse(e);
      throw e;
    }
  };
}

/** The kit server's options for the Cloud Storage emulator. */
export function gcsEndpointOptions(world: GcsWorld, issuer: GceTokenIssuer): Omit<EmulatorServerOptions, 'host' | 'port' | 'tls'> {
  const routes: EmulatorRoute[] = ROUTES.map(([method, path, operation, handle, stream]) => ({ method, path, operation, handle: answer(world, handle), streamBody: stream }));
  const signed = answer(world, signedGet);
  return {
    name: 'gcs-emulator',
    faultWireForm: GCS_FAULT_WIRE_FORM,
    routes,
    resolve: (request) => (request.method === 'GET' && isSignedRequest(request) ? { operation: 'objects.signedGet', handle: signed } : undefined),
    notFound: (request) => jsonResponse(404, { error: { code: 404, message: `Not Found: ${request.method} ${request.path}`, errors: [{ message: 'Not Found', domain: 'global', reason: 'notFound' }] } }, {}, 'notFound'),
    authenticate: (request, operation) => {
      if (NO_BEARER.has(operation)) return undefined;
      const m = /^Bearer (\S+)$/.exec(request.header('authorization') ?? '');
      return m && issuer.accepts(m[1]!) ? undefined : gcsErrorResponse(unauthenticated());
    },
    handlerError: (error) => gcsErrorResponse(new GcsError(500, 'backendError', `Backend Error (${error instanceof Error ? error.message : String(error)})`)),
  };
}
