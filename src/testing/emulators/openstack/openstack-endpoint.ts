/**
 * The OpenStack emulator's wire on the kit's server: the four services under devstack's path
 * prefixes (`/identity/v3`, `/compute/v2.1`, `/image/v2`, `/network/v2.0`), each also under
 * `/internal` and `/admin` for the catalog's other interfaces. Order per call: keystonemiddleware's
 * token check (401 before any fault, as the middleware answers before the service), the fault
 * plan, then the handler — for compute, after the microversion is negotiated and with the version
 * headers on every answer — and errors written in the service's own document. Server actions are
 * found by their body's key (`servers.os-stop`, ...).
 */
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import type { EmulatorRoute, EmulatorServerOptions, ResolvedOperation } from '../kit/emulator-server.js';
import type { RequestLogEntry } from '../kit/request-log.js';
import * as info from './compute-info-handlers.js';
import * as images from './image-handlers.js';
import { identityVersion, issueToken } from './keystone-handlers.js';
import { microversionHeaders, negotiateMicroversion, requestedMicroversion } from './microversion.js';
import * as networks from './network-handlers.js';
import { NEUTRON_NETWORKING_ROUTES } from './neutron-routes.js';
import { INTERFACE_PREFIXES, OpenStackCall, type OpenStackWorld } from './openstack-call.js';
import { errorResponse, OpenStackApiError, openStackFaultWireForm, unauthenticated } from './openstack-errors.js';
import { serviceOf, type OpenStackOperationName, type OpenStackService } from './openstack-operations.js';
import * as ports from './port-handlers.js';
import { SERVER_ACTIONS, serverAction } from './server-actions.js';
import { createServer } from './server-create.js';
import * as servers from './server-handlers.js';

type Handler = (call: OpenStackCall) => EmulatorResponse | Promise<EmulatorResponse>;

const C = '/compute/v2.1';
const I = '/image/v2';
const N = '/network/v2.0';

const ROUTES: readonly (readonly [method: string, path: string, operation: OpenStackOperationName, handle: Handler, streamBody?: boolean])[] = [
  ['POST', '/identity/v3/auth/tokens', 'auth.tokens', issueToken],
  ['GET', '/identity/v3', 'identity.version', identityVersion],
  ['GET', `${C}/flavors/detail`, 'flavors.list', info.listFlavors],
  ['GET', `${C}/flavors/:id`, 'flavors.get', info.getFlavor],
  ['POST', `${C}/servers`, 'servers.create', createServer],
  ['GET', `${C}/servers/detail`, 'servers.list', servers.listServersDetail],
  ['GET', `${C}/servers`, 'servers.listBrief', servers.listServers],
  ['GET', `${C}/servers/:id`, 'servers.get', servers.getServer],
  ['DELETE', `${C}/servers/:id`, 'servers.delete', servers.deleteServer],
  ['GET', `${C}/servers/:id/metadata`, 'servers.metadata.get', servers.getServerMetadata],
  ['PUT', `${C}/servers/:id/metadata`, 'servers.metadata.put', servers.replaceServerMetadata],
  ['POST', `${C}/servers/:id/metadata`, 'servers.metadata.update', servers.updateServerMetadata],
  ['GET', `${C}/os-keypairs`, 'keypairs.list', info.listKeypairs],
  ['POST', `${C}/os-keypairs`, 'keypairs.create', info.createKeypair],
  ['GET', `${C}/os-keypairs/:name`, 'keypairs.get', info.getKeypair],
  ['DELETE', `${C}/os-keypairs/:name`, 'keypairs.delete', info.deleteKeypair],
  ['GET', `${C}/os-availability-zone`, 'availabilityZones.list', info.listAvailabilityZones],
  ['GET', `${C}/limits`, 'limits.get', info.getLimits],
  ['GET', `${I}/images`, 'images.list', images.listImages],
  ['POST', `${I}/images`, 'images.create', images.createImage],
  ['GET', `${I}/images/:id`, 'images.get', images.getImage],
  ['PATCH', `${I}/images/:id`, 'images.update', images.updateImage],
  ['DELETE', `${I}/images/:id`, 'images.delete', images.deleteImage],
  ['PUT', `${I}/images/:id/file`, 'images.upload', images.uploadImageData, true],
  ['GET', `${I}/images/:id/file`, 'images.download', images.downloadImageData],
  ['GET', `${N}/networks`, 'networks.list', networks.listNetworks],
  ['GET', `${N}/networks/:id`, 'networks.get', networks.getNetwork],
  ['GET', `${N}/subnets`, 'subnets.list', networks.listSubnets],
  ['GET', `${N}/security-groups`, 'securityGroups.list', networks.listSecurityGroups],
  ['POST', `${N}/security-groups`, 'securityGroups.create', networks.createSecurityGroup],
  ['GET', `${N}/ports`, 'ports.list', ports.listPorts],
  ['POST', `${N}/ports`, 'ports.create', ports.createPort],
  ['GET', `${N}/ports/:id`, 'ports.get', ports.getPort],
  ['DELETE', `${N}/ports/:id`, 'ports.delete', ports.deletePort],
  ['GET', `${N}/floatingips`, 'floatingips.list', ports.listFloatingIps],
  ['POST', `${N}/floatingips`, 'floatingips.create', ports.createFloatingIp],
  ['GET', `${N}/floatingips/:id`, 'floatingips.get', ports.getFloatingIp],
  ['PUT', `${N}/floatingips/:id`, 'floatingips.update', ports.updateFloatingIp],
  ['DELETE', `${N}/floatingips/:id`, 'floatingips.delete', ports.deleteFloatingIp],
  ...NEUTRON_NETWORKING_ROUTES,
];

const OPEN_OPERATIONS = new Set<string>(['auth.tokens', 'identity.version']);
const ACTION_PATH = /^(\/internal|\/admin)?\/compute\/v2\.1\/servers\/([^/]+)\/action$/;

/** One request as the emulator recorded it: service, interface and microversion asked for. Never a token, password or body. */
export interface OpenStackRequestRecord extends RequestLogEntry {
  /** The service called. */
  readonly service: OpenStackService | undefined;
  /** The catalog interface the call came in on. */
  readonly interface: 'public' | 'internal' | 'admin';
  /** The compute microversion the client asked for (header value), when it sent one. */
  readonly microversion: string | undefined;
}

function interfaceOf(path: string): { readonly name: 'public' | 'internal' | 'admin'; readonly prefix: string } {
  if (path.startsWith('/internal/')) return { name: 'internal', prefix: INTERFACE_PREFIXES.internal };
  if (path.startsWith('/admin/')) return { name: 'admin', prefix: INTERFACE_PREFIXES.admin };
  return { name: 'public', prefix: '' };
}

function answer(world: OpenStackWorld, operation: string, handle: Handler): (request: EmulatorRequest) => Promise<EmulatorResponse> {
  const service = serviceOf(operation);
  return async (request) => {
    const token = world.identity.validate(request.header('x-auth-token'));
    const call = new OpenStackCall(request, operation, world, token, interfaceOf(request.path).prefix);
    let headers: Record<string, string> = {};
    try {
      if (service === 'compute') {
        call.microversion = negotiateMicroversion(requestedMicroversion((name) => request.header(name)));
        headers = microversionHeaders(call.microversion);
      }
      world.state.advance();
      const response = await handle(call);
      return { ...response, headers: { ...headers, ...response.headers } };
    } catch (e) {
      if (!(e instanceof OpenStackApiError)) throw e;
      const response = errorResponse(service, e);
      return { ...response, headers: { ...headers, ...response.headers } };
    }
  };
}

/** The kit server's options for the OpenStack emulator. */
export function openStackEndpointOptions(world: OpenStackWorld, onCall: (record: OpenStackRequestRecord) => void): Omit<EmulatorServerOptions, 'host' | 'port' | 'tls'> {
  const identityUrl = (): string => `${world.origin()}/identity`;
  const rawFailure = (code: string): ReturnType<typeof world.faults.rawFailure> => world.faults.rawFailure(code);
  const wireForms = new Map((['identity', 'compute', 'image', 'network'] as const).map((s) => [s, openStackFaultWireForm(s, identityUrl, rawFailure)]));
  const routes: EmulatorRoute[] = Object.values(INTERFACE_PREFIXES).flatMap((prefix) =>
    ROUTES.map(([method, path, operation, handle, streamBody]) => ({ method, path: `${prefix}${path}`, operation, handle: answer(world, operation, handle), faultWireForm: wireForms.get(serviceOf(operation)), streamBody })),
  );
  const actions = new Map(SERVER_ACTIONS.map((a) => [a, answer(world, `servers.${a}`, (call) => serverAction(call, a))]));
  const unknownAction = answer(world, 'servers.action', (call) => serverAction(call, Object.keys(call.body())[0] ?? ''));
  return {
    name: 'openstack-emulator',
    faults: world.faults,
    faultWireForm: wireForms.get('compute')!,
    routes,
    resolve: (request): ResolvedOperation | undefined => {
      if (request.method !== 'POST' || !ACTION_PATH.test(request.path)) return undefined;
      request.params = { id: decodeURIComponent(ACTION_PATH.exec(request.path)![2]!) };
      let key: string | undefined;
      try {
        const body = request.json<unknown>({});
        key = typeof body === 'object' && body !== null ? Object.keys(body)[0] : undefined;
      } catch {
        key = undefined;
      }
      const known = SERVER_ACTIONS.find((a) => a === key);
      return known ? { operation: `servers.${known}`, handle: actions.get(known)!, faultWireForm: wireForms.get('compute') } : { operation: 'servers.action', handle: unknownAction, faultWireForm: wireForms.get('compute') };
    },
    notFound: (request) => ({ status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL ${request.path} was not found on this server.</p></body></html>`, errorCode: 'NotFound' }),
    authenticate: (request, operation) => {
      if (OPEN_OPERATIONS.has(operation)) return undefined;
      const token = world.identity.validate(request.header('x-auth-token'));
      // keystonemiddleware refuses unscoped tokens for project-scoped services.
      return token?.project ? undefined : unauthenticated(identityUrl());
    },
    handlerError: (error, _request, operation) => errorResponse(serviceOf(operation), new OpenStackApiError(500, `An unexpected error occurred: ${error instanceof Error ? error.message : String(error)}`)),
    onAnswer: (entry, request) => {
      onCall({ ...entry, service: entry.operation === '' ? undefined : serviceOf(entry.operation), interface: interfaceOf(request.path).name, microversion: requestedMicroversion((name) => request.header(name)) });
    },
  };
}
