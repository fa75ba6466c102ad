/**
 * The lock a migration holds on its source VM, so that no second migration moves the same VM.
 *
 * Two parts, because a migration outlives the processes that run it (its grace period alone is
 * minutes with nobody running): a lease `vm-lock/<provider>/<id>` with a fencing token, held with
 * the migration id as holder while a run works (renewed in the background), and a claim record
 * `migration-locks/<provider>/<id>` naming the migration, written and deleted under that lease's
 * fencing token. A second migration is refused while the lease is held, and after it has lapsed
 * while the claim names a migration that has not finished. A claim left by a migration that did
 * finish (its process died between its last step and the claim's delete) is stale and replaced.
 */
import { ConflictError } from '../../provider/errors.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import type { Lease, StateStore } from '../../state/state-store.js';
import { readOperation } from '../operations/durable-operation.js';
import { MigrationConflictError } from './migration-errors.js';
import type { MigrationSource } from './migration-types.js';

/** What the claim record holds. */
interface VmClaim {
  readonly migrationId: string;
  readonly since: string;
}

/** Lease lifetime; renewed every third of it while a run holds the lock. */
const LEASE_TTL_MS = 30_000;

/** The lease name and claim key of a VM (the id is URI-encoded: some clouds' ids are paths). */
function names(vm: MigrationSource): { lease: string; claim: string } {
  const at = `${vm.provider}/${encodeURIComponent(vm.id)}`;
  return { lease: `vm-lock/${at}`, claim: `migration-locks/${at}` };
}

/** One migration's lock on its source VM. */
export class VmLock {
  private lease: Lease | undefined;
  private renewTimer: ReturnType<typeof setInterval> | undefined;
  private readonly leaseName: string;
  private readonly claimKey: string;

  /** A lock of `vm` for the migration `migrationId`. */
  constructor(
    private readonly store: StateStore,
    private readonly vm: MigrationSource,
    private readonly migrationId: string,
    private readonly now: () => number,
  ) {
    const n = names(vm);
    this.leaseName = n.lease;
    this.claimKey = n.claim;
  }

  /**
   * Takes (or takes again, in a later run) the lock: the lease, then the claim. Returns the
   * lease's fencing token. A `MigrationConflictError` when another migration holds either.
   */
  async hold(options: CallOptions = {}): Promise<number> {
    const lease = await this.store.acquireLease(this.leaseName, this.migrationId, LEASE_TTL_MS, options);
    if (!lease) {
      const other = await this.store.getLease(this.leaseName, options);
      throw this.conflict(other?.holder);
    }
    this.lease = lease;
    this.startRenewing();
    const fencing = { lease: lease.name, token: lease.fencingToken };
    try {
      const claim = await this.store.get<VmClaim>(this.claimKey, options);
      if (claim?.value.migrationId === this.migrationId) return lease.fencingToken;
      const mine: VmClaim = { migrationId: this.migrationId, since: new Date(this.now()).toISOString() };
      if (claim) {
        const other = await readOperation(this.store, claim.value.migrationId, options);
        if (other?.status === 'running') throw this.conflict(claim.value.migrationId);
        await this.store.put(this.claimKey, mine, { expectedVersion: claim.version, fencing, signal: options.signal });
      } else {
        await this.store.put(this.claimKey, mine, { expectedVersion: null, fencing, signal: options.signal });
      }
      return lease.fencingToken;
    } catch (error) {
      await this.pause();
      // A claim written meanwhile by another migration (its lease had lapsed): refused, not overwritten.
      if (ConflictError.isInstance(error) && !MigrationConflictError.isInstance(error)) throw this.conflict(undefined, error);
      throw error;
    }
  }

  /** Lets the lease go at the end of a run; the claim stays, so the VM stays locked. */
  async pause(): Promise<void> {
    this.stopRenewing();
    const lease = this.lease;
    this.lease = undefined;
    if (lease) await this.store.releaseLease(lease).catch(() => undefined);
  }

  /** Deletes this migration's claim (only its own) and lets the lease go. Idempotent. */
  async release(options: CallOptions = {}): Promise<void> {
    const lease = this.lease ?? (await this.store.acquireLease(this.leaseName, this.migrationId, LEASE_TTL_MS, options)) ?? undefined;
    try {
      const claim = await this.store.get<VmClaim>(this.claimKey, options);
      if (claim?.value.migrationId === this.migrationId) {
        // Without the lease (another migration is asking for it right now), the version alone guards the delete.
        await this.store.delete(this.claimKey, { expectedVersion: claim.version, fencing: lease ? { lease: lease.name, token: lease.fencingToken } : undefined, signal: options.signal });
      }
    } finally {
      this.lease = lease;
      await this.pause();
    }
  }

  private conflict(heldBy: string | undefined, cause?: unknown): MigrationConflictError {
    const by = heldBy && heldBy !== this.migrationId ? ` by migration ${heldBy}` : '';
    return new MigrationConflictError({
      message: `VM ${this.vm.id} on ${this.vm.provider} is being migrated${by}; wait for that migration to finish (getMigration) or resume it`,
      vm: this.vm,
      migrationId: this.migrationId,
      heldBy,
      cause,
    });
  }

  private startRenewing(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => void this.renew(), Math.floor(LEASE_TTL_MS / 3));
    this.renewTimer.unref?.();
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private async renew(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    try {
      const renewed = await this.store.renewLease(lease, LEASE_TTL_MS);
      if (renewed && this.lease === lease) this.lease = renewed;
    } catch {
      // Retried on the next tick; the claim keeps the VM locked meanwhile.
    }
  }
}
