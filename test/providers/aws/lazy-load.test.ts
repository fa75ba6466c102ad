/** `novacron/aws` loads the AWS SDK on first use, never on import. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('novacron/aws entry', () => {
  it('loads @aws-sdk/client-ec2 on the first call, not on import or construction', async () => {
    const child = fileURLToPath(new URL('./lazy-load-child.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
    expect(JSON.parse(stdout)).toEqual({ afterImport: false, afterCreate: false, afterFirstCall: true });
  });
});
