/**
 * What callers hand to `place`, `createVM` and `createGroup`, and how it becomes a validated
 * spec and placement request before anything else happens.
 */
import type { CallOptions } from '../provider/provider-v1.js';
import { parseVMSpec } from '../provider/spec-schema.js';
import type { VMSpec, VMSpecInput } from '../provider/types.js';
import { loadVirtualMachine } from './config.js';
import type { PlacementRequest } from './placement/index.js';

/** A VMSpec, a VirtualMachine manifest object, or a manifest as YAML text. */
export type VMRequestInput = VMSpecInput | VMSpec | string | Record<string, unknown>;

/** Options of `FederationManager.place`. */
export interface PlaceOptions extends CallOptions {
  /** Placement request (merged over the manifest's). */
  readonly request?: PlacementRequest | undefined;
  /** Build the full explanation (default `true`). */
  readonly explain?: boolean | undefined;
}

/** Options of `FederationManager.createVM`. */
export interface FederatedCreateOptions extends PlaceOptions {
  /** Makes the request safe to repeat, across replicas and restarts (default: a new random key). */
  readonly idempotencyKey?: string | undefined;
  /** Longest wait for another replica working on the same request, in ms (default 10 minutes). */
  readonly waitForOtherReplicaMs?: number | undefined;
}

/** Options of `FederationManager.createGroup`. */
export interface CreateGroupOptions extends FederatedCreateOptions {
  /** Number of VMs. */
  readonly replicas: number;
  /** Fewest distinct providers (default: the `distribute` policy's, else 1). */
  readonly minProviders?: number | undefined;
  /** Extra rounds for replicas that failed (default 2). */
  readonly retries?: number | undefined;
}

/** A request made ready for placement: the spec, and the request with the spot rule made explicit. */
export interface ResolvedRequest {
  readonly spec: VMSpec;
  readonly request: PlacementRequest;
}

function isManifest(input: VMRequestInput): boolean {
  return typeof input === 'string' || (typeof input === 'object' && input !== null && (input as Record<string, unknown>).kind === 'VirtualMachine' && 'apiVersion' in input);
}

/** Validates the input (spec or manifest) and merges the request over the manifest's. */
export async function resolveRequest(input: VMRequestInput, request: PlacementRequest | undefined): Promise<ResolvedRequest> {
  let spec: VMSpec;
  let merged: PlacementRequest;
  let spotGiven: boolean;
  if (isManifest(input)) {
    const manifest = await loadVirtualMachine(input as string | object);
    spec = parseVMSpec(manifest.spec);
    merged = { ...manifest.request, ...request };
    spotGiven = manifest.spec.spot !== undefined;
  } else {
    spec = parseVMSpec(input as VMSpecInput | VMSpec);
    merged = request ?? {};
    spotGiven = (input as VMSpecInput).spot !== undefined;
  }
  // An explicit `spot: false` on the spec forbids spot; an absent one leaves it to provider defaults.
  if (merged.spot === undefined) merged = { ...merged, spot: spec.spot ? 'require' : spotGiven ? 'forbid' : 'provider-default' };
  return { spec, request: merged };
}
