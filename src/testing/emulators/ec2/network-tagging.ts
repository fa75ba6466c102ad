/**
 * Tags and filters of network resources, as the EC2 API Reference describes them (read
 * 2026-12): a create takes `TagSpecification.N` for its own resource type only (any other type
 * is `InvalidParameterValue`), keys starting with `aws:` are reserved, a resource has at most 50
 * tags, keys are 1–128 characters and values at most 256; describe calls filter on `tag:<key>`,
 * `tag-key` and `tag-value` besides their own filter names, and refuse names they do not know.
 */
import { matchesAll, type Params } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { filtersOf, listOf, structOf, textOf } from './query-request.js';

/** Checks one tag as EC2 does. */
export function checkTag(key: string, value: string): void {
  if (key.length === 0 || key.length > 128) throw new Ec2ApiError('InvalidParameterValue', 'Tag key must be between 1 and 128 characters');
  if (key.toLowerCase().startsWith('aws:')) throw new Ec2ApiError('InvalidParameterValue', "Tag keys starting with 'aws:' are reserved for internal use");
  if (value.length > 256) throw new Ec2ApiError('InvalidParameterValue', `Tag value for key '${key}' must be at most 256 characters`);
}

/** Refuses more than 50 tags on one resource. */
export function checkTagCount(tags: ReadonlyMap<string, string>): void {
  if (tags.size > 50) throw new Ec2ApiError('TagLimitExceeded', 'The maximum number of tags per resource (50) has been exceeded');
}

/** The tags a create's `TagSpecification.N` give its resource (`resourceType`, the only type it takes). */
export function tagsFromSpecifications(params: Params, resourceType: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const spec of listOf(params.TagSpecification)) {
    const s = structOf(spec);
    const type = textOf(s.ResourceType) ?? '';
    if (type !== resourceType) throw new Ec2ApiError('InvalidParameterValue', `'${type}' is not a valid taggable resource type for this operation.`);
    for (const tag of listOf(s.Tag)) {
      const t = structOf(tag);
      const key = textOf(t.Key) ?? '';
      const value = textOf(t.Value) ?? '';
      checkTag(key, value);
      tags.set(key, value);
    }
  }
  checkTagCount(tags);
  return tags;
}

/** How a filter name reads a value off one item; names not in the table are refused. */
export type NetworkFilterTable<T> = Readonly<Record<string, (item: T) => string | readonly string[] | undefined>>;

/**
 * The items that pass every `Filter.N` of the call: the table's own names, and the tag filters
 * on the tags `tagsOf` gives an item.
 */
export function filterItems<T>(params: Params, items: readonly T[], table: NetworkFilterTable<T>, tagsOf: (item: T) => ReadonlyMap<string, string>): T[] {
  const filters = filtersOf(params);
  for (const f of filters) {
    if (!Object.hasOwn(table, f.name) && !f.name.startsWith('tag:') && f.name !== 'tag-key' && f.name !== 'tag-value') {
      throw new Ec2ApiError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    }
  }
  return items.filter((item) =>
    matchesAll(filters, item, (name, x) => {
      if (name.startsWith('tag:')) return tagsOf(x).get(name.slice(4));
      if (name === 'tag-key') return [...tagsOf(x).keys()];
      if (name === 'tag-value') return [...tagsOf(x).values()];
      return table[name]!(x);
    }),
  );
}
