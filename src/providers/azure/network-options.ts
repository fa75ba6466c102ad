/**
 * The settings of the Azure network companion (`createAzureProvider({ network: { ... } })`), read
 * through one valibot schema, whether they come from YAML or a JS object.
 *
 * VPN gateway SKUs and generations (learn.microsoft.com "About VPN Gateway configuration
 * settings", "Gateway SKUs by tunnel, connection, and throughput", read 2026-12): `VpnGw1`–`VpnGw3`
 * in Generation1 or Generation2, `VpnGw4`/`VpnGw5` in Generation2 only, each also as an `AZ` SKU.
 * The GatewaySubnet may be as small as /29; Azure recommends /27 or larger, the default here.
 */
import * as v from 'valibot';
import { InvalidSpecError } from '../../provider/errors.js';
import { toSpecIssues } from '../../provider/spec-schema.js';

/** Options of the Azure network companion. */
export interface AzureNetworkOptions {
  /** VPN gateway SKU (default `VpnGw1`). */
  readonly gatewaySku?: string | undefined;
  /** VPN gateway generation (default `Generation1`; `VpnGw4`/`VpnGw5` need `Generation2`). */
  readonly gatewayGeneration?: 'Generation1' | 'Generation2' | undefined;
  /**
   * Active-active gateways: two instances, each with its own public IP, so a connection has two
   * tunnels (`capabilities.maxTunnels` 2); default `false` (one instance, one tunnel).
   */
  readonly activeActive?: boolean | undefined;
  /** Prefix length of a GatewaySubnet the companion creates (default 27, at most 29). */
  readonly gatewaySubnetPrefix?: number | undefined;
}

/** The options with their defaults applied. */
export interface NetworkSettings {
  /** Gateway SKU. */
  readonly gatewaySku: string;
  /** Gateway generation. */
  readonly gatewayGeneration: 'Generation1' | 'Generation2';
  /** Active-active gateways. */
  readonly activeActive: boolean;
  /** GatewaySubnet prefix length. */
  readonly gatewaySubnetPrefix: number;
}

const SKU = /^VpnGw[1-5](AZ)?$/;

const optionsSchema = v.strictObject({
  gatewaySku: v.optional(v.pipe(v.string(), v.regex(SKU, 'must be a VPN gateway SKU, VpnGw1–VpnGw5 or VpnGw1AZ–VpnGw5AZ'))),
  gatewayGeneration: v.optional(v.picklist(['Generation1', 'Generation2'], 'must be Generation1 or Generation2')),
  activeActive: v.optional(v.boolean('must be true or false')),
  gatewaySubnetPrefix: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(16, 'must be /16 or longer'), v.maxValue(29, 'must be /29 or shorter: Azure needs at least a /29 for a gateway'))),
});

/** Reads the companion's options (`network` of the provider options); `InvalidSpecError` names each bad field. */
export function networkSettings(options: AzureNetworkOptions | undefined): NetworkSettings {
  const raw = Object.fromEntries(Object.entries(options ?? {}).filter(([, value]) => value !== undefined));
  const result = v.safeParse(optionsSchema, raw);
  if (!result.success) throw new InvalidSpecError({ issues: toSpecIssues(result.issues, 'network') });
  const sku = result.output.gatewaySku ?? 'VpnGw1';
  const generation = result.output.gatewayGeneration ?? (/^VpnGw[45]/.test(sku) ? 'Generation2' : 'Generation1');
  if (/^VpnGw[45]/.test(sku) && generation === 'Generation1') {
    throw new InvalidSpecError({ issues: [{ field: 'network.gatewayGeneration', message: `${sku} comes in Generation2 only` }] });
  }
  return { gatewaySku: sku, gatewayGeneration: generation, activeActive: result.output.activeActive ?? false, gatewaySubnetPrefix: result.output.gatewaySubnetPrefix ?? 27 };
}
