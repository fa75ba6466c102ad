/**
 * What an ARM handler sees of one call and how it answers: the request with its route
 * parameters and checked api-version, the emulated world, and the answer shapes ARM uses for
 * synchronous results and for asynchronous operations (201/202 with `Azure-AsyncOperation`,
 * `Location` where the resource provider sends one, and `Retry-After` when the emulator is told
 * to suggest a poll interval). ARM's own refusals here: 404 `ResourceGroupNotFound` "Resource
 * group '{rg}' could not be found.", 404 `ResourceNotFound` "The Resource '{type}/{name}' under
 * resource group '{rg}' was not found. ..." (learn.microsoft.com "Resolve resource not found
 * errors"), 400 `LocationNotAvailableForResourceType` (learn.microsoft.com "Resolve errors for
 * SKU not available" / location errors), read 2026-12.
 */
import type { EmulatorRequest } from '../kit/emulator-request.js';
import { ArmError } from './arm-error.js';
import type { ArmFaultPlan } from './arm-fault-plan.js';
import type { ArmResourceGroup } from './arm-shapes.js';
import type { ArmState } from './arm-state.js';
import type { ArmOperationStart } from './async-operations.js';
import { BodyField } from './request-body.js';

/** The world the handlers act on. */
export interface ArmWorld {
  /** The subscription's state. */
  readonly state: ArmState;
  /** Faults in force. */
  readonly faults: ArmFaultPlan;
  /** The emulator's base URL. */
  readonly endpoint: () => string;
  /** The emulator's CA (PEM), trusted when reading import sources over https. */
  readonly ca: () => string | undefined;
  /** The default location. */
  readonly defaultLocation: string;
  /** Items per page of list operations. */
  readonly pageSize: number;
  /** `Retry-After` seconds on asynchronous answers; none when undefined. */
  readonly operationRetryAfterSeconds: number | undefined;
}

/** One call to a handler. */
export class ArmCall {
  private parsed: BodyField | undefined;

  /** A call of `operation` with a checked `apiVersion`. */
  constructor(
    /** The request. */
    readonly request: EmulatorRequest,
    /** Operation name. */
    readonly operation: string,
    /** The api-version sent (checked). */
    readonly apiVersion: string,
    /** The world. */
    readonly world: ArmWorld,
  ) {}

  /** A route parameter (`vmName`). */
  param(name: string): string {
    const value = this.request.params[name];
    if (value === undefined) throw new Error(`[novacron] [arm-emulator] route has no parameter ${name}`);
    return value;
  }

  /** The body, parsed once. */
  body(): BodyField {
    this.parsed ??= BodyField.parse(this.request.body);
    return this.parsed;
  }

  /** The state. */
  get state(): ArmState {
    return this.world.state;
  }

  /** The route's resource group, or ARM's 404 `ResourceGroupNotFound`. */
  group(): ArmResourceGroup {
    const name = this.param('resourceGroup');
    const group = this.world.state.resourceGroup(name);
    if (!group) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
    return group;
  }
}

/** A handler's answer. */
export interface ArmAnswer {
  /** HTTP status. */
  readonly status: number;
  /** JSON body; none when absent. */
  readonly body?: unknown;
  /** Extra headers. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** Answers one operation. */
export type ArmHandler = (call: ArmCall) => ArmAnswer | Promise<ArmAnswer>;

/** How an asynchronous answer hands its operation to the client. */
export interface AsyncAnswerOptions {
  /** Status (201 for a created resource, 200 for an update, 202 for actions and deletes). */
  readonly status: number;
  /** Body (the resource as it is now), none for 202 actions. */
  readonly body?: unknown;
  /** Send `Location` too (POST actions and deletes; disk operations). */
  readonly withLocation: boolean;
}

/** Starts an asynchronous operation and answers with its headers. */
export function asyncAnswer(call: ArmCall, start: ArmOperationStart, options: AsyncAnswerOptions): ArmAnswer {
  const ops = call.state.operations;
  const id = ops.start(start);
  const urls = ops.headers(id, call.apiVersion);
  const retry = call.world.operationRetryAfterSeconds;
  return {
    status: options.status,
    body: options.body,
    headers: {
      'azure-asyncoperation': urls.asyncOperation,
      ...(options.withLocation ? { location: urls.location } : {}),
      ...(retry !== undefined ? { 'retry-after': String(retry) } : {}),
    },
  };
}

/** The location a PUT names, normalized as ARM does (`West Europe` → `westeurope`); 400 when absent. */
export function locationOf(call: ArmCall): string {
  const raw = call.body().get('location').string();
  if (raw === undefined) throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  return raw.replace(/\s+/g, '').toLowerCase();
}

/** Refuses a location the subscription does not have, as ARM does (400 `LocationNotAvailableForResourceType`). */
export function checkLocation(call: ArmCall, location: string, fullType: string): void {
  if (call.state.locations.includes(location)) return;
  throw new ArmError(
    400,
    'LocationNotAvailableForResourceType',
    `The provided location '${location}' is not available for resource type '${fullType}'. List of available regions for the resource type is '${call.state.locations.join(',')}'.`,
  );
}

/** ARM's 404 for a tracked resource that does not exist. */
export function resourceNotFound(fullType: string, name: string, resourceGroup: string): ArmError {
  return new ArmError(404, 'ResourceNotFound', `The Resource '${fullType}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
}
