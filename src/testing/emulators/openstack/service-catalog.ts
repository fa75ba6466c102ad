/**
 * The service catalog a scoped token carries: Keystone (`identity`), Nova (`compute`), Glance
 * (`image`) and Neutron (`network`), each with a public, an internal and an admin endpoint for
 * the emulator's region, laid out as devstack mounts them behind one web server (`/identity`,
 * `/compute/v2.1`, `/image`, `/network`). The internal and admin interfaces are served too,
 * under `/internal` and `/admin`, so a client's interface choice shows in the request log. The
 * same services are listed for a second region under `/<region>`, where nothing answers (404):
 * a client that takes the first endpoint instead of its region's fails. Shape from keystone's
 * `auth-password-project-scoped-response.json` (read 2026-12).
 */
import { createHash } from 'node:crypto';
import { INTERFACE_PREFIXES, SERVICE_PATHS, type CatalogInterface } from './openstack-call.js';
import type { OpenStackService } from './openstack-operations.js';

/** One endpoint of a catalog entry. */
export interface CatalogEndpoint {
  /** Endpoint id. */
  readonly id: string;
  /** `public`, `internal` or `admin`. */
  readonly interface: CatalogInterface;
  /** Region name. */
  readonly region: string;
  /** Region id (the name, as Keystone makes it). */
  readonly region_id: string;
  /** Base URL. */
  readonly url: string;
}

/** One service of the catalog. */
export interface CatalogEntry {
  /** Service type (`compute`). */
  readonly type: OpenStackService;
  /** Service name (`nova`). */
  readonly name: string;
  /** Service id. */
  readonly id: string;
  /** Its endpoints. */
  readonly endpoints: readonly CatalogEndpoint[];
}

const SERVICE_NAMES: Readonly<Record<OpenStackService, string>> = { identity: 'keystone', compute: 'nova', image: 'glance', network: 'neutron' };

function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32);
}

/** The path prefix of a region other than the served one (`/regiontwo`). */
export function regionPrefix(region: string): string {
  return `/${region.toLowerCase()}`;
}

/** The catalog for `origin`: every service in `region` (served) and `otherRegion` (404). */
export function serviceCatalog(origin: string, region: string, otherRegion: string): CatalogEntry[] {
  return (Object.keys(SERVICE_PATHS) as OpenStackService[]).map((type) => ({
    type,
    name: SERVICE_NAMES[type],
    id: stableId('service', type),
    endpoints: [region, otherRegion].flatMap((r) =>
      (Object.keys(INTERFACE_PREFIXES) as CatalogInterface[]).map((iface) => ({
        id: stableId('endpoint', type, r, iface),
        interface: iface,
        region: r,
        region_id: r,
        url: `${origin}${r === region ? '' : regionPrefix(r)}${INTERFACE_PREFIXES[iface]}${SERVICE_PATHS[type]}`,
      })),
    ),
  }));
}
