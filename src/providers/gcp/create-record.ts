/**
 * The record a keyed create writes to the provider's state store before it waits (invariant: no
 * VM is ever lost): which instance the key makes, in which zone, the spec's fingerprint, and the
 * name of the insert's zone operation, so that a fresh process waits for the same operation
 * (`zoneOperations.wait`) instead of starting over. It holds no part of the request body: no user
 * data, no SSH keys.
 */

/** A record as a state store gives it back (structurally `StoredRecord`). */
export interface GcpStoredValue {
  /** The stored value. */
  readonly value: unknown;
}

/** The part of a state store the adapter uses (structural, so any `StateStore` fits). */
export interface GcpStateStoreLike {
  /** Reads a record, `undefined` when there is none. */
  get(key: string): Promise<GcpStoredValue | undefined>;
  /** Writes `value` at `key`. */
  put(key: string, value: unknown): Promise<unknown>;
}

/** What a keyed create records. */
export interface CreateRecord {
  /** The VM's id (`projects/<p>/zones/<z>/instances/<name>`). */
  readonly vmId: string;
  /** Instance name. */
  readonly instanceName: string;
  /** Zone. */
  readonly zone: string;
  /** The spec's fingerprint. */
  readonly specHash: string;
  /** The caller's idempotency key. */
  readonly idempotencyKey: string;
  /** Name of the insert's zone operation, while it is to be followed. */
  readonly operation?: string | undefined;
  /** When the insert was sent (ISO 8601). */
  readonly startedAt: string;
}

/** The store key of a create's record: `gcp/<provider>/creates/<instance name>`. */
export function createRecordKey(providerName: string, instanceName: string): string {
  return `gcp/${encodeURIComponent(providerName)}/creates/${instanceName}`;
}

/** A stored value read back as a record, `undefined` when it is not one. */
export function asCreateRecord(value: unknown): CreateRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const str = (k: string): boolean => typeof v[k] === 'string';
  if (!str('vmId') || !str('instanceName') || !str('zone') || !str('specHash') || !str('idempotencyKey') || !str('startedAt')) return undefined;
  if (v.operation !== undefined && typeof v.operation !== 'string') return undefined;
  return v as unknown as CreateRecord;
}
