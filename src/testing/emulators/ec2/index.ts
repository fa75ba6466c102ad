/** The EC2 emulator: a local EC2 Query + Price List endpoint for tests, demos and offline use. */
export { startEc2Emulator } from './ec2-emulator.js';
export type {
  Ec2Emulator,
  Ec2EmulatorCallEvent,
  Ec2EmulatorEventMap,
  Ec2EmulatorOptions,
  Ec2EmulatorProviderOptions,
  Ec2EmulatorStats,
  EmulatedImageView,
  EmulatedInstanceView,
  EmulatedObject,
  EmulatedSpotView,
  EmulatedVolumeView,
} from './ec2-emulator.js';
export { Ec2Faults } from './ec2-faults.js';
export type { Ec2Quotas, OneOffFailure } from './ec2-faults.js';
export type { Ec2Timings, InstanceStateName } from './ec2-state.js';
