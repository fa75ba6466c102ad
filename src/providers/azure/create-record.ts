/**
 * The record a keyed create writes to the provider's state store before it waits (invariant: no
 * VM is ever lost): which VM the key makes, the spec's fingerprint, and the resume token of the
 * VM's create operation, so that a fresh process follows the same operation (`restoreFrom`)
 * instead of starting over. It holds no part of a request body: no user data, no password.
 */

/** A record as a state store gives it back (structurally `StoredRecord`). */
export interface AzureStoredValue {
  /** The stored value. */
  readonly value: unknown;
}

/** The part of a state store the adapter uses (structural, so any `StateStore` fits). */
export interface AzureStateStoreLike {
  /** Reads a record, `undefined` when there is none. */
  get(key: string): Promise<AzureStoredValue | undefined>;
  /** Writes `value` at `key`. */
  put(key: string, value: unknown): Promise<unknown>;
}

/** What a keyed create records. */
export interface CreateRecord {
  /** The VM's resource id. */
  readonly vmId: string;
  /** The VM's Azure name. */
  readonly vmName: string;
  /** The spec's fingerprint. */
  readonly specHash: string;
  /** The caller's idempotency key. */
  readonly idempotencyKey: string;
  /** Location. */
  readonly location: string;
  /** Resume token of the VM's create operation (poller state without its interim result). */
  readonly resumeToken?: string | undefined;
  /** When the create was sent (ISO 8601). */
  readonly startedAt: string;
}

/** The store key of a create's record: `azure/<provider>/creates/<vm name>`. */
export function createRecordKey(providerName: string, vmName: string): string {
  return `azure/${encodeURIComponent(providerName)}/creates/${vmName}`;
}

/** A stored value read back as a record, `undefined` when it is not one. */
export function asCreateRecord(value: unknown): CreateRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const str = (k: string): boolean => typeof v[k] === 'string';
  if (!str('vmId') || !str('vmName') || !str('specHash') || !str('idempotencyKey') || !str('location') || !str('startedAt')) return undefined;
  if (v.resumeToken !== undefined && typeof v.resumeToken !== 'string') return undefined;
  return v as unknown as CreateRecord;
}
