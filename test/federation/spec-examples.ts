// The two YAML examples of the specification, read from the specification itself so that the
// tests prove they load as written.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const specPath = fileURLToPath(new URL('../../../shared/spec/multi-cloud-federation-spec.md', import.meta.url));
const blocks = [...readFileSync(specPath, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** `federation.yaml`: the FederationConfig example. */
export const FEDERATION_YAML = blocks.find((b) => b.includes('kind: FederationConfig'))!;
/** The VirtualMachine example. */
export const VIRTUAL_MACHINE_YAML = blocks.find((b) => b.includes('kind: VirtualMachine'))!;
