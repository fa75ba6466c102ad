/**
 * What the network handlers share: ids of `Microsoft.Network` resources, ARM's answers for a
 * reference that does not resolve (400 `InvalidResourceReference`, "Resource {ref} referenced by
 * resource {id} was not found. Please make sure that the referenced resource exists, and that
 * both resources are in the same region.", as the network RP words it; error text as reported
 * in Azure docs' troubleshooting pages, read 2026-12), and the asynchronous PUT and DELETE answers
 * the network RP gives (201/200 + `Azure-AsyncOperation`; 202 + `Location` and
 * `Azure-AsyncOperation`, or 204 when there is nothing to delete; network stable/2024-05-01
 * examples, read 2026-12).
 */
import { ArmError } from './arm-error.js';
import { asyncAnswer, checkLocation, locationOf, resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import { idKey, parseResourceId, resourceId } from './resource-id.js';
import { checkTags } from './tag-rules.js';

/** A network resource type's full name. */
export type NetworkType = 'virtualNetworks' | 'networkSecurityGroups' | 'networkInterfaces' | 'publicIPAddresses';

/** The id of the route's network resource (`nameParam` holds its name). */
export function networkIdOf(call: ArmCall, type: NetworkType, nameParam: string): string {
  return resourceId(call.state.subscriptionId, call.group().name, `Microsoft.Network/${type}`, call.param(nameParam));
}

/** What every network PUT starts with: group, location, tags. */
export function networkPutBasics(call: ArmCall, type: NetworkType): { location: string; tags: Record<string, string> | undefined } {
  call.group();
  const location = locationOf(call);
  checkLocation(call, location, `Microsoft.Network/${type}`);
  const tags = call.body().get('tags').stringMap();
  checkTags(tags);
  return { location, tags };
}

/** 400 `InvalidResourceReference` for `ref` named by `by`. */
export function invalidReference(ref: string, by: string): ArmError {
  return new ArmError(
    400,
    'InvalidResourceReference',
    `Resource ${ref} referenced by resource ${by} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    { details: [] },
  );
}

/** 400 `LinkedInvalidPropertyId` for a reference that is not a resource id of `fullType`. */
export function invalidPropertyId(ref: string, path: string, fullType: string): ArmError {
  return new ArmError(400, 'LinkedInvalidPropertyId', `Property id '${ref}' at path '${path}' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.`, {
    details: [{ code: 'InvalidResourceType', message: `Expected a resource of type '${fullType}'.` }],
  });
}

/** The network resource named by `ref`, checked to be of `fullType` in `location`; ARM's 400 otherwise. */
export function resolveReference<T extends { location: string }>(map: ReadonlyMap<string, T>, ref: string, path: string, fullType: string, by: string, location: string): T {
  const parsed = parseResourceId(ref);
  if (!parsed || `${parsed.namespace}/${parsed.type}`.toLowerCase() !== fullType.toLowerCase()) throw invalidPropertyId(ref, path, fullType);
  const found = map.get(idKey(ref));
  if (!found || found.location !== location) throw invalidReference(ref, by);
  return found;
}

/** The 404 of a network GET. */
export function networkNotFound(call: ArmCall, type: NetworkType, nameParam: string): ArmError {
  return resourceNotFound(`Microsoft.Network/${type}`, call.param(nameParam), call.group().name);
}

/** A network PUT's asynchronous answer: 201 (created) or 200 (updated), the operation ends with `Succeeded`. */
export function networkPutAnswer(call: ArmCall, created: boolean, body: { location: string; id: string; properties: { provisioningState: string } }): ArmAnswer {
  body.properties.provisioningState = 'Updating';
  return asyncAnswer(
    call,
    {
      kind: call.operation,
      provider: 'network',
      location: body.location,
      target: body.id,
      effect: () => {
        body.properties.provisioningState = 'Succeeded';
        return undefined;
      },
    },
    { status: created ? 201 : 200, body: structuredClone(body), withLocation: false },
  );
}

/** A network DELETE's asynchronous answer: 202, `remove` runs when the operation ends. */
export function networkDeleteAnswer(call: ArmCall, body: { location: string; id: string; properties: { provisioningState: string } }, remove: () => void): ArmAnswer {
  body.properties.provisioningState = 'Deleting';
  return asyncAnswer(
    call,
    {
      kind: call.operation,
      provider: 'network',
      location: body.location,
      target: body.id,
      effect: () => {
        remove();
        return undefined;
      },
    },
    { status: 202, withLocation: true },
  );
}

/** Adds `id` to a list of references (once). */
export function addReference(list: { id: string }[] | undefined, id: string): { id: string }[] {
  const out = list ?? [];
  if (!out.some((r) => idKey(r.id) === idKey(id))) out.push({ id });
  return out;
}

/** Removes `id` from a list of references. */
export function removeReference(list: { id: string }[] | undefined, id: string): { id: string }[] | undefined {
  if (!list) return undefined;
  const out = list.filter((r) => idKey(r.id) !== idKey(id));
  return out.length > 0 ? out : undefined;
}
