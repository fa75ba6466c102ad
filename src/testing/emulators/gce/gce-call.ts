/**
 * What a Compute Engine handler works with: the request, its path parameters, the project's
 * state and faults, and the emulator's settings; plus the readers of GCE's references (full or
 * partial resource URLs) and of its request bodies.
 */
import type { EmulatorRequest } from '../kit/emulator-request.js';
import { GceError, invalidField, notFound } from './gce-error.js';
import type { GceFaultPlan } from './gce-fault-plan.js';
import type { GceJsonObject, GceJsonValue } from './gce-shapes.js';
import type { GceState } from './gce-state.js';
import type { GceNetworkState } from './network-state.js';

/** An object in Cloud Storage an image import may read. */
export interface StorageObjectInfo {
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** Size of the disk inside, GB (default: the object's size rounded up to whole GiB). */
  readonly diskSizeGb?: number | undefined;
}

/** The emulator's settings and state, shared by every handler. */
export interface GceWorld {
  /** The project's state. */
  readonly state: GceState;
  /** Faults. */
  readonly faults: GceFaultPlan;
  /** Default network name and subnetwork name (per region). */
  readonly defaults: { readonly network: string; readonly subnetwork: string };
  /** How long `operations.wait` holds at most, ms. */
  readonly waitTimeoutMs: number;
  /** Instance lifecycle times, ms. */
  readonly timings: { readonly pendingMs: number; readonly runningMs: number };
  /** The Cloud Storage objects an image import finds. */
  readonly storageObject: (url: string) => StorageObjectInfo | undefined;
  /** The default service account's email. */
  readonly defaultServiceAccount: string;
  /** The project's VPC networking (networks, subnetworks, VPN, routers, routes). */
  readonly network: GceNetworkState;
}

/** One call to a handler. */
export class GceCall {
  /** Wraps a request matched to an operation. */
  constructor(
    /** The request. */
    readonly request: EmulatorRequest,
    /** The operation name. */
    readonly operation: string,
    /** The emulator. */
    readonly world: GceWorld,
  ) {}

  /** The state. */
  get state(): GceState {
    return this.world.state;
  }

  /** A path parameter. */
  param(name: string): string {
    return this.request.params[name] ?? '';
  }

  /** The zone of the path, checked: an unknown zone is 400 `Unknown zone.` as GCE answers. */
  zone(): string {
    const zone = this.param('zone');
    if (!this.state.catalog.zone(zone)) throw invalidField('zone', zone, 'Unknown zone.');
    return zone;
  }

  /** The region of the path, checked. */
  region(): string {
    const region = this.param('region');
    if (!this.state.catalog.regions().includes(region)) throw invalidField('region', region, 'Unknown region.');
    return region;
  }

  /** The JSON body as an object (400 when it is not one). */
  body(): GceJsonObject {
    let parsed: unknown;
    try {
      parsed = this.request.json<unknown>({});
    } catch {
      throw new GceError(400, 'parseError', 'This API does not support parsing form-encoded input.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new GceError(400, 'parseError', 'Invalid JSON payload received.');
    return parsed as GceJsonObject;
  }

  /** The `requestId` query parameter, checked to be a UUID (GCE refuses other ids and the zero UUID). */
  requestId(): string | undefined {
    const id = this.request.query.get('requestId') ?? undefined;
    if (id === undefined || id === '') return undefined;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) || /^[0-]+$/.test(id)) {
      throw invalidField('requestId', id, 'The request ID must be a valid UUID with the exception that zero UUID is not supported (00000000-0000-0000-0000-000000000000).');
    }
    return id.toLowerCase();
  }

  /** `projects/{p}/zones/{z}/instances/{name}`. */
  instancePath(zone: string, name: string): string {
    return `projects/${this.state.project}/zones/${zone}/instances/${name}`;
  }

  /** 404 for a missing resource path. */
  notFound(path: string): GceError {
    return notFound(path);
  }
}

/** A reference parsed from a full or partial URL. */
export interface ParsedReference {
  /** Project, when the reference names one. */
  readonly project: string | undefined;
  /** Path after the project (`zones/z/machineTypes/t`, `global/images/family/f`). */
  readonly path: string;
}

const URL_PREFIXES = ['https://www.googleapis.com/compute/v1/', 'https://compute.googleapis.com/compute/v1/', 'http://www.googleapis.com/compute/v1/'];

/** Reads a GCE reference (full URL, `projects/p/...`, or a partial `zones/...` / `global/...` / `regions/...`). */
export function parseReference(value: string): ParsedReference | undefined {
  let rest = value;
  const prefix = URL_PREFIXES.find((p) => rest.startsWith(p));
  if (prefix) rest = rest.slice(prefix.length);
  else if (/^https?:/.test(rest)) return undefined;
  const m = /^projects\/([^/]+)\/(.+)$/.exec(rest);
  if (m) return { project: m[1], path: m[2]! };
  if (/^(zones|regions|global)\//.test(rest)) return { project: undefined, path: rest };
  return undefined;
}

/** A field as an object, `undefined` when absent; 400 when it is something else. */
export function objectField(value: GceJsonValue | undefined, field: string): GceJsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidField(field, value, 'Expected an object.');
  return value;
}

/** A field as an array of objects (`[]` when absent). */
export function arrayField(value: GceJsonValue | undefined, field: string): GceJsonObject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField(field, value, 'Expected a list.');
  return value.map((item, i) => objectField(item, `${field}[${i}]`) ?? {});
}

/** A field as text, `undefined` when absent. */
export function stringField(value: GceJsonValue | undefined, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidField(field, value, 'Expected a string.');
  return value;
}

/** A field as a boolean, `undefined` when absent. */
export function booleanField(value: GceJsonValue | undefined, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidField(field, value, 'Expected a boolean.');
  return value;
}

/** An int64 field (sent as a string by the REST transport, or a number), `undefined` when absent. */
export function integerField(value: GceJsonValue | undefined, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw invalidField(field, value, 'Expected an integer.');
  return n;
}
