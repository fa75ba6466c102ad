/**
 * examples/aws.mjs, azure.mjs, gcp.mjs and openstack.mjs: without credentials each says what to
 * set and exits 0; with them it builds its adapter from the environment alone. The credentialed
 * path is run where a local emulator speaks the cloud's API to the real client: AWS (read-only: its
 * waiters poll every 15 s, too slow for a test that creates) against the EC2 emulator, and
 * OpenStack, creating and deleting a server, against the OpenStack emulator. The examples load
 * the built package.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startEc2Emulator, startOpenStackEmulator } from 'novacron/testing/emulators';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Every variable the examples read, so that a developer's own credentials never leak into a test. */
const CLOUD_VARIABLES = /^(AWS_|AZURE_|GOOGLE_|GCLOUD_|OS_|NOVACRON_)/;
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !CLOUD_VARIABLES.test(name)));
  return { ...env, ...extra };
}

/** Runs an example (asynchronously: the emulators answer from this process's event loop). */
async function example(name: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(process.execPath, [`examples/${name}.mjs`], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  return stdout;
}

describe('the cloud examples without credentials', () => {
  it.each([
    ['aws', /^skipped: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY .*AWS account\n$/],
    ['azure', /^skipped: set AZURE_SUBSCRIPTION_ID and AZURE_RESOURCE_GROUP .*DefaultAzureCredential.*Azure subscription\n$/],
    ['gcp', /^skipped: set GOOGLE_CLOUD_PROJECT and GOOGLE_APPLICATION_CREDENTIALS .*GCP project\n$/],
    ['openstack', /^skipped: set OS_AUTH_URL and OS_USERNAME\/OS_PASSWORD .*OpenStack cloud\n$/],
  ])('%s.mjs says which variables to set and exits 0', async (name, message) => {
    // `run` rejects on a non-zero exit, so resolving is the exit code 0.
    expect(await example(name, cleanEnv())).toMatch(message);
  });

  it('openstack.mjs skips with half an openrc (a URL, no password)', async () => {
    expect(await example('openstack', cleanEnv({ OS_AUTH_URL: 'https://openstack.invalid:5000/v3', OS_USERNAME: 'demo' }))).toMatch(/^skipped: /);
  });
});

describe('the cloud examples with credentials, against the emulators', () => {
  const dir = mkdtempSync(join(tmpdir(), 'novacron-cloud-examples-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('aws.mjs builds the adapter from AWS_* variables and tours EC2 read-only', async () => {
    const emulator = await startEc2Emulator({ region: 'us-east-1' });
    try {
      const { credentials } = emulator.providerOptions as { credentials: { accessKeyId: string; secretAccessKey: string } };
      const out = await example('aws', cleanEnv({ AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: emulator.endpoint }));
      expect(out).toMatch(/^regions: us-east-1 \[us-east-1a, /m);
      expect(out).toMatch(/^offers in us-east-1: \d+, prices from aws-pricing-api/m);
      expect(out).toMatch(/^placement: PlacementDecision: aws-example us-east-1\/us-east-1\w t3\.\w+/m);
      expect(out).toContain('read-only tour done');
      expect(emulator.stats.count('RunInstances')).toBe(0);
      expect(emulator.stats.count('DescribeInstances')).toBeGreaterThan(0);
      expect(out).not.toContain(credentials.secretAccessKey);
    } finally {
      await emulator.close();
    }
  });

  it('openstack.mjs builds the adapter from an openrc environment, creates a server and deletes it', async () => {
    const emulator = await startOpenStackEmulator();
    try {
      const o = emulator.providerOptions;
      writeFileSync(join(dir, 'ca.pem'), o.ca);
      writeFileSync(join(dir, 'rate-card.json'), JSON.stringify(o.rateCard));
      const out = await example(
        'openstack',
        cleanEnv({
          OS_AUTH_URL: o.authUrl,
          OS_USERNAME: o.auth.username,
          OS_PASSWORD: o.auth.password,
          OS_USER_DOMAIN_NAME: o.auth.userDomainName,
          OS_PROJECT_NAME: o.auth.projectName,
          OS_PROJECT_DOMAIN_NAME: o.auth.projectDomainName,
          OS_REGION_NAME: o.region,
          OS_CACERT: join(dir, 'ca.pem'),
          NOVACRON_OPENSTACK_RATE_CARD: join(dir, 'rate-card.json'),
          NOVACRON_EXAMPLE_CREATE: '1',
        }),
      );
      expect(out).toMatch(/^offers in RegionOne: \d+, prices from /m);
      expect(out).toMatch(/^estimate for 2 vCPU \/ 4Gi: m1\.\w+ \$0\.\d{4}\/h/m);
      const id = /^created VM novacron-example \(([0-9a-f-]{36})\) running on openstack-example RegionOne/m.exec(out)?.[1];
      expect(id).toBeDefined();
      expect(out).toContain(`deleted ${id}`);
      expect(emulator.stats.byOperation()).toMatchObject({ 'servers.create': 1, 'servers.delete': 1 });
      expect(out).not.toContain(o.auth.password);
    } finally {
      await emulator.close();
    }
  });
});
