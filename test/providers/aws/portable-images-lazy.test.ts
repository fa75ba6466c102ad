/** `novacron/aws` loads `@aws-sdk/client-s3` on the first S3 export, never on import or for other calls. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('novacron/aws and @aws-sdk/client-s3', () => {
  it('loads the S3 client on the first exportVM to S3, not on import or createVM', async () => {
    const child = fileURLToPath(new URL('./portable-images-lazy-child.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
    expect(JSON.parse(stdout)).toEqual({ afterImport: false, ec2AfterCreate: true, afterCreate: false, afterExport: true });
  });
});
