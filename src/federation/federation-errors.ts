/**
 * Errors of the federation layer. They extend the provider taxonomy (`NovacronError`), whose
 * constructor marks each with its code, and are recognized across package copies by
 * `NovacronError.hasMarker`, like every novacron error.
 */
import { InvalidSpecError, NovacronError, type SpecIssue } from '../provider/errors.js';
import { redactString } from '../provider/redact.js';
import type { PlacementTarget } from './placement-target.js';

/** One create attempt on one candidate, as reported by {@link AllCandidatesFailedError}. */
export interface FailedAttempt extends PlacementTarget {
  /** Error code (`CAPACITY`, `QUOTA`, ...). */
  readonly code: string;
  /** Error message (secret-free). */
  readonly message: string;
}

/** A candidate placement turned down, with the rule that turned it down. */
export interface RejectionSummary {
  /** Provider name. */
  readonly provider: string;
  /** Region, when the rejection concerns one. */
  readonly region: string | undefined;
  /** Why. */
  readonly reason: string;
}

/**
 * A FederationConfig (YAML or object) is wrong: field paths are in the document's own terms
 * (`spec.providers[1].config.region`). It is an `InvalidSpecError` too (code `INVALID_SPEC`,
 * same `issues`), so code that catches invalid input catches both; messages say "invalid config".
 */
export class ConfigError extends InvalidSpecError {
  /** Creates a configuration error from its issues. */
  constructor(options: { issues: readonly SpecIssue[]; cause?: unknown }) {
    super({ ...options, message: `invalid config: ${options.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}` });
    this.name = 'ConfigError';
    this.addMarker('INVALID_CONFIG');
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is ConfigError {
    return NovacronError.hasMarker(value, 'INVALID_CONFIG');
  }
}

/** No candidate satisfies the constraints and policies. `explanation` says why for each. */
export class PlacementRefusedError extends NovacronError {
  private readonly sourceRejected: () => readonly RejectionSummary[];
  private readonly render: () => string;
  private rendered: string | undefined;
  private redactedRejections: readonly RejectionSummary[] | undefined;

  /**
   * Creates the error. The explanation is rendered (and redacted) when first read, so that a
   * refusal that nobody prints costs no table.
   */
  constructor(options: {
    message: string | (() => string);
    rejected: readonly RejectionSummary[] | (() => readonly RejectionSummary[]);
    explanation: string | (() => string);
  }) {
    const message = options.message;
    super('PLACEMENT_REFUSED', false, { message: typeof message === 'string' ? `${message}; see rejected and explanation` : '' });
    // A message that needs the explained decision is written when first read: a refusal caught and dropped costs no explanation.
    if (typeof message === 'function') this.deferMessage(() => `${message()}; see rejected and explanation`);
    this.name = 'PlacementRefusedError';
    const rejected = options.rejected;
    let cached: readonly RejectionSummary[] | undefined;
    this.sourceRejected = typeof rejected === 'function' ? () => (cached ??= rejected()) : () => rejected;
    const explanation = options.explanation;
    this.render = typeof explanation === 'string' ? () => explanation : explanation;
    for (const key of ['sourceRejected', 'render', 'rendered', 'redactedRejections']) Object.defineProperty(this, key, { enumerable: false });
  }

  /** Every candidate turned down, with its reason. */
  get rejected(): readonly RejectionSummary[] {
    this.redactedRejections ??= this.sourceRejected().map((r) => ({ ...r, reason: redactString(r.reason) }));
    return this.redactedRejections;
  }

  /** A table a person can read: every candidate, scored or rejected with its rule. */
  get explanation(): string {
    this.rendered ??= redactString(this.render());
    return this.rendered;
  }

  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is PlacementRefusedError {
    return NovacronError.hasMarker(value, 'PLACEMENT_REFUSED');
  }
}

/** Every candidate was tried and refused. `attempts` lists what was tried and why each failed. */
export class AllCandidatesFailedError extends NovacronError {
  /** The attempts, in order. */
  readonly attempts: readonly FailedAttempt[];
  /** Creates the error. */
  constructor(options: { message: string; attempts: readonly FailedAttempt[] }) {
    super('ALL_CANDIDATES_FAILED', true, { message: `${options.message}\n${renderAttempts(options.attempts)}` });
    this.name = 'AllCandidatesFailedError';
    this.attempts = options.attempts.map((a) => ({ ...a, message: redactString(a.message) }));
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is AllCandidatesFailedError {
    return NovacronError.hasMarker(value, 'ALL_CANDIDATES_FAILED');
  }
}

/** A create attempt whose outcome is not known yet, as named by {@link OutcomeUncertainError}. */
export interface UncertainAttempt extends PlacementTarget {
  /** The idempotency key sent to the provider: asking the provider for it tells what happened. */
  readonly providerKey: string;
  /** The VM id, when the provider named one before the call failed. */
  readonly vmId: string | undefined;
  /** Code of the error that left it uncertain. */
  readonly code: string;
}

/**
 * A cloud call may have acted, and the provider could not be asked what it did within the
 * resolution budget. Nothing else was tried: failing over now could make a second VM. A retry
 * with the same idempotency key (or `reconcile()`) asks again and adopts what it finds.
 */
export class OutcomeUncertainError extends NovacronError {
  /** The attempt whose outcome is unknown. */
  readonly attempt: UncertainAttempt;
  /** Creates the error. */
  constructor(options: { message: string; attempt: UncertainAttempt; operationId: string; cause?: unknown }) {
    super('OUTCOME_UNCERTAIN', true, { message: options.message, provider: options.attempt.provider, operationId: options.operationId, cause: options.cause });
    this.name = 'OutcomeUncertainError';
    this.attempt = options.attempt;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is OutcomeUncertainError {
    return NovacronError.hasMarker(value, 'OUTCOME_UNCERTAIN');
  }
}

/** One VM of a group. */
export interface GroupMember {
  /** Provider name. */
  readonly provider: string;
  /** VM id. */
  readonly id: string;
}

/** A replica that could not be created. */
export interface ReplicaFailure {
  /** Replica number (0-based). */
  readonly replica: number;
  /** Code of its last error. */
  readonly code: string;
  /** Message of its last error (secret-free). */
  readonly message: string;
}

/** A group was only partly created. The VMs that exist are listed; nothing was silently dropped. */
export class GroupIncompleteError extends NovacronError {
  /** The VMs that were created. */
  readonly created: readonly GroupMember[];
  /** Replicas that could not be created, with the last error of each. */
  readonly failures: readonly ReplicaFailure[];
  /** Creates the error. */
  constructor(options: {
    message: string;
    created: readonly GroupMember[];
    failures: readonly ReplicaFailure[];
  }) {
    super('GROUP_INCOMPLETE', true, { message: options.message });
    this.name = 'GroupIncompleteError';
    this.created = options.created;
    this.failures = options.failures.map((f) => ({ ...f, message: redactString(f.message) }));
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is GroupIncompleteError {
    return NovacronError.hasMarker(value, 'GROUP_INCOMPLETE');
  }
}

/** Renders attempts as an aligned text table. */
export function renderAttempts(attempts: readonly FailedAttempt[]): string {
  const rows = attempts.map((a, i) => [
    String(i + 1),
    a.provider,
    a.zone ? `${a.region}/${a.zone}` : a.region,
    `${a.instanceType}${a.spot ? ' (spot)' : ''}`,
    a.code,
    a.message.replace(/^\[novacron\] (\[[^\]]+\] )?/, ''),
  ]);
  return renderTable(['#', 'provider', 'region/zone', 'instance type', 'error', 'message'], rows);
}

/** Renders rows as a plain-text table with a header rule. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
