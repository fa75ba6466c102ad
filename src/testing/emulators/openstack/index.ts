/** The OpenStack emulator: a local Keystone v3, Nova v2.1, Glance v2 and Neutron v2.0 for tests, demos and offline use. */
export {
  DEFAULT_OPENSTACK_RATE_CARD,
  OpenStackEmulator,
  startOpenStackEmulator,
  type OpenStackEmulatorApplicationCredential,
  type OpenStackEmulatorOptions,
  type OpenStackEmulatorPasswordAuth,
  type OpenStackEmulatorProviderOptions,
  type OpenStackEmulatorStats,
} from './openstack-emulator.js';
export type { OpenStackRequestRecord } from './openstack-endpoint.js';
export { OpenStackFaultPlan, type OpenStackFailNextOptions, type OpenStackQuotaName } from './openstack-fault-plan.js';
export { OPENSTACK_OPERATIONS, type OpenStackOperationName, type OpenStackService } from './openstack-operations.js';
export { OpenStackStateViews, type OpenStackResourceView } from './openstack-views.js';
export { DEFAULT_FLAVORS, type OpenStackFlavorSeed } from './flavor-catalog.js';
export { SEEDED_IMAGES, type SeededImage } from './seed-cloud.js';
export { SERVER_STATUSES, type OpenStackTimings, type ServerStatus } from './compute-state.js';
export type { KeystoneApplicationCredentialSeed, KeystoneDomain, KeystoneProject, KeystoneUser, KeystoneUserSeed } from './keystone-identity.js';
export type { OpenStackQuotas } from './openstack-state.js';
