/**
 * The parts of OpenStack's JSON that the adapter reads, as the API references show them
 * (Compute API 2.79 server view, Image API v2 image, Networking API v2.0 network, port and
 * floating IP; docs.openstack.org/api-ref, read 2026-12). Every field is optional: a cloud may
 * leave out what its policy hides.
 */

/** One address of a server (`addresses.<network>[]`). */
export interface NovaAddress {
  /** The IP address. */
  readonly addr?: string;
  /** 4 or 6. */
  readonly version?: number;
  /** `fixed` (the port's own address) or `floating`. */
  readonly 'OS-EXT-IPS:type'?: string;
}

/** A server as `GET /servers/{id}` and `GET /servers/detail` show it (microversion ≥ 2.47). */
export interface NovaServer {
  /** Server id (UUID). */
  readonly id: string;
  /** Server name. */
  readonly name?: string;
  /** `BUILD`, `ACTIVE`, `SHUTOFF`, … */
  readonly status?: string;
  /** Addresses by network name. */
  readonly addresses?: Readonly<Record<string, readonly NovaAddress[]>>;
  /** The embedded flavor (2.47). */
  readonly flavor?: { readonly original_name?: string; readonly vcpus?: number; readonly ram?: number; readonly disk?: number; readonly extra_specs?: Readonly<Record<string, string>> };
  /** The image (`""` when it booted from a volume). */
  readonly image?: { readonly id?: string } | string;
  /** Metadata. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Availability zone. */
  readonly 'OS-EXT-AZ:availability_zone'?: string;
  /** Task in progress (`deleting`, `powering-off`, `spawning`, …), when shown. */
  readonly 'OS-EXT-STS:task_state'?: string | null;
  /** Creation time. */
  readonly created?: string;
  /** Why it is in ERROR. */
  readonly fault?: { readonly code?: number; readonly message?: string };
  /** Key pair. */
  readonly key_name?: string | null;
}

/** A Glance image (properties are top-level keys). */
export interface GlanceImage {
  /** Image id. */
  readonly id: string;
  /** Name. */
  readonly name?: string | null;
  /** `queued`, `saving`, `uploading`, `importing`, `active`, `killed`, `deleted`, `deactivated`. */
  readonly status?: string;
  /** `qcow2`, `raw`, `vmdk`, … */
  readonly disk_format?: string | null;
  /** `bare`, `ovf`, … */
  readonly container_format?: string | null;
  /** Size in bytes. */
  readonly size?: number | null;
  /** MD5 of the data (legacy, always set). */
  readonly checksum?: string | null;
  /** Algorithm of `os_hash_value` (`sha512` by default). */
  readonly os_hash_algo?: string | null;
  /** The multihash of the data. */
  readonly os_hash_value?: string | null;
  /** Smallest root disk, GiB. */
  readonly min_disk?: number;
  /** Smallest memory, MiB. */
  readonly min_ram?: number;
  /** Creation time. */
  readonly created_at?: string;
  /** CPU architecture (`x86_64`, `aarch64`). */
  readonly architecture?: string;
  /** Distribution (`ubuntu`, `debian`, …). */
  readonly os_distro?: string;
  /** Its version (`22.04`). */
  readonly os_version?: string;
  /** Other properties. */
  readonly [property: string]: unknown;
}

/** A Neutron network. */
export interface NeutronNetwork {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name?: string;
  /** An external (provider) network, where floating IPs come from. */
  readonly 'router:external'?: boolean;
  /** Shared with every project. */
  readonly shared?: boolean;
  /** Owner. */
  readonly project_id?: string;
  /** Status. */
  readonly status?: string;
}

/** A Neutron port. */
export interface NeutronPort {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name?: string;
  /** Network. */
  readonly network_id?: string;
  /** The server it is bound to. */
  readonly device_id?: string;
  /** Who bound it (`compute:nova`). */
  readonly device_owner?: string;
  /** Its addresses. */
  readonly fixed_ips?: readonly { readonly subnet_id?: string; readonly ip_address?: string }[];
}

/** A Neutron floating IP. */
export interface NeutronFloatingIp {
  /** Id. */
  readonly id: string;
  /** The address. */
  readonly floating_ip_address?: string;
  /** The port it is associated with. */
  readonly port_id?: string | null;
  /** The external network. */
  readonly floating_network_id?: string;
}

/** A Neutron security group. */
export interface NeutronSecurityGroup {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name?: string;
}
