/**
 * The ARM emulator's wire, on the kit's server: which operation a request is (ARM's routes,
 * matched case-insensitively as ARM matches paths; the Entra ID token endpoint; the disk export
 * blobs), bearer authentication before the fault plan (the token endpoint and the blobs have
 * their own checks), then per ARM call: due changes applied, the api-version checked for the
 * route's resource type, the subscription checked (404 `SubscriptionNotFound`), the handler, and
 * its answer or `ArmError` written with ARM's headers. A path under `/subscriptions` that no route
 * knows is 404 `InvalidResourceType` or `NotFound` as ARM answers unknown types and paths.
 */
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import { compilePathPattern, type EmulatorServerOptions, type ResolvedOperation } from '../kit/emulator-server.js';
import type { RequestLogEntry } from '../kit/request-log.js';
import { checkApiVersion } from './api-versions.js';
import { checkBearer } from './arm-authentication.js';
import { ArmCall, type ArmWorld } from './arm-call.js';
import { ArmError } from './arm-error.js';
import { ARM_ROUTES, type ArmRouteDefinition } from './arm-routes.js';
import type { ArmResponder } from './arm-wire.js';
import { getBlob } from './disk-access-handlers.js';
import { ENTRA_FAULT_WIRE_FORM, openIdConfiguration, tokenRequest, type ClientCredentials } from './entra-token-endpoint.js';
import type { TokenIssuer } from './token-issuer.js';

/** What the endpoint serves. */
export interface ArmEndpointContext {
  /** The world the handlers act on. */
  readonly world: ArmWorld;
  /** Writes answers. */
  readonly responder: ArmResponder;
  /** Issues and checks tokens. */
  readonly issuer: TokenIssuer;
  /** The client credentials the token endpoint accepts. */
  readonly credentials: ClientCredentials;
  /** After each answered (or dropped) call, with the request's api-version. */
  readonly onCall: (entry: RequestLogEntry, apiVersion: string | undefined) => void;
}

interface CompiledRoute {
  readonly definition: ArmRouteDefinition;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile(definition: ArmRouteDefinition): CompiledRoute {
  return { definition, ...compilePathPattern(definition.path, { caseInsensitive: true, trailingSlash: true }) };
}

const COMPILED = ARM_ROUTES.map(compile);

/** Operations that skip bearer authentication (they are not ARM's). */
const UNAUTHENTICATED = new Set(['oauth2.token', 'oauth2.openidConfiguration', 'blob.get']);

function match(request: EmulatorRequest): { route: CompiledRoute; params: Record<string, string> } | undefined {
  for (const route of COMPILED) {
    if (route.definition.method !== request.method) continue;
    const m = route.pattern.exec(request.path);
    if (!m) continue;
    return { route, params: Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
  }
  return undefined;
}

function armOperation(ctx: ArmEndpointContext, request: EmulatorRequest, route: CompiledRoute): ResolvedOperation {
  const { definition } = route;
  const operation = typeof definition.operation === 'string' ? definition.operation : definition.operation(request.query);
  const { world, responder } = ctx;
  return {
    operation,
    handle: async (req): Promise<EmulatorResponse> => {
      try {
        world.state.advance();
        const apiVersion = checkApiVersion(req.query.get('api-version'), definition.scope, { location: world.defaultLocation, locations: world.state.locations });
        const sub = req.params.subscriptionId;
        if (sub !== undefined && sub.toLowerCase() !== world.state.subscriptionId.toLowerCase()) {
          throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
        }
        const answer = await definition.handle(new ArmCall(req, operation, apiVersion, world));
        return responder.json(req, operation, answer.status, answer.body, answer.headers);
      } catch (e) {
        if (e instanceof ArmError) return responder.error(req, operation, e);
        throw e;
      }
    },
  };
}

function otherOperation(ctx: ArmEndpointContext, request: EmulatorRequest): ResolvedOperation | undefined {
  const token = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/i.exec(request.path);
  if (token && request.method === 'POST') {
    request.params = { tenant: decodeURIComponent(token[1]!) };
    return { operation: 'oauth2.token', faultWireForm: ENTRA_FAULT_WIRE_FORM, handle: (req) => tokenRequest(req, ctx.issuer, ctx.credentials) };
  }
  const oidc = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration\/?$/i.exec(request.path);
  if (oidc && request.method === 'GET') {
    request.params = { tenant: decodeURIComponent(oidc[1]!) };
    return { operation: 'oauth2.openidConfiguration', faultWireForm: ENTRA_FAULT_WIRE_FORM, handle: (req) => openIdConfiguration(req, ctx.world.endpoint()) };
  }
  if (request.path.startsWith('/_blob/') && (request.method === 'GET' || request.method === 'HEAD')) {
    return { operation: 'blob.get', handle: (req) => getBlob(req, ctx.world.state.blobs, ctx.world.state.contents.store) };
  }
  return undefined;
}

function notFound(ctx: ArmEndpointContext, request: EmulatorRequest): EmulatorResponse {
  const m = /^\/subscriptions\/[^/]+\/(?:resourceGroups\/[^/]+\/)?providers\/([^/]+)\/([^/?]+)/i.exec(request.path);
  if (m) {
    const error = new ArmError(404, 'InvalidResourceType', `The resource type '${m[2]}' could not be found in the namespace '${m[1]}' for api version '${request.query.get('api-version') ?? ''}'.`);
    return ctx.responder.error(request, '', error);
  }
  return ctx.responder.error(request, '', new ArmError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${ctx.world.endpoint()}${request.target}'.`));
}

/** The kit server's options for the ARM emulator. */
export function armEndpointOptions(ctx: ArmEndpointContext): Omit<EmulatorServerOptions, 'host' | 'port' | 'tls'> {
  return {
    name: 'arm-emulator',
    faults: ctx.world.faults,
    faultWireForm: ctx.responder.faultWireForm,
    resolve: (request) => {
      const found = match(request);
      if (found) {
        request.params = found.params;
        return armOperation(ctx, request, found.route);
      }
      return otherOperation(ctx, request);
    },
    notFound: (request) => notFound(ctx, request),
    authenticate: (request, operation) => {
      if (UNAUTHENTICATED.has(operation)) return undefined;
      const refusal = checkBearer(request.header('authorization'), ctx.issuer, ctx.world.state.clock.now());
      return refusal ? ctx.responder.error(request, operation, refusal) : undefined;
    },
    handlerError: (error, request, operation) => ctx.responder.error(request, operation, new ArmError(500, 'InternalServerError', `The emulator failed: ${error instanceof Error ? error.message : String(error)}`)),
    onAnswer: (entry, request) => ctx.onCall(entry, request.query.get('api-version') ?? undefined),
  };
}
