/**
 * How network actions find what a request names, with EC2's words for what is wrong: a missing
 * parameter is `MissingParameter`, an id of the wrong shape `Invalid<Thing>Id.Malformed`, an id
 * the caller's region does not have `Invalid<Thing>ID.NotFound` (EC2 API Reference, "Error codes",
 * read 2026-12).
 */
import type { Params } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { textOf } from './query-request.js';

/** How one kind of resource is named in errors. */
export interface IdWords {
  /** Id shape. */
  readonly shape: RegExp;
  /** Code of a malformed id (`InvalidVpnGatewayId.Malformed`). */
  readonly malformed: string;
  /** Code of an unknown id (`InvalidVpnGatewayID.NotFound`). */
  readonly notFound: string;
  /** How the message names the resource (`vpnGateway ID`). */
  readonly noun: string;
}

/** The text parameter `name`, or `MissingParameter` (naming it as EC2 does, lowerCamelCase). */
export function required(params: Params, name: string): string {
  const value = textOf(params[name]);
  if (value === undefined || value === '') throw new Ec2ApiError('MissingParameter', `The request must contain the parameter ${name.charAt(0).toLowerCase()}${name.slice(1)}`);
  return value;
}

/** The records named by `ids`, each checked for shape and for being visible to the caller. */
export function findAll<T>(ids: readonly string[], all: ReadonlyMap<string, T>, visible: (item: T) => boolean, words: IdWords): T[] {
  const malformed = ids.find((id) => !words.shape.test(id));
  if (malformed !== undefined) throw new Ec2ApiError(words.malformed, `Invalid id: "${malformed}"`);
  const missing = ids.filter((id) => {
    const item = all.get(id);
    return item === undefined || !visible(item);
  });
  if (missing.length === 1) throw new Ec2ApiError(words.notFound, `The ${words.noun} '${missing[0]}' does not exist`);
  if (missing.length > 1) throw new Ec2ApiError(words.notFound, `The ${words.noun}s '${missing.join(', ')}' do not exist`);
  return ids.map((id) => all.get(id)!);
}

/** The one record named by `id`. */
export function findOne<T>(id: string, all: ReadonlyMap<string, T>, visible: (item: T) => boolean, words: IdWords): T {
  return findAll([id], all, visible, words)[0]!;
}
