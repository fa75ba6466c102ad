/**
 * Portable {@link VMSpec} → the `POST /servers` body (Compute API reference, "Create Server",
 * microversion 2.79, read 2026-12). A pure function: the flavor, image, disk, port and metadata
 * are decided before (`launch-plan.ts`, `metadata.ts`) and passed in, so a repeated create sends
 * the same body.
 *
 * - Boot disk: `imageRef` when the flavor's disk holds the spec's; otherwise a volume made from
 *   the image, `block_device_mapping_v2: [{ boot_index: 0, uuid: <image>, source_type: "image",
 *   destination_type: "volume", volume_size, delete_on_termination: true }]` (deleted with the
 *   server) and no `imageRef`.
 * - Network: the create's own port, `networks: [{ port }]` (its security groups are on the port,
 *   so the body names none).
 * - `user_data`: base64 of the spec's cloud-init text (Nova takes at most 65,535 bytes of it).
 * - `metadata`: labels and novacron's own items; `key_name` and `availability_zone` when set.
 */
import { InvalidSpecError } from '../../provider/errors.js';
import type { VMSpec } from '../../provider/types.js';

/** Longest user data Nova takes, bytes of base64. */
export const MAX_USER_DATA_BYTES = 65_535;

/** What the body needs besides the spec. */
export interface ServerBodyInput {
  /** Server name. */
  readonly name: string;
  /** Flavor id. */
  readonly flavorRef: string;
  /** Image id. */
  readonly imageId: string;
  /** Boot from a volume of `diskGiB`. */
  readonly bootFromVolume: boolean;
  /** Boot disk, GiB. */
  readonly diskGiB: number;
  /** The port id. */
  readonly portId: string;
  /** Metadata. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Key pair name. */
  readonly keyName?: string | undefined;
  /** Availability zone. */
  readonly availabilityZone?: string | undefined;
}

/** The `server` object of a create. */
export function toServerBody(spec: VMSpec, input: ServerBodyInput): Record<string, unknown> {
  const server: Record<string, unknown> = { name: input.name, flavorRef: input.flavorRef, networks: [{ port: input.portId }], metadata: { ...input.metadata } };
  if (input.bootFromVolume) {
    server.block_device_mapping_v2 = [{ boot_index: 0, uuid: input.imageId, source_type: 'image', destination_type: 'volume', volume_size: input.diskGiB, delete_on_termination: true }];
  } else {
    server.imageRef = input.imageId;
  }
  if (spec.userData !== undefined) {
    const encoded = Buffer.from(spec.userData, 'utf8').toString('base64');
    if (encoded.length > MAX_USER_DATA_BYTES) throw new InvalidSpecError({ issues: [{ field: 'userData', message: `Nova takes at most ${MAX_USER_DATA_BYTES} bytes of base64 user data; this is ${encoded.length}` }] });
    server.user_data = encoded;
  }
  if (input.keyName !== undefined) server.key_name = input.keyName;
  if (input.availabilityZone !== undefined) server.availability_zone = input.availabilityZone;
  return server;
}
