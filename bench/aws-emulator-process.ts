/**
 * Runs the EC2 emulator in its own process for bench/aws-emulator.ts, so that the listing
 * figure measures the client (SDK + adapter) with the server on the other core. Seeds
 * `argv[2]` running instances, prints `providerOptions` as one JSON line, and exits when its
 * stdin closes.
 */
import { startEc2Emulator } from '../src/testing/emulators/ec2/index.js';

const emu = await startEc2Emulator();
emu.seedInstances(Number(process.argv[2] ?? '0'), { tags: { bench: 'list' } });
process.stdout.write(`${JSON.stringify(emu.providerOptions)}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void emu.close().then(() => process.exit(0));
});
