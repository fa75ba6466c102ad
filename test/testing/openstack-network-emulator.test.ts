/**
 * The OpenStack emulator's Neutron networking over its wire, with plain https requests: networks
 * and subnets with tags (refused in a create body), Neutron's per-network overlap refusal, the
 * in-use refusals of subnets, networks and routers, routers with interfaces and atomic extra
 * routes, the extension list, and VPNaaS — 404 without the extension; with it, its states
 * (PENDING_CREATE, the gateway address recorded after the create answer, DOWN or ACTIVE), its
 * refusals, its deletion order, and a pre-shared key that a GET returns (as Neutron's does) and
 * no error ever shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../src/testing/emulators/index.js';
import { login, send, type HttpsAnswer } from './openstack-https.js';

let now = Date.parse('2026-12-04T10:00:00Z');
const clock = (): number => now;

const PSK = 'Sup3rSecretPreShared.Key';

interface Emu {
  emu: OpenStackEmulator;
  neutron: (path: string, init?: { method?: string; body?: unknown }) => Promise<HttpsAnswer>;
}

async function start(vpnaas: boolean): Promise<Emu> {
  const emu = await startOpenStackEmulator({ clock, vpnaas: vpnaas ? { activationMs: 1000 } : false });
  const token = await login(emu);
  return { emu, neutron: (path, init = {}) => send(emu, `${emu.endpoint}/network/v2.0${path}`, { ...init, headers: { 'x-auth-token': token } }) };
}

let plain: Emu;
let vpn: Emu;
beforeAll(async () => {
  plain = await start(false);
  vpn = await start(true);
});
afterAll(async () => {
  await plain?.emu.close();
  await vpn?.emu.close();
});

const neutronError = (a: HttpsAnswer): { type: string; message: string } => {
  const { type, message } = a.json().NeutronError;
  return { type, message };
};

/** A network with one subnet, attached to a new router with a gateway on `public`. */
async function site(e: Emu, name: string, cidr: string): Promise<{ network: string; subnet: string; router: string; gatewayIp: string }> {
  const network = (await e.neutron('/networks', { method: 'POST', body: { network: { name } } })).json().network.id as string;
  const subnet = (await e.neutron('/subnets', { method: 'POST', body: { subnet: { network_id: network, ip_version: 4, cidr } } })).json().subnet.id as string;
  const external = (await e.neutron('/networks?router:external=true')).json().networks[0].id as string;
  const router = (await e.neutron('/routers', { method: 'POST', body: { router: { name: `${name}-router`, external_gateway_info: { network_id: external } } } })).json().router;
  expect((await e.neutron(`/routers/${router.id}/add_router_interface`, { method: 'PUT', body: { subnet_id: subnet } })).status).toBe(200);
  return { network, subnet, router: router.id, gatewayIp: router.external_gateway_info.external_fixed_ips[0].ip_address };
}

describe('Neutron networks, subnets and tags', () => {
  it('creates a network and a subnet of any range; tags are refused in a create body and set afterwards', async () => {
    const refused = await plain.neutron('/networks', { method: 'POST', body: { network: { name: 'n', tags: ['a'] } } });
    expect(refused.status).toBe(400);
    expect(neutronError(refused).message).toBe("Attribute 'tags' not allowed in POST");
    const net = (await plain.neutron('/networks', { method: 'POST', body: { network: { name: 'tagged', description: 'mine' } } })).json().network;
    expect(net).toMatchObject({ name: 'tagged', description: 'mine', subnets: [], tags: [], 'router:external': false });
    expect((await plain.neutron(`/networks/${net.id}/tags`, { method: 'PUT', body: { tags: ['team=core', 'x'] } })).json()).toEqual({ tags: ['team=core', 'x'] });
    expect((await plain.neutron(`/networks/${net.id}/tags/${encodeURIComponent('extra|1')}`, { method: 'PUT' })).status).toBe(201);
    expect((await plain.neutron(`/networks?tags=team=core,x`)).json().networks.map((n: { id: string }) => n.id)).toEqual([net.id]);
    expect((await plain.neutron(`/networks?tags-any=nope,x`)).json().networks.map((n: { id: string }) => n.id)).toEqual([net.id]);
    expect((await plain.neutron(`/networks?not-tags=x`)).json().networks.map((n: { id: string }) => n.id)).not.toContain(net.id);
    expect((await plain.neutron(`/networks/${net.id}/tags/missing`, { method: 'DELETE' })).status).toBe(404);
    const duplicate = await plain.neutron(`/networks/${net.id}/tags`, { method: 'PUT', body: { tags: ['a', 'a'] } });
    expect(duplicate.status).toBe(400);

    const subnet = (await plain.neutron('/subnets', { method: 'POST', body: { subnet: { network_id: net.id, ip_version: 4, cidr: '10.77.0.0/26', name: 's' } } })).json().subnet;
    expect(subnet).toMatchObject({ cidr: '10.77.0.0/26', gateway_ip: '10.77.0.1', allocation_pools: [{ start: '10.77.0.2', end: '10.77.0.62' }], network_id: net.id });
    const port = (await plain.neutron('/ports', { method: 'POST', body: { port: { network_id: net.id } } })).json().port;
    expect(port.fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: '10.77.0.2' }]);
    expect((await plain.neutron(`/ports/${port.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('refuses an overlapping subnet of the same network with Neutron’s 400 InvalidInput, not of another network', async () => {
    const a = (await plain.neutron('/networks', { method: 'POST', body: { network: { name: 'a' } } })).json().network.id;
    const b = (await plain.neutron('/networks', { method: 'POST', body: { network: { name: 'b' } } })).json().network.id;
    expect((await plain.neutron('/subnets', { method: 'POST', body: { subnet: { network_id: a, ip_version: 4, cidr: '10.88.0.0/24' } } })).status).toBe(201);
    const clash = await plain.neutron('/subnets', { method: 'POST', body: { subnet: { network_id: a, ip_version: 4, cidr: '10.88.0.128/25' } } });
    expect(clash.status).toBe(400);
    expect(neutronError(clash)).toEqual({ type: 'InvalidInput', message: `Invalid input for operation: Requested subnet with cidr: 10.88.0.128/25 for network: ${a} overlaps with another subnet.` });
    expect((await plain.neutron('/subnets', { method: 'POST', body: { subnet: { network_id: b, ip_version: 4, cidr: '10.88.0.128/25' } } })).status).toBe(201);
    const malformed = await plain.neutron('/subnets', { method: 'POST', body: { subnet: { network_id: a, ip_version: 4, cidr: '10.1.0.0/33' } } });
    expect(malformed.status).toBe(400);
    expect((await plain.neutron('/subnets', { method: 'POST', body: { subnet: { network_id: a, cidr: '10.9.0.0/24' } } })).status).toBe(400);
  });

  it('refuses to delete a subnet a router interface holds, a router with interfaces, and a port of a router', async () => {
    const s = await site(plain, 'inuse', '10.66.1.0/24');
    const subnetInUse = await plain.neutron(`/subnets/${s.subnet}`, { method: 'DELETE' });
    expect(subnetInUse.status).toBe(409);
    expect(neutronError(subnetInUse).type).toBe('SubnetInUse');
    const networkInUse = await plain.neutron(`/networks/${s.network}`, { method: 'DELETE' });
    expect([networkInUse.status, neutronError(networkInUse).type]).toEqual([409, 'NetworkInUse']);
    const routerInUse = await plain.neutron(`/routers/${s.router}`, { method: 'DELETE' });
    expect([routerInUse.status, neutronError(routerInUse).message]).toEqual([409, `Router ${s.router} still has ports`]);
    const routerPort = (await plain.neutron(`/ports?device_id=${s.router}`)).json().ports[0];
    expect((await plain.neutron(`/ports/${routerPort.id}`, { method: 'DELETE' })).status).toBe(409);
    const twice = await plain.neutron(`/routers/${s.router}/add_router_interface`, { method: 'PUT', body: { subnet_id: s.subnet } });
    expect([twice.status, neutronError(twice).message]).toEqual([400, `Bad router request: Router already has a port on subnet ${s.subnet}.`]);
    // Taken apart in order, everything goes; a network whose subnets have no ports takes them with it.
    expect((await plain.neutron(`/routers/${s.router}/remove_router_interface`, { method: 'PUT', body: { subnet_id: s.subnet } })).status).toBe(200);
    expect((await plain.neutron(`/routers/${s.router}/remove_router_interface`, { method: 'PUT', body: { subnet_id: s.subnet } })).status).toBe(404);
    expect((await plain.neutron(`/routers/${s.router}`, { method: 'DELETE' })).status).toBe(204);
    expect((await plain.neutron(`/networks/${s.network}`, { method: 'DELETE' })).status).toBe(204);
    expect((await plain.neutron(`/subnets/${s.subnet}`)).status).toBe(404);
  });

  it('adds and removes extra routes atomically; a next hop off the router’s subnets is 400 InvalidRoutes', async () => {
    const s = await site(plain, 'routes', '10.55.0.0/24');
    const route = { destination: '192.168.9.0/24', nexthop: '10.55.0.20' };
    const added = await plain.neutron(`/routers/${s.router}/add_extraroutes`, { method: 'PUT', body: { router: { routes: [route] } } });
    expect(added.json().router.routes).toEqual([route]);
    expect((await plain.neutron(`/routers/${s.router}/add_extraroutes`, { method: 'PUT', body: { router: { routes: [route] } } })).json().router.routes).toEqual([route]);
    const off = await plain.neutron(`/routers/${s.router}/add_extraroutes`, { method: 'PUT', body: { router: { routes: [{ destination: '192.168.10.0/24', nexthop: '10.99.0.1' }] } } });
    expect([off.status, neutronError(off).type]).toEqual([400, 'InvalidRoutes']);
    expect(neutronError(off).message).toContain('the nexthop is not connected with router');
    const needed = await plain.neutron(`/routers/${s.router}/remove_router_interface`, { method: 'PUT', body: { subnet_id: s.subnet } });
    expect([needed.status, neutronError(needed).type]).toEqual([409, 'RouterInterfaceInUseByRoute']);
    expect((await plain.neutron(`/routers/${s.router}/remove_extraroutes`, { method: 'PUT', body: { router: { routes: [route] } } })).json().router.routes).toEqual([]);
  });

  it('lists its extensions: vpnaas only where it is loaded', async () => {
    const aliases = async (e: Emu): Promise<string[]> => (await e.neutron('/extensions')).json().extensions.map((x: { alias: string }) => x.alias);
    expect(await aliases(plain)).toEqual(expect.arrayContaining(['router', 'extraroute', 'extraroute-atomic', 'standard-attr-tag', 'standard-attr-description']));
    expect(await aliases(plain)).not.toContain('vpnaas');
    expect(await aliases(vpn)).toEqual(expect.arrayContaining(['vpnaas', 'vpn-endpoint-groups']));
    expect((await plain.neutron('/extensions/vpnaas')).status).toBe(404);
  });
});

describe('Neutron VPNaaS', () => {
  it('is 404 on a cloud without the extension', async () => {
    for (const path of ['/vpn/vpnservices', '/vpn/ikepolicies', '/vpn/ipsecpolicies', '/vpn/endpoint-groups', '/vpn/ipsec-site-connections']) {
      const answer = await plain.neutron(path);
      expect(answer.status, path).toBe(404);
      expect(neutronError(answer).type).toBe('HTTPNotFound');
    }
  });

  it('runs services and connections through their states, returns the psk on GET as Neutron does, and enforces the deletion order', async () => {
    const a = await site(vpn, 'site-a', '10.31.0.0/24');
    const b = await site(vpn, 'site-b', '10.32.0.0/24');
    const bare = (await vpn.neutron('/routers', { method: 'POST', body: { router: { name: 'no-gateway' } } })).json().router.id;
    const noGateway = await vpn.neutron('/vpn/vpnservices', { method: 'POST', body: { vpnservice: { router_id: bare } } });
    expect([noGateway.status, neutronError(noGateway)]).toEqual([400, { type: 'RouterIsNotExternal', message: `Router ${bare} has no external network gateway set` }]);

    const service = async (s: typeof a): Promise<string> => {
      const created = (await vpn.neutron('/vpn/vpnservices', { method: 'POST', body: { vpnservice: { name: 'svc', router_id: s.router } } })).json().vpnservice;
      expect(created).toMatchObject({ status: 'PENDING_CREATE', external_v4_ip: null, subnet_id: null });
      expect((await vpn.neutron(`/vpn/vpnservices/${created.id}`)).json().vpnservice.external_v4_ip).toBe(s.gatewayIp);
      return created.id as string;
    };
    const svcA = await service(a);
    const svcB = await service(b);
    const ike = (await vpn.neutron('/vpn/ikepolicies', { method: 'POST', body: { ikepolicy: { name: 'ike', ike_version: 'v2', encryption_algorithm: 'aes-256', auth_algorithm: 'sha256', pfs: 'group14' } } })).json().ikepolicy;
    expect(ike).toMatchObject({ phase1_negotiation_mode: 'main', lifetime: { units: 'seconds', value: 3600 } });
    const badIke = await vpn.neutron('/vpn/ikepolicies', { method: 'POST', body: { ikepolicy: { auth_algorithm: 'md5' } } });
    expect(badIke.status).toBe(400);
    const ipsec = (await vpn.neutron('/vpn/ipsecpolicies', { method: 'POST', body: { ipsecpolicy: { name: 'ipsec' } } })).json().ipsecpolicy;
    const group = async (type: string, endpoints: string[]): Promise<string> => (await vpn.neutron('/vpn/endpoint-groups', { method: 'POST', body: { endpoint_group: { type, endpoints } } })).json().endpoint_group.id;
    const empty = await vpn.neutron('/vpn/endpoint-groups', { method: 'POST', body: { endpoint_group: { name: 'e', type: 'cidr', endpoints: [] } } });
    expect([empty.status, neutronError(empty).type]).toEqual([400, 'MissingEndpointForEndpointGroup']);
    const localA = await group('subnet', [a.subnet]);
    const peerA = await group('cidr', ['10.32.0.0/24']);
    const localB = await group('subnet', [b.subnet]);
    const peerB = await group('cidr', ['10.31.0.0/24']);

    const connect = (svc: string, local: string, peer: string, peerAddress: string, extra: Record<string, unknown> = {}) =>
      vpn.neutron('/vpn/ipsec-site-connections', { method: 'POST', body: { ipsec_site_connection: { vpnservice_id: svc, ikepolicy_id: ike.id, ipsecpolicy_id: ipsec.id, local_ep_group_id: local, peer_ep_group_id: peer, peer_address: peerAddress, peer_id: peerAddress, psk: PSK, ...extra } } });
    // VPNaaS's refusals; none of them shows the key.
    const refusals = [
      await connect(svcA, peerA, peerA, b.gatewayIp),
      await connect(svcA, localA, peerA, b.gatewayIp, { peer_cidrs: ['10.32.0.0/24'] }),
      await connect(svcA, localA, peerA, b.gatewayIp, { dpd: { interval: 30, timeout: 30 } }),
      await connect(svcA, localB, peerA, b.gatewayIp),
      await connect(svcA, localA, peerA, 'peer.example.com'),
    ];
    expect(refusals.map((r) => [r.status, neutronError(r).type])).toEqual([
      [400, 'WrongEndpointGroupType'],
      [400, 'PeerCidrsInvalid'],
      [400, 'IPsecSiteConnectionDpdIntervalValueError'],
      [400, 'SubnetIsNotConnectedToRouter'],
      [400, 'VPNPeerAddressNotResolved'],
    ]);
    for (const r of refusals) expect(r.text).not.toContain(PSK);
    const missingKey = await vpn.neutron('/vpn/ipsec-site-connections', { method: 'POST', body: { ipsec_site_connection: { vpnservice_id: svcA, ikepolicy_id: ike.id, ipsecpolicy_id: ipsec.id, peer_address: b.gatewayIp, peer_id: b.gatewayIp } } });
    expect(neutronError(missingKey).message).toBe("Failed to parse request. Required attribute 'psk' not specified");

    const connA = (await connect(svcA, localA, peerA, b.gatewayIp)).json().ipsec_site_connection;
    expect(connA).toMatchObject({ status: 'PENDING_CREATE', psk: PSK, route_mode: 'static', auth_mode: 'psk', dpd: { action: 'hold', interval: 30, timeout: 120 }, initiator: 'bi-directional', mtu: 1500 });
    now += 1000;
    // Processed, with no far side answering: DOWN; its service is taken up (ACTIVE).
    expect((await vpn.neutron(`/vpn/ipsec-site-connections/${connA.id}`)).json().ipsec_site_connection).toMatchObject({ status: 'DOWN', psk: PSK });
    expect((await vpn.neutron(`/vpn/vpnservices/${svcA}`)).json().vpnservice.status).toBe('ACTIVE');
    expect((await vpn.neutron(`/vpn/vpnservices/${svcB}`)).json().vpnservice.status).toBe('PENDING_CREATE');
    const connB = (await connect(svcB, localB, peerB, a.gatewayIp)).json().ipsec_site_connection;
    now += 1000;
    // The mirror connection with the same key: both ACTIVE.
    expect((await vpn.neutron(`/vpn/ipsec-site-connections/${connB.id}`)).json().ipsec_site_connection.status).toBe('ACTIVE');
    expect((await vpn.neutron(`/vpn/ipsec-site-connections/${connA.id}`)).json().ipsec_site_connection.status).toBe('ACTIVE');
    // State views never hold the key.
    expect(JSON.stringify(vpn.emu.state.vpn())).not.toContain(PSK);

    // Deletion order: what a connection uses is in use.
    const inUse = [
      await vpn.neutron(`/vpn/vpnservices/${svcA}`, { method: 'DELETE' }),
      await vpn.neutron(`/vpn/ikepolicies/${ike.id}`, { method: 'DELETE' }),
      await vpn.neutron(`/vpn/ipsecpolicies/${ipsec.id}`, { method: 'DELETE' }),
      await vpn.neutron(`/vpn/endpoint-groups/${peerA}`, { method: 'DELETE' }),
      await vpn.neutron(`/routers/${a.router}`, { method: 'DELETE' }),
      await vpn.neutron(`/subnets/${a.subnet}`, { method: 'DELETE' }),
      await vpn.neutron(`/routers/${a.router}/remove_router_interface`, { method: 'PUT', body: { subnet_id: a.subnet } }),
    ];
    expect(inUse.map((r) => [r.status, neutronError(r).type])).toEqual([
      [409, 'VPNServiceInUse'],
      [409, 'IKEPolicyInUse'],
      [409, 'IPsecPolicyInUse'],
      [400, 'EndpointGroupInUse'],
      [409, 'RouterInUse'],
      [409, 'SubnetInUse'],
      [409, 'SubnetInUseByIPsecSiteConnection'],
    ]);
    for (const id of [connA.id, connB.id]) expect((await vpn.neutron(`/vpn/ipsec-site-connections/${id}`, { method: 'DELETE' })).status).toBe(204);
    for (const path of [`/vpn/vpnservices/${svcA}`, `/vpn/vpnservices/${svcB}`, `/vpn/ikepolicies/${ike.id}`, `/vpn/ipsecpolicies/${ipsec.id}`, ...[localA, peerA, localB, peerB].map((g) => `/vpn/endpoint-groups/${g}`)]) {
      expect((await vpn.neutron(path, { method: 'DELETE' })).status, path).toBe(204);
    }
    const listedSubnet = await vpn.neutron(`/subnets/${a.subnet}`, { method: 'DELETE' });
    expect(listedSubnet.status).toBe(409); // the router interface still holds it
    expect(vpn.emu.state.vpn()).toEqual({ ikePolicies: [], ipsecPolicies: [], services: [], endpointGroups: [], connections: [] });
  });
});
