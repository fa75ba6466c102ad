/**
 * Imports `novacron/aws`'s entry and reports whether @aws-sdk/client-ec2 got loaded: after the
 * import, after building a provider, and after its first call. Run by lazy-load.test.ts.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const loaded = (): boolean => Object.keys(require.cache).some((k) => k.includes('@aws-sdk/client-ec2'));
const report: Record<string, boolean> = {};
const { createAwsProvider } = await import('../../../src/providers/aws/index.js');
report.afterImport = loaded();
const aws = createAwsProvider({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
report.afterCreate = loaded();
await aws.getVM('i-00000000000000000').catch(() => undefined);
report.afterFirstCall = loaded();
process.stdout.write(JSON.stringify(report));
