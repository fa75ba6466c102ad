/**
 * `novacron/provider-utils`: what adapter authors build on, so that every provider and state
 * store behaves like the ones shipped here. A host application needs none of it.
 *
 * - cancellation: {@link throwIfAborted}, {@link sleep}, {@link withSignal} (stop waiting for a
 *   shared load without cancelling it for the others), {@link abortReason};
 * - retries: {@link withRetry} and {@link backoffDelay}, which honour a `ThrottledError`'s
 *   `retryAfterMs`;
 * - errors: {@link ErrorCause}, the secret-free summary of the cloud's error that every
 *   `NovacronError` carries;
 * - secrets: {@link redact}, {@link redactString}, {@link isSecretKey};
 * - specs and offers: {@link parseVMSpec}, {@link toSpecIssues}, {@link selectOffer},
 *   {@link requirementOf}, {@link specFingerprint}, the portable image aliases;
 * - input guards for an adapter's own options: {@link findStructuralIssue},
 *   {@link strictObjectSchema}, {@link describeInput};
 * - state-store building blocks: key rules ({@link assertValidKey}, {@link normalizePrefix},
 *   {@link prefixUpperBound}, {@link compareKeys}) and {@link WatchHub}.
 *
 * Prove an adapter with the conformance suites in `novacron/testing`.
 *
 * @module novacron/provider-utils
 * @packageDocumentation
 */
export {
  abortReason,
  backoffDelay,
  DEFAULT_IMAGE,
  describeInput,
  ErrorCause,
  findPortableImage,
  findStructuralIssue,
  instanceFamily,
  isObjectRecord,
  isSecretKey,
  joinPath,
  looksLikeAlias,
  MAX_INPUT_DEPTH,
  offerFits,
  offerPrice,
  parseVMSpec,
  PORTABLE_IMAGES,
  redact,
  REDACTED,
  redactString,
  requirementOf,
  RESERVED_KEYS,
  selectOffer,
  sleep,
  specArchitectures,
  specFingerprint,
  strictObjectSchema,
  throwIfAborted,
  toSpecIssues,
  withRetry,
  withSignal,
  type OfferRequirement,
  type PortableImage,
  type RetryOptions,
  type RetryPolicy,
} from '../provider/index.js';
export { assertValidKey, compareKeys, MAX_KEY_LENGTH, normalizePrefix, prefixUpperBound, WatchHub, type WatchHubOptions } from '../state/index.js';
