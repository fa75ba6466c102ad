/**
 * ARM's tag rules, checked on every PUT of a tracked resource: at most 50 tags; names 1-512
 * characters without `<`, `>`, `%`, `&`, `\`, `?`, `/` or control characters; values at most 256
 * characters (learn.microsoft.com "Use tags to organize your Azure resources", limitations, read
 * 2026-12). Codes and wording as Azure PowerShell mirrors ARM's answers (Az.Migrate tag checks:
 * `InvalidTags`, `InvalidTagName`, `InvalidTagNameCharacters`, `InvalidTagValueLength`, read 2026-12).
 */
import { ArmError } from './arm-error.js';

/** Most tags on one resource. */
export const MAX_TAGS = 50;
/** Longest tag name. */
export const MAX_TAG_NAME_LENGTH = 512;
/** Longest tag value. */
export const MAX_TAG_VALUE_LENGTH = 256;

// eslint-disable-next-line no-control-regex
const RESERVED = /[<>%&\\?/\u0000-\u001f\u007f]/;

/** Throws ARM's 400 for tags that break the rules. */
export function checkTags(tags: Readonly<Record<string, string>> | undefined): void {
  if (!tags) return;
  const names = Object.keys(tags);
  if (names.length > MAX_TAGS) {
    throw new ArmError(400, 'InvalidTags', `Too many tags specified. Requested tag count - '${names.length}'. Maximum number of tags allowed - '${MAX_TAGS}'.`);
  }
  if (names.some((n) => n.trim() === '')) {
    throw new ArmError(400, 'InvalidTagName', 'The tag name must be non-null, non-empty and non-whitespace only. Please provide an actual value.');
  }
  const reserved = names.filter((n) => RESERVED.test(n));
  if (reserved.length > 0) {
    throw new ArmError(400, 'InvalidTagNameCharacters', `The tag names '${reserved.join(', ')}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`);
  }
  const long = names.filter((n) => n.length > MAX_TAG_NAME_LENGTH);
  if (long.length > 0) {
    throw new ArmError(400, 'InvalidTagName', `Tag key too large. Following tag name '${long.join(', ')}' exceeded the maximum length. Maximum allowed length for tag name - '${MAX_TAG_NAME_LENGTH}' characters.`);
  }
  const longValues = names.map((n) => tags[n]!).filter((v) => v.length > MAX_TAG_VALUE_LENGTH);
  if (longValues.length > 0) {
    throw new ArmError(
      400,
      'InvalidTagValueLength',
      `Tag value too large. Following tag value '${longValues.join(', ')}' exceeded the maximum length. Maximum allowed length for tag value - '${MAX_TAG_VALUE_LENGTH}' characters.`,
    );
  }
}
