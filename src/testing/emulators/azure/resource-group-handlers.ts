/**
 * `Microsoft.Resources/resourceGroups`: GET, list, PUT (create or update, synchronous, 201/200;
 * azure-rest-api-specs resources stable/2024-03-01 `ResourceGroups_CreateOrUpdate`, read 2026-12).
 * Deleting a group is not emulated: a test's groups live as long as the emulator. Name rules: 1-90
 * letters, digits, `-`, `_`, `.`, `(`, `)`, not ending in `.` (learn.microsoft.com "Naming rules
 * and restrictions for Azure resources", read 2026-12); the refusal's wording is approximate.
 */
import { ArmError } from './arm-error.js';
import { checkLocation, locationOf, type ArmAnswer, type ArmCall } from './arm-call.js';
import { pagedList } from './list-paging.js';
import { checkTags } from './tag-rules.js';

/** GET a resource group. */
export function getResourceGroup(call: ArmCall): ArmAnswer {
  return { status: 200, body: call.group() };
}

/** GET the subscription's resource groups. */
export function listResourceGroups(call: ArmCall): ArmAnswer {
  return pagedList(call, [...call.state.resourceGroups.values()], (g) => g);
}

/** PUT a resource group. */
export function putResourceGroup(call: ArmCall): ArmAnswer {
  const name = call.param('resourceGroup');
  if (!/^[-\w._()]{1,90}$/.test(name) || name.endsWith('.')) {
    throw new ArmError(400, 'InvalidResourceGroup', `The provided resource group name '${name}' has these invalid characters: '${name.replace(/[-\w._()]/g, '')}'. The name can only be a letter, digit, '-', '.', '_', '(', ')' or a character that is classified as a letter or digit.`);
  }
  const location = locationOf(call);
  checkLocation(call, location, 'Microsoft.Resources/resourceGroups');
  const tags = call.body().get('tags').stringMap();
  checkTags(tags);
  const existed = call.state.resourceGroup(name) !== undefined;
  return { status: existed ? 200 : 201, body: call.state.putResourceGroup(name, location, tags) };
}
