// The two YAML examples of the specification, kept verbatim in fixtures/ so that the tests
// prove they load as written.
import { readFileSync } from 'node:fs';

const read = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** `federation.yaml`: the FederationConfig example. */
export const FEDERATION_YAML = read('spec-federation.yaml');
/** The VirtualMachine example. */
export const VIRTUAL_MACHINE_YAML = read('spec-virtual-machine.yaml');
