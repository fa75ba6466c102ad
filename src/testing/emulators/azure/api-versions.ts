/**
 * The api-versions the emulator serves, per resource type, and ARM's refusals of the others.
 *
 * Served: what the installed SDKs send (read from their dist, 2026-12: `@azure/arm-compute` 25.1.1
 * sends 2026-04-01 for virtual machines, 2026-03-02 for disks and snapshots, 2021-07-01 for
 * Resource SKUs; `@azure/arm-network` 39.0.0 sends 2026-01-01), plus one older stable version per
 * type whose shapes the emulator follows (azure-rest-api-specs: ComputeRP stable/2024-07-01,
 * DiskRP stable/2024-03-02, network stable/2024-05-01, resources stable/2024-03-01 and
 * 2021-04-01, read 2026-12). One body shape is served for all of them.
 *
 * Refusals, in ARM's words (learn.microsoft.com "Resolve errors for resource provider
 * registration" and "Azure Resource Manager API versions" troubleshooting pages, read 2026-12):
 * - no `api-version`: 400 `MissingApiVersionParameter`;
 * - not a date-shaped version: 400 `InvalidApiVersionParameter`;
 * - a version the type does not have: 400 `NoRegisteredProviderFound` for resource providers,
 *   `InvalidApiVersionParameter` for ARM's own Microsoft.Resources endpoints.
 */
import { ArmError } from './arm-error.js';

/** A resource type as ARM routes it: namespace and type path. */
export interface ApiVersionScope {
  /** Provider namespace (`Microsoft.Compute`). */
  readonly namespace: string;
  /** Type path (`virtualMachines`, `locations/operations`). */
  readonly type: string;
}

const COMPUTE_VM = ['2024-07-01', '2026-04-01'] as const;
const COMPUTE_DISK = ['2024-03-02', '2026-03-02'] as const;
const NETWORK = ['2024-05-01', '2026-01-01'] as const;

/** The versions served per `namespace/type`, lower case. */
const SUPPORTED: Readonly<Record<string, readonly string[]>> = {
  'microsoft.resources/resourcegroups': ['2021-04-01', '2024-03-01'],
  'microsoft.compute/virtualmachines': COMPUTE_VM,
  'microsoft.compute/locations/operations': [...COMPUTE_VM, ...COMPUTE_DISK],
  'microsoft.compute/locations/diskoperations': COMPUTE_DISK,
  'microsoft.compute/disks': COMPUTE_DISK,
  'microsoft.compute/snapshots': COMPUTE_DISK,
  'microsoft.compute/skus': ['2021-07-01'],
  'microsoft.network/virtualnetworks': NETWORK,
  'microsoft.network/virtualnetworks/subnets': NETWORK,
  'microsoft.network/networksecuritygroups': NETWORK,
  'microsoft.network/networkinterfaces': NETWORK,
  'microsoft.network/publicipaddresses': NETWORK,
  'microsoft.network/virtualnetworks/virtualnetworkpeerings': NETWORK,
  'microsoft.network/virtualnetworkgateways': NETWORK,
  'microsoft.network/localnetworkgateways': NETWORK,
  'microsoft.network/connections': NETWORK,
  'microsoft.network/connections/sharedkey': NETWORK,
  'microsoft.network/routetables': NETWORK,
  'microsoft.network/routetables/routes': NETWORK,
  'microsoft.network/locations/operations': NETWORK,
  'microsoft.network/locations/operationresults': NETWORK,
};

/** The versions the emulator serves for a type (empty for a type it does not know). */
export function supportedApiVersions(scope: ApiVersionScope): readonly string[] {
  return SUPPORTED[`${scope.namespace}/${scope.type}`.toLowerCase()] ?? [];
}

/** The newest version served for a type (what the emulator writes into the URLs it hands out). */
export function newestApiVersion(scope: ApiVersionScope): string {
  const versions = supportedApiVersions(scope);
  return [...versions].sort().at(-1) ?? '';
}

const VERSION_SHAPE = /^\d{4}-\d{2}-\d{2}(-preview|-beta|-alpha|-privatepreview)?$/i;

/**
 * Checks a request's `api-version` against its type; returns the version, or throws ARM's
 * refusal. `location` and `locations` word `NoRegisteredProviderFound` as ARM does.
 */
export function checkApiVersion(apiVersion: string | null, scope: ApiVersionScope, where: { readonly location: string; readonly locations: readonly string[] }): string {
  const versions = supportedApiVersions(scope);
  if (apiVersion === null || apiVersion === '') {
    throw new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  }
  const list = versions.join(', ');
  if (!VERSION_SHAPE.test(apiVersion)) {
    throw new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${list}'.`);
  }
  if (versions.includes(apiVersion)) return apiVersion;
  if (scope.namespace.toLowerCase() === 'microsoft.resources') {
    throw new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${list}'.`);
  }
  throw new ArmError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${where.location}' and API version '${apiVersion}' for type '${scope.type.split('/').pop()}'. ` +
      `The supported api-versions are '${list}'. The supported locations are '${where.locations.join(', ')}'.`,
  );
}
