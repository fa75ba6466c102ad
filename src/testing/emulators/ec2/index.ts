/** The EC2 emulator: a local EC2 Query + Price List endpoint for tests, demos and offline use. */
export { Ec2Emulator, startEc2Emulator } from './ec2-emulator.js';
export type {
  CreateSecurityGroupOptions,
  CreateSubnetOptions,
  CreateVpcOptions,
  Ec2EmulatorCallEvent,
  Ec2EmulatorEventMap,
  Ec2EmulatorOptions,
  Ec2EmulatorProviderOptions,
  Ec2EmulatorS3Options,
  Ec2EmulatorStats,
} from './ec2-emulator.js';
export type {
  EmulatedImageView,
  EmulatedInstanceView,
  EmulatedNetworkInterfaceView,
  EmulatedObject,
  EmulatedSecurityGroupView,
  EmulatedSnapshotView,
  EmulatedSpotView,
  EmulatedSubnetView,
  EmulatedVolumeView,
  EmulatedVpcView,
} from './instance-views.js';
export type { SeedInstancesOptions } from './direct-changes.js';
export { Ec2FaultPlan } from './ec2-fault-plan.js';
export type { Ec2QuotaName } from './ec2-fault-plan.js';
export type { Ec2Timings, InstanceStateName } from './ec2-state.js';
export { DEFAULT_NETWORK_TIMINGS, type Ec2NetworkTimings } from './vpc-network-state.js';
