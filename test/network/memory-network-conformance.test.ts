/** The network conformance suite against the memory provider, as AWS (per-connection IPs, one shared peering) and as Azure (gateway IPs, one link per side). */
import { createMemoryProvider } from '../../src/providers/memory/index.js';
import { createMemoryNetworkFabric } from '../../src/providers/memory/memory-network.js';
import { describeNetworkProviderConformance } from '../../src/testing/index.js';

function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

{
  const fabric = createMemoryNetworkFabric();
  const clock = manualClock();
  describeNetworkProviderConformance(
    'memory provider standing in for AWS, peering across accounts',
    () => createMemoryProvider({ name: 'aws-a', kind: 'aws', clock: clock.now, network: { fabric, account: '111111111111', gatewayDelayMs: 5 * 60_000 } }),
    { peer: () => createMemoryProvider({ name: 'aws-b', kind: 'aws', clock: clock.now, network: { fabric, account: '222222222222' } }), advanceClock: clock.advance },
  );
}

{
  const fabric = createMemoryNetworkFabric();
  const clock = manualClock();
  describeNetworkProviderConformance(
    'memory provider standing in for Azure, gateways taking 40 minutes',
    () => createMemoryProvider({ name: 'azure-a', kind: 'azure', clock: clock.now, network: { fabric, gatewayDelayMs: 40 * 60_000 } }),
    { advanceClock: clock.advance },
  );
}

describeNetworkProviderConformance('memory provider with real time', () => createMemoryProvider({ name: 'mem', network: { gatewayDelayMs: 30, connectionDelayMs: 10 } }));
