// The OpenStack adapter for an on-premises cloud, built from an openrc file's environment:
// Keystone v3, Nova, Glance and Neutron over the platform's fetch. Prices come from the
// operator's rate card: without one, offers are empty and the federation cannot place here.
//
//   OS_AUTH_URL                                required (Keystone v3, e.g. https://openstack.internal:5000/v3)
//   OS_USERNAME + OS_PASSWORD (with OS_PROJECT_NAME, OS_USER_DOMAIN_NAME, ...) or
//   OS_APPLICATION_CREDENTIAL_ID + OS_APPLICATION_CREDENTIAL_SECRET
//   OS_REGION_NAME                             default RegionOne
//   OS_CACERT                                  PEM file of a private CA (needs the optional undici package)
//   NOVACRON_OPENSTACK_RATE_CARD               JSON file: { regions, perVcpuHour, perGiBHour, currency, source, asOf, ... }
//   NOVACRON_EXAMPLE_CREATE=1                  also create one small server and delete it
//
// Run with `npm run build && node examples/openstack.mjs`. Without credentials it says what to set and exits 0.
import { readFileSync } from 'node:fs';
import { createOpenStackProvider } from 'novacron/openstack';
import { tourProvider } from './shared/provider-tour.mjs';

const env = process.env;
const credentials = (env.OS_USERNAME && env.OS_PASSWORD) || (env.OS_APPLICATION_CREDENTIAL_ID && env.OS_APPLICATION_CREDENTIAL_SECRET);
if (!env.OS_AUTH_URL || !credentials) {
  console.log('skipped: set OS_AUTH_URL and OS_USERNAME/OS_PASSWORD (with OS_PROJECT_NAME) or OS_APPLICATION_CREDENTIAL_ID/OS_APPLICATION_CREDENTIAL_SECRET — source your openrc file — to run this example against your OpenStack cloud');
} else {
  const openstack = createOpenStackProvider({
    name: 'openstack-example',
    authUrl: env.OS_AUTH_URL,
    region: env.OS_REGION_NAME ?? 'RegionOne',
    // No `auth`: the adapter reads the OS_* variables itself at its first call, and keeps the password out of logs and errors.
    ca: env.OS_CACERT ? readFileSync(env.OS_CACERT, 'utf8') : undefined,
    rateCard: env.NOVACRON_OPENSTACK_RATE_CARD ? JSON.parse(readFileSync(env.NOVACRON_OPENSTACK_RATE_CARD, 'utf8')) : undefined,
    federationId: 'novacron-example',
  });
  await tourProvider(openstack);
}
