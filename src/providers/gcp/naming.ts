/**
 * Names and ids of what a create makes, all derived from its idempotency key alone.
 *
 * Compute Engine's own idempotency is the `requestId` of a mutating call: "If you make a request
 * with the same request ID, the server ignores the request if it has already been completed"
 * (Compute Engine REST reference, `instances.insert`, query parameter `requestId`: a UUID other
 * than the zero UUID, read 2026-12). The client library never sets one and never retries an
 * insert, so the adapter derives it from the key: the same key gives the same UUID in every
 * process, and a retried insert returns the first one's operation instead of a second instance.
 *
 * The instance name comes from the key too (`nc-` and 16 hex digits of SHA-256): a retry that
 * lands after the request id has been forgotten (GCE keeps it for a limited time) meets its own
 * instance as `409 alreadyExists` instead of making a second one, and the core's lookup finds
 * the instance by name. The names depend on the key only, never on the spec: a different spec
 * under the same key lands on the same name, where the spec-hash label tells a repeat from a
 * conflict. The spec's own name is kept in a label (`novacron-name`).
 */
import { createHash } from 'node:crypto';

/** Prefix of every instance name novacron makes. */
export const INSTANCE_NAME_PREFIX = 'nc-';

function digestOf(key: string): string {
  return createHash('sha256').update(`novacron/gcp/${key}`).digest('hex');
}

/** The instance name of a create with this key (`nc-<16 hex>`), identical in every process. */
export function instanceNameFor(idempotencyKey: string): string {
  return `${INSTANCE_NAME_PREFIX}${digestOf(idempotencyKey).slice(0, 16)}`;
}

/**
 * The `requestId` of the insert of a create with this key: a version-5-shaped UUID of the key's
 * digest (version and variant bits set, so the server takes it as a well-formed UUID).
 */
export function requestIdFor(idempotencyKey: string, purpose = 'insert'): string {
  const hex = createHash('sha256').update(`novacron/gcp/request/${purpose}/${idempotencyKey}`).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The value of the key label: the key's digest (a label value holds 63 characters of `[a-z0-9_-]`, a key anything). */
export function keyLabelValue(idempotencyKey: string): string {
  return digestOf(idempotencyKey).slice(0, 40);
}

export { oneOffKey } from '../../provider/keyed-creates.js';

/** Where an instance is: project, zone and name. */
export interface InstanceRef {
  /** Project id. */
  readonly project: string;
  /** Zone (`us-central1-a`). */
  readonly zone: string;
  /** Instance name. */
  readonly name: string;
}

/** A VM's id: `projects/<project>/zones/<zone>/instances/<name>`, the instance's path in the API. */
export function instanceId(ref: InstanceRef): string {
  return `projects/${ref.project}/zones/${ref.zone}/instances/${ref.name}`;
}

const ID = /^(?:https:\/\/[^/]+\/compute\/v1\/)?projects\/([^/]+)\/zones\/([^/]+)\/instances\/([^/]+)$/;

/** The parts of a VM id (or an instance's selfLink); `undefined` when it is not one. */
export function parseInstanceId(id: string): InstanceRef | undefined {
  const m = ID.exec(id);
  return m ? { project: m[1]!, zone: m[2]!, name: m[3]! } : undefined;
}

/** The last segment of a resource URL or path (`.../zones/us-central1-a` → `us-central1-a`). */
export function lastSegment(url: string | null | undefined): string {
  if (!url) return '';
  const i = url.lastIndexOf('/');
  return i === -1 ? url : url.slice(i + 1);
}

/** The region of a zone (`us-central1-a` → `us-central1`). */
export function regionOfZone(zone: string): string {
  return zone.replace(/-[a-z]$/, '');
}
