/**
 * Names of what a create makes, all derived from its idempotency key alone, and the metadata
 * that says a server is novacron's.
 *
 * Nova has no idempotency token for `POST /servers`, so the key goes where Nova keeps it: the
 * server's name (`nc-` and 16 hex digits of the key's SHA-256) and its metadata (`novacron-key`:
 * 40 hex digits of that digest). A retried create lists servers with `name=` that name (Nova's
 * filter, answered from its database right after the 202, so a lost answer is seen at once)
 * and adopts the one whose metadata carries the key, instead of booting another; the core's
 * `findByIdempotencyKey` does the same. Names depend on the key only, never on the spec: another
 * spec under the same key meets the same server, where the spec-hash metadata tells a repeat
 * from a conflict. The spec's own name is kept in `novacron-name`.
 *
 * The port a create makes is named `<server>-port`; an imported image `<server>-image`.
 */
import { createHash } from 'node:crypto';

/** Prefix of every server name novacron makes. */
export const SERVER_NAME_PREFIX = 'nc-';

function digestOf(key: string): string {
  return createHash('sha256').update(`novacron/openstack/${key}`).digest('hex');
}

/** The server name of a create with this key (`nc-<16 hex>`), identical in every process. */
export function serverNameFor(idempotencyKey: string): string {
  return `${SERVER_NAME_PREFIX}${digestOf(idempotencyKey).slice(0, 16)}`;
}

/** The `novacron-key` metadata value: the key's digest (a key may be long or hold anything). */
export function keyDigestOf(idempotencyKey: string): string {
  return digestOf(idempotencyKey).slice(0, 40);
}

/** The name of the port a create of `serverName` makes. */
export function portNameFor(serverName: string): string {
  return `${serverName}-port`;
}

/** The name of the Glance image an import for `serverName` uploads. */
export function importImageNameFor(serverName: string): string {
  return `${serverName}-image`;
}

export { oneOffKey } from '../../provider/keyed-creates.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID (the form of Nova, Glance and Neutron ids). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
