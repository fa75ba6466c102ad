/**
 * The Compute Engine emulator's wire on the kit's server: the REST routes of Compute v1 (paths
 * from `@google-cloud/compute`'s http rules, `build/protos/protos.json`, 7.8), bearer
 * authentication before the fault plan, then per call: due changes applied, the project checked
 * (404 for another project; the public image projects answer image reads), the handler, and its
 * JSON answer or `GceError` written in GCE's error document (a network of another project of the
 * same network fabric can be read, as a peering's other side is). Beside them, Cloud Storage's
 * object metadata read (`storage-handlers.ts`), behind the same bearer authentication and faults.
 */
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../kit/emulator-request.js';
import type { EmulatorRoute, EmulatorServerOptions } from '../kit/emulator-server.js';
import { GceCall, type GceWorld } from './gce-call.js';
import { GCE_FAULT_WIRE_FORM, GceError, gceErrorResponse, notFound, unauthenticated } from './gce-error.js';
import type { GceOperationName } from './gce-operations.js';
import type { GceTokenIssuer } from './gce-auth-client.js';
import * as catalog from './catalog-handlers.js';
import * as images from './image-disk-handlers.js';
import * as instances from './instance-handlers.js';
import { insertInstance } from './instance-insert.js';
import * as operations from './operation-handlers.js';
import { NETWORK_ROUTES } from './network-routes.js';
import { PUBLIC_IMAGE_FAMILIES } from './public-images.js';
import { getStorageObject } from './storage-handlers.js';

type Handler = (call: GceCall) => unknown;

const P = '/compute/v1/projects/:project';
const Z = `${P}/zones/:zone`;

const ROUTES: readonly (readonly [method: string, path: string, operation: GceOperationName, handle: Handler])[] = [
  ['POST', `${Z}/instances`, 'instances.insert', insertInstance],
  ['GET', `${Z}/instances/:instance`, 'instances.get', instances.getInstance],
  ['GET', `${Z}/instances`, 'instances.list', instances.listInstances],
  ['GET', `${P}/aggregated/instances`, 'instances.aggregatedList', instances.aggregatedListInstances],
  ['DELETE', `${Z}/instances/:instance`, 'instances.delete', instances.deleteInstance],
  ['POST', `${Z}/instances/:instance/start`, 'instances.start', instances.startInstance],
  ['POST', `${Z}/instances/:instance/stop`, 'instances.stop', instances.stopInstance],
  ['POST', `${Z}/instances/:instance/suspend`, 'instances.suspend', instances.suspendInstance],
  ['POST', `${Z}/instances/:instance/resume`, 'instances.resume', instances.resumeInstance],
  ['POST', `${Z}/instances/:instance/reset`, 'instances.reset', instances.resetInstance],
  ['POST', `${Z}/instances/:instance/setLabels`, 'instances.setLabels', instances.setInstanceLabels],
  ['GET', `${Z}/operations/:operation`, 'zoneOperations.get', operations.getOperation],
  ['GET', `${Z}/operations`, 'zoneOperations.list', operations.listOperations],
  ['POST', `${Z}/operations/:operation/wait`, 'zoneOperations.wait', operations.waitOperation],
  ['DELETE', `${Z}/operations/:operation`, 'zoneOperations.delete', operations.deleteOperation],
  ['GET', `${P}/global/operations/:operation`, 'globalOperations.get', operations.getOperation],
  ['GET', `${P}/global/operations`, 'globalOperations.list', operations.listOperations],
  ['POST', `${P}/global/operations/:operation/wait`, 'globalOperations.wait', operations.waitOperation],
  ['GET', `${Z}/machineTypes/:machineType`, 'machineTypes.get', catalog.getMachineType],
  ['GET', `${Z}/machineTypes`, 'machineTypes.list', catalog.listMachineTypes],
  ['GET', `${P}/aggregated/machineTypes`, 'machineTypes.aggregatedList', catalog.aggregatedListMachineTypes],
  ['GET', `${Z}/acceleratorTypes/:acceleratorType`, 'acceleratorTypes.get', catalog.getAcceleratorType],
  ['GET', `${Z}/acceleratorTypes`, 'acceleratorTypes.list', catalog.listAcceleratorTypes],
  ['GET', `${P}/aggregated/acceleratorTypes`, 'acceleratorTypes.aggregatedList', catalog.aggregatedListAcceleratorTypes],
  ['GET', `${P}/global/images/family/:family`, 'images.getFromFamily', images.getImageFromFamily],
  ['GET', `${P}/global/images/:image`, 'images.get', images.getImage],
  ['GET', `${P}/global/images`, 'images.list', images.listImages],
  ['POST', `${P}/global/images`, 'images.insert', images.insertImage],
  ['DELETE', `${P}/global/images/:image`, 'images.delete', images.deleteImage],
  ['GET', `${Z}/disks/:disk`, 'disks.get', images.getDisk],
  ['GET', `${Z}/disks`, 'disks.list', images.listDisks],
  ['DELETE', `${Z}/disks/:disk`, 'disks.delete', images.deleteDisk],
  ['POST', `${Z}/disks/:disk/createSnapshot`, 'disks.createSnapshot', images.createSnapshot],
  ['GET', `${P}/global/snapshots/:snapshot`, 'snapshots.get', images.getSnapshot],
  ['GET', `${P}/global/snapshots`, 'snapshots.list', images.listSnapshots],
  ['DELETE', `${P}/global/snapshots/:snapshot`, 'snapshots.delete', images.deleteSnapshot],
  ['GET', `${P}/zones/:zone`, 'zones.get', catalog.getZone],
  ['GET', `${P}/zones`, 'zones.list', catalog.listZones],
  ['GET', `${P}/regions/:region`, 'regions.get', catalog.getRegion],
  ['GET', `${P}/regions`, 'regions.list', catalog.listRegions],
  ...NETWORK_ROUTES,
];

const PUBLIC_PROJECTS = new Set(PUBLIC_IMAGE_FAMILIES.map((f) => f.project));
const PUBLIC_READS = new Set<string>(['images.get', 'images.getFromFamily', 'images.list']);

function answer(world: GceWorld, operation: string, handle: Handler): (request: EmulatorRequest) => Promise<EmulatorResponse> {
  return async (request) => {
    try {
      world.state.advance();
      const project = request.params.project ?? '';
      if (project !== world.state.project && !(PUBLIC_READS.has(operation) && PUBLIC_PROJECTS.has(project)) && !(operation === 'networks.get' && world.network.fabric.project(project))) throw notFound(`projects/${project}`);
      const body = await handle(new GceCall(request, operation, world));
      return jsonResponse(200, body);
    } catch (e) {
      if (e instanceof GceError) return gceErrorResponse(e);
      throw e;
    }
  };
}

/** The kit server's options for the Compute Engine emulator. */
export function gceEndpointOptions(world: GceWorld, issuer: GceTokenIssuer): Omit<EmulatorServerOptions, 'host' | 'port' | 'tls'> {
  const routes: EmulatorRoute[] = ROUTES.map(([method, path, operation, handle]) => ({ method, path, operation, handle: answer(world, operation, handle) }));
  routes.push({ method: 'GET', path: '/storage/v1/b/:bucket/o/:object', operation: 'storage.objects.get', handle: getStorageObject(world) });
  return {
    name: 'gce-emulator',
    faults: world.faults,
    faultWireForm: GCE_FAULT_WIRE_FORM,
    routes,
    notFound: (request) => jsonResponse(404, { error: { code: 404, message: `The requested URL ${request.path} was not found on this server.`, errors: [{ message: 'Not Found', domain: 'global', reason: 'notFound' }] } }, {}, 'notFound'),
    authenticate: (request) => {
      const m = /^Bearer (\S+)$/.exec(request.header('authorization') ?? '');
      return m && issuer.accepts(m[1]!) ? undefined : gceErrorResponse(unauthenticated());
    },
    handlerError: (error) => gceErrorResponse(new GceError(500, 'backendError', `Internal error. Please try again or contact Google Support. (${error instanceof Error ? error.message : String(error)})`)),
  };
}
