/** The EC2 emulator: a local EC2 Query + Price List endpoint for tests, demos and offline use. */
export { startEc2Emulator } from './ec2-emulator.js';
export type { Ec2Emulator, Ec2EmulatorOptions, Ec2EmulatorStats, Ec2EmulatorProviderOptions, Ec2EmulatorCallEvent, EmulatedInstanceView } from './ec2-emulator.js';
export { Ec2Faults } from './ec2-faults.js';
export type { Ec2Quotas, OneOffFailure } from './ec2-faults.js';
export type { Ec2Timings, InstanceStateName } from './ec2-state.js';
