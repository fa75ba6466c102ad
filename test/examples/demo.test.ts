import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('npm run demo', () => {
  it('runs the federation showcase end to end against the local emulators', () => {
    const out = execFileSync(process.execPath, ['examples/demo.mjs'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    expect(out).toMatch(/\*1\s+aws-us-east\s+us-east-1\/us-east-1\w\s+t3\.\w+ \(spot\)/); // the spec's VM goes to AWS spot
    // The spec's VM has no bonus from any policy, so its table has no bonus column; the batch job's shows the policy's.
    const tables = out.split('\n').filter((l) => l.startsWith('rank '));
    expect(tables).toHaveLength(2);
    expect(tables[0]).not.toContain('bonus');
    expect(tables[1]).toContain(' bonus ');
    expect(out).toMatch(/a batch job: PlacementDecision: \S+ \S+ \S+ \(spot\), \$0\.\d{4}\/h, score \d\.\d{4} \(balanced\)/);
    expect(out).toMatch(/ \(spot\) .* \+0\.100 \(cost-optimization\) /);
    expect(out).toMatch(/ {3}VM multi-cloud-app \(i-[0-9a-f]+\) running on aws-us-east us-east-1\/us-east-1\w, t3\.\w+ \(spot\), \$0\.\d{4}\/h\n/);
    expect(out).toMatch(/reused: true\); RunInstances calls so far: 1/);
    expect(out).toMatch(/landed in us-east-1\w after 2 attempts: us-east-1\w:failed → us-east-1\w:created/);
    expect(out).toMatch(/lost: aws-us-east\/i-/);
    expect(out).toMatch(/deleted \d+ VMs/);
    // Azure and GCP are the real adapters over the ARM and Compute Engine emulators: the group puts replicas on them.
    expect(out).toMatch(/db-\d\s+gcp-central\s+us-central1\s+\S+/);
    expect(out).toMatch(/db-\d\s+azure-west\s+westus2\s+Standard_\S+/);
    expect(out).toMatch(/Compute Engine API calls made: \{.*"instances\.insert":1.*\}/);
    expect(out).toMatch(/ARM API calls made: \{.*"virtualMachines\.createOrUpdate":1.*\}/);
    // On-prem is the OpenStack adapter over the OpenStack emulator, priced by the configuration's rate card.
    expect(out).toMatch(/and pinned on-premises: VM ledger \([0-9a-f-]{36}\) running on on-prem RegionOne\/az-[12], m1\.\w+, \$0\.\d{4}\/h/);
    expect(out).toMatch(/OpenStack API calls made: \{.*"servers\.create":1.*\}/);
    // 6. cost table and a forecast with its interval.
    expect(out).toMatch(/forecast for the spec's VM over a month: \$\d+\.\d+ \(95% interval/);
    // 8. optimizePlacement proposes moving the ledger off-premises, and the migration runs step by step across clouds.
    expect(out).toMatch(/ledger +on-prem\/m1\.medium \$0\.\d{4}\/h → aws-us-east\/\S+ \$0\.\d{4}\/h {2}saves \$\d+\.\d{2}\/month/);
    for (const step of ['lock', 'export', 'transfer', 'import', 'verify', 'switch', 'grace', 'delete-source', 'release-lock', 'cleanup']) expect(out).toMatch(new RegExp(`✓ ${step} +\\d+ ms`));
    expect(out).toMatch(/migration migrated: succeeded \(cross-provider\), \d+ bytes moved, now i-[0-9a-f]+ on aws-us-east/);
    expect(out).toMatch(/"ImportImage":1/); // the disk came in through VM Import from S3
    // Any export feeds any import: AWS's VMDK becomes the fixed VHD page blob Azure imports (in Azurite).
    expect(out).toMatch(/its disk for Azure: vmdk s3:\/\/\S+\.vmdk → download → convert → upload → verify → fixed VHD http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/vhds\/ledger\.vhd \(\d+ bytes; guest SHA-256 [0-9a-f]{16}…\)/);
    // 9. the overlay: addresses, peers and one node's rendered config, its private key masked.
    expect(out).toMatch(/aws-gw +100\.96\.0\.1\/32 +198\.51\.100\.10:51820 +routes 10\.10\.0\.0\/16/);
    expect(out).toMatch(/│ \[Interface\]\n {3}│ Address = 100\.96\.0\.1\/32/);
    expect(out).toMatch(/PrivateKey = <from the vault>/);
    expect(out).not.toMatch(/PrivateKey = [A-Za-z0-9+/]{43}=/);
    // 11. the Prometheus snapshot.
    expect(out).toMatch(/novacron_federation_migrations_total\{source="on-prem",destination="aws-us-east",status="succeeded"\} 1/);
    expect(out).toMatch(/novacron_federation_vms_total\{provider="aws-us-east",region="us-east-1"\} \d+/);
    expect(out).not.toMatch(/emulator-secret-access-key|AKIAEMULATOR/);
  });
});
