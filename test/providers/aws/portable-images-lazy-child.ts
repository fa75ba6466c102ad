/**
 * Imports `novacron/aws`'s entry, creates a VM and exports it to S3 against the EC2 emulator
 * linked to an S3 emulator, and reports whether @aws-sdk/client-s3 got loaded: after the import,
 * after a create (the EC2 SDK is loaded by then), and after the export. Run by
 * portable-images-lazy.test.ts; not a test file itself.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const loaded = (name: string): boolean => Object.keys(require.cache).some((k) => k.includes(name));
const report: Record<string, boolean> = {};
const { createAwsProvider } = await import('../../../src/providers/aws/index.js');
const { startEc2Emulator } = await import('../../../src/testing/emulators/ec2/index.js');
const { startS3Emulator } = await import('../../../src/testing/emulators/s3/index.js');
report.afterImport = loaded('@aws-sdk/client-s3');
const s3 = await startS3Emulator({ buckets: ['exports'] });
const emu = await startEc2Emulator({ s3 });
try {
  const aws = createAwsProvider({ ...emu.providerOptions, export: { bucket: 'exports', format: 'raw' } });
  const vm = await aws.createVM({ name: 'lazy', cpu: 1, memory: 1 });
  report.ec2AfterCreate = loaded('@aws-sdk/client-ec2');
  report.afterCreate = loaded('@aws-sdk/client-s3');
  await aws.exportVM(vm.id);
  report.afterExport = loaded('@aws-sdk/client-s3');
} finally {
  await emu.close();
  await s3.close();
}
process.stdout.write(JSON.stringify(report));
