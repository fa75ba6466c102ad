/** EC2 instance → VM: states, reasons, labels, addresses. */
import type { Instance } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { VM_STATES } from '../../../src/provider/types.js';
import { ec2StateNamesOf, instanceToVM, stateReasonOf, vmStateOf } from '../../../src/providers/aws/state-mapping.js';

describe('EC2 state mapping', () => {
  it('normalizes the six EC2 states and keeps unknown words as unknown', () => {
    expect(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'].map(vmStateOf)).toEqual(['pending', 'running', 'stopping', 'stopped', 'terminating', 'terminated']);
    expect(vmStateOf('hibernating')).toBe('unknown');
    expect(vmStateOf(undefined)).toBe('unknown');
    for (const state of VM_STATES) for (const name of ec2StateNamesOf(state)) expect(vmStateOf(name)).toBe(state);
    expect(ec2StateNamesOf('terminating')).toEqual(['shutting-down']);
    expect(ec2StateNamesOf('deallocated')).toEqual([]);
  });

  it('tells spot interruptions from user actions, and stays quiet while pending or running', () => {
    expect(stateReasonOf({ State: { Name: 'shutting-down' }, StateReason: { Code: 'Server.SpotInstanceTermination', Message: 'Server.SpotInstanceTermination: Spot instance termination' } })).toBe(
      'spot-interruption: Server.SpotInstanceTermination: Spot instance termination',
    );
    expect(stateReasonOf({ State: { Name: 'stopped' }, StateReason: { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' } })).toBe('Client.UserInitiatedShutdown: User initiated shutdown');
    expect(stateReasonOf({ State: { Name: 'pending' }, StateReason: { Code: 'pending', Message: 'pending' } })).toBeUndefined();
  });

  it('builds the VM: name from the Name tag, labels without novacron tags, addresses from interfaces', () => {
    const instance: Instance = {
      InstanceId: 'i-0123456789abcdef0',
      InstanceType: 'm5.large',
      State: { Code: 16, Name: 'running' },
      Placement: { AvailabilityZone: 'us-east-1b' },
      LaunchTime: new Date('2026-11-27T10:00:00Z'),
      PrivateIpAddress: '10.0.0.5',
      InstanceLifecycle: 'spot',
      ImageId: 'ami-0123456789abcdef0',
      NetworkInterfaces: [{ PrivateIpAddress: '10.0.0.5', Association: { PublicIp: '54.1.2.3' } }],
      Tags: [
        { Key: 'Name', Value: 'web-1' },
        { Key: 'team', Value: 'blue' },
        { Key: 'novacron:spec-hash', Value: 'abc' },
        { Key: 'novacron:image', Value: 'ubuntu-22.04' },
        { Key: 'aws:autoscaling:groupName', Value: 'asg' },
      ],
    };
    const vm = instanceToVM(instance, { provider: 'aws-east', region: 'us-east-1', typeFacts: { vcpus: 2, memoryGiB: 8 } });
    expect(vm).toMatchObject({
      id: 'i-0123456789abcdef0',
      name: 'web-1',
      provider: 'aws-east',
      providerKind: 'aws',
      state: 'running',
      rawState: 'running',
      zone: 'us-east-1b',
      cpu: 2,
      memoryGiB: 8,
      spot: true,
      labels: { team: 'blue' },
      privateIps: ['10.0.0.5'],
      publicIps: ['54.1.2.3'],
      image: 'ubuntu-22.04',
      createdAt: '2026-11-27T10:00:00.000Z',
    });
  });
});
