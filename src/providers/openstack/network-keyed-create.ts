/**
 * The create flow every network resource of the companion shares, in the order it runs:
 *
 * 1. the key (a one-off key when the caller gave none) and the input become the mark's digests
 *    (`network-marks.ts`);
 * 2. the resource that carries the key's digest is looked for: the same input digest is the same
 *    create (its remaining steps run again, it comes back), another one a `ConflictError`;
 * 3. otherwise the create is sent with the mark in its description. An answer that does not
 *    prove the create was refused — a lost answer, a timeout, a 5xx — is resolved by looking
 *    for the mark again (Neutron writes to its database before it answers: a miss is an
 *    absence); a refusal is thrown as it is.
 *
 * Creates of one key run one at a time in a process, so two concurrent calls never race to
 * Neutron; across processes the mark makes a repeat find the first one's resource.
 */
import { ConflictError, NovacronError, isAbortError } from '../../provider/errors.js';
import { oneOffKey, PerNameQueue } from '../../provider/keyed-creates.js';
import { inputDigest, keyDigest, type MarkKind } from './network-marks.js';

/** The digests a create's mark carries. */
export interface CreateMark {
  /** Key digest (`k`). */
  readonly k: string;
  /** Input digest (`i`). */
  readonly i: string;
}

/** One keyed create. */
export interface KeyedCreate<A> {
  /** Kind of resource. */
  readonly kind: MarkKind;
  /** The caller's idempotency key. */
  readonly idempotencyKey: string | undefined;
  /** The input, as the caller gave it (its digest tells a repeat from a conflict). */
  readonly input: unknown;
  /** The resource carrying key digest `k`, if there is one. */
  readonly find: (k: string) => Promise<A | undefined>;
  /** The input digest a found resource carries. */
  readonly inputOf: (found: A) => string | undefined;
  /** Sends the create with the mark. */
  readonly create: (mark: CreateMark) => Promise<A>;
  /** Provider name, for errors. */
  readonly provider: string;
}

/** True when a failed create may still have happened (the answer was lost, timed out, or failed on Neutron's side). */
export function mayHaveActed(error: unknown): boolean {
  if (isAbortError(error)) return false;
  if (!NovacronError.isInstance(error)) return true;
  return error.code === 'TIMEOUT' || (error.code === 'PROVIDER_UNAVAILABLE' && error.requestSent !== false);
}

/** Keyed creates of one companion. */
export class KeyedCreates {
  private readonly queue = new PerNameQueue();

  /** Runs one create (see the file comment); answers the resource and whether this call made it. */
  run<A>(c: KeyedCreate<A>): Promise<{ readonly resource: A; readonly created: boolean }> {
    const k = keyDigest(c.kind, c.idempotencyKey ?? oneOffKey());
    const i = inputDigest(c.input);
    return this.queue.run(`${c.kind}|${k}`, async () => {
      const existing = await c.find(k);
      if (existing !== undefined) {
        if (c.inputOf(existing) !== i) throw new ConflictError({ provider: c.provider, message: `idempotency key "${c.idempotencyKey}" was already used for a different ${c.kind}` });
        return { resource: existing, created: false };
      }
      try {
        return { resource: await c.create({ k, i }), created: true };
      } catch (error) {
        if (!mayHaveActed(error)) throw error;
        const found = await c.find(k);
        if (found === undefined) throw error;
        return { resource: found, created: true };
      }
    });
  }
}
