/**
 * The record a keyed create writes to the provider's state store once Nova has accepted it and
 * before anything waits (invariant: no VM is ever lost): the server's id, its name, the spec's
 * fingerprint, the key and its port. A fresh process resumes by reading it (and by the server's
 * key-derived name, which needs no record). It holds no part of the request body: no user data,
 * no credentials.
 */

/** A record as a state store gives it back (structurally `StoredRecord`). */
export interface OpenStackStoredValue {
  /** The stored value. */
  readonly value: unknown;
}

/** The part of a state store the adapter uses (structural, so any `StateStore` fits). */
export interface OpenStackStateStoreLike {
  /** Reads a record, `undefined` when there is none. */
  get(key: string): Promise<OpenStackStoredValue | undefined>;
  /** Writes `value` at `key`. */
  put(key: string, value: unknown): Promise<unknown>;
}

/** What a keyed create records. */
export interface CreateRecord {
  /** The server's id. */
  readonly vmId: string;
  /** Its name (`nc-<16 hex>`). */
  readonly serverName: string;
  /** The spec's fingerprint. */
  readonly specHash: string;
  /** The caller's idempotency key. */
  readonly idempotencyKey: string;
  /** The port the create made. */
  readonly portId: string | undefined;
  /** When the create was accepted (ISO 8601). */
  readonly startedAt: string;
}

/** The store key of a create's record: `openstack/<provider>/creates/<server name>`. */
export function createRecordKey(providerName: string, serverName: string): string {
  return `openstack/${encodeURIComponent(providerName)}/creates/${serverName}`;
}

/** A stored value read back as a record, `undefined` when it is not one. */
export function asCreateRecord(value: unknown): CreateRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const str = (k: string): boolean => typeof v[k] === 'string';
  if (!str('vmId') || !str('serverName') || !str('specHash') || !str('idempotencyKey') || !str('startedAt')) return undefined;
  return v as unknown as CreateRecord;
}
