/**
 * The secrets hook of the network layer. WireGuard private keys and VPN pre-shared keys are
 * written to the host's secret store (Vault, a cloud secret manager, a KMS-encrypted table)
 * through a {@link SecretVault}, and only their {@link SecretRef}s travel: in plans, in operation
 * records, in resources. A render that needs a private key reads it for that one render.
 *
 * {@link createMemorySecretVault} is for tests and notebooks: it keeps values in the process.
 */
import { NotFoundError } from '../provider/errors.js';
import type { SecretReader, SecretRef } from '../provider/network-types.js';
import { throwIfAborted } from '../provider/abort.js';

/** Reads, writes and deletes secrets by name. */
export interface SecretVault extends SecretReader {
  /** Stores `value` under `name` (replacing what was there) and returns its reference. */
  write(name: string, value: string, options?: { signal?: AbortSignal | undefined }): Promise<SecretRef>;
  /** Deletes a secret; deleting one that does not exist succeeds. */
  remove(ref: SecretRef, options?: { signal?: AbortSignal | undefined }): Promise<void>;
}

/** A {@link SecretVault} in process memory, for tests and notebooks. */
export class MemorySecretVault implements SecretVault {
  private readonly values = new Map<string, string>();

  async read(ref: SecretRef, options: { signal?: AbortSignal | undefined } = {}): Promise<string> {
    throwIfAborted(options.signal);
    const value = this.values.get(ref.secret);
    if (value === undefined) throw new NotFoundError({ message: `no secret named "${ref.secret}"`, resourceType: 'secret', resourceId: ref.secret });
    return value;
  }

  async write(name: string, value: string, options: { signal?: AbortSignal | undefined } = {}): Promise<SecretRef> {
    throwIfAborted(options.signal);
    this.values.set(name, value);
    return { secret: name };
  }

  async remove(ref: SecretRef, options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    throwIfAborted(options.signal);
    this.values.delete(ref.secret);
  }

  /** Names of the secrets held, sorted (tests check that a teardown removed them). */
  names(): string[] {
    return [...this.values.keys()].sort();
  }

  /** Every value held (tests search logs and store rows for them). */
  secretValues(): string[] {
    return [...this.values.values()];
  }

  /** Keeps values out of `JSON.stringify`: only the names. */
  toJSON(): string[] {
    return this.names();
  }
}

/** Creates an in-memory {@link SecretVault}. */
export function createMemorySecretVault(): MemorySecretVault {
  return new MemorySecretVault();
}
