/**
 * Read-only views of what the OpenStack emulator stores, so tests can prove what the wire
 * carried: each resource as its API returns it (servers at the newest microversion, links on the
 * public interface), the data of an image, and the number of live tokens. The views are frozen
 * copies: they cannot change the emulator's state. No view holds a password, secret or token.
 */
import { renderServer } from './compute-views.js';
import type { KeystoneIdentity } from './keystone-identity.js';
import { MAX_MICROVERSION } from './microversion.js';
import { SERVICE_PATHS } from './openstack-call.js';
import type { OpenStackState } from './openstack-state.js';

/** A resource as its API returns it, frozen. */
export type OpenStackResourceView = { readonly [key: string]: unknown };

function frozen(value: Record<string, unknown>): OpenStackResourceView {
  const copy = structuredClone(value);
  const freeze = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
    Object.freeze(v);
    for (const child of Object.values(v)) freeze(child);
  };
  freeze(copy);
  return copy;
}

/** Read-only views of the emulated cloud. */
export class OpenStackStateViews {
  /**
   * Views of `state`. Made by the emulator (`emu.state`).
   *
   * @internal
   */
  constructor(
    private readonly state: OpenStackState,
    private readonly identity: KeystoneIdentity,
    private readonly origin: () => string,
  ) {}

  /** Every server (deleted ones until they are gone), oldest first, as `GET /servers/{id}` at 2.96 shows it. */
  servers(): OpenStackResourceView[] {
    this.state.advance();
    return [...this.state.compute.servers.values()].map((s) => frozen(this.renderServer(s)));
  }

  /** One server, `undefined` when there is none. */
  server(id: string): OpenStackResourceView | undefined {
    this.state.advance();
    const found = this.state.compute.servers.get(id);
    return found ? frozen(this.renderServer(found)) : undefined;
  }

  /** Every port, as Neutron shows it. */
  ports(): OpenStackResourceView[] {
    this.state.advance();
    return [...this.state.network.ports.values()].map((p) => frozen(this.state.network.renderPort(p)));
  }

  /** Every floating IP, as Neutron shows it. */
  floatingIps(): OpenStackResourceView[] {
    this.state.advance();
    return [...this.state.network.floatingIps.values()].map((f) => frozen(this.state.network.renderFloatingIp(f)));
  }

  /** Every network. */
  networks(): OpenStackResourceView[] {
    return [...this.state.network.networks.values()].map((n) => frozen(this.state.network.renderNetwork(n)));
  }

  /** Every subnet, as Neutron shows it. */
  subnets(): OpenStackResourceView[] {
    return [...this.state.network.subnets.values()].map((x) => frozen(this.state.network.renderSubnet(x)));
  }

  /** Every router (with its extra routes and tags), as Neutron shows it. */
  routers(): OpenStackResourceView[] {
    return [...this.state.network.routers.values()].map((r) => frozen(this.state.network.renderRouter(r)));
  }

  /**
   * What VPNaaS holds (empty unless the emulator loads it): IKE and IPsec policies, VPN services,
   * endpoint groups and IPsec site connections — the connections without their pre-shared keys.
   */
  vpn(): {
    /** IKE policies. */
    readonly ikePolicies: OpenStackResourceView[];
    /** IPsec policies. */
    readonly ipsecPolicies: OpenStackResourceView[];
    /** VPN services. */
    readonly services: OpenStackResourceView[];
    /** Endpoint groups. */
    readonly endpointGroups: OpenStackResourceView[];
    /** IPsec site connections, without `psk`. */
    readonly connections: OpenStackResourceView[];
  } {
    this.state.advance();
    const vpn = this.state.vpn;
    return {
      ikePolicies: [...vpn.ikePolicies.values()].map((p) => frozen(vpn.renderIkePolicy(p))),
      ipsecPolicies: [...vpn.ipsecPolicies.values()].map((p) => frozen(vpn.renderIpsecPolicy(p))),
      services: [...vpn.services.values()].map((x) => frozen(vpn.renderService(x))),
      endpointGroups: [...vpn.endpointGroups.values()].map((g) => frozen(vpn.renderEndpointGroup(g))),
      connections: [...vpn.connections.values()].map((c) => frozen(vpn.renderConnection(c, false))),
    };
  }

  /** Every security group. */
  securityGroups(): OpenStackResourceView[] {
    return [...this.state.network.securityGroups.values()].map((g) => frozen(this.state.network.renderSecurityGroup(g)));
  }

  /** Every image, as Glance shows it. */
  images(): OpenStackResourceView[] {
    this.state.advance();
    return [...this.state.images.images.values()].map((i) => frozen(this.state.images.render(i)));
  }

  /** One image, `undefined` when there is none. */
  image(id: string): OpenStackResourceView | undefined {
    this.state.advance();
    const found = this.state.images.images.get(id);
    return found ? frozen(this.state.images.render(found)) : undefined;
  }

  /** An image's data (a copy), `undefined` when it has none. */
  imageData(id: string): Buffer | undefined {
    this.state.advance();
    const data = this.state.images.images.get(id)?.data;
    return data ? Buffer.concat(data.chunks as Buffer[]) : undefined;
  }

  /** Key pair names. */
  keypairs(): string[] {
    return [...this.state.compute.keypairs.keys()];
  }

  /** Tokens valid now. */
  tokens(): number {
    return this.identity.liveCount();
  }

  private renderServer(server: Parameters<typeof renderServer>[0]): Record<string, unknown> {
    return renderServer(server, { version: MAX_MICROVERSION, links: { versioned: `${this.origin()}${SERVICE_PATHS.compute}` }, network: this.state.network });
  }
}
