// @ts-check
/**
 * TypeDoc plugin: groups the root module's exports by role. A folder under src/ is a layer
 * (the Provider specification, federation, cost, state, metrics), so the role of a name is the
 * folder its declaration lives in; this file maps folders to the section titles the
 * documentation shows, instead of a `@category` tag on every declaration. A `@category` written
 * on a declaration still wins.
 */
import { relative, sep } from 'node:path';
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/** The module whose exports are grouped: the one named by `@module novacron` in src/index.ts. */
const ROOT_MODULE = 'novacron';

/** Folder prefix → role, first match wins. Keep in step with `categoryOrder` in typedoc.json. */
const ROLES = [
  ['src/provider/', 'Provider specification'],
  ['src/providers/memory/', 'In-memory provider'],
  ['src/federation/', 'Federation'],
  ['src/optimizer/', 'Cost'],
  ['src/catalog/', 'Cost'],
  ['src/state/', 'State'],
  ['src/metrics/', 'Metrics'],
  ['src/testing/', 'Testing'],
];

/** @param {import('typedoc').Application} app */
export function load(app) {
  /** @type {Map<import('typedoc').DeclarationReflection, string>} */
  const roleOf = new Map();

  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.parent?.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    if (file === undefined) return;
    const path = relative(process.cwd(), file).split(sep).join('/');
    const role = ROLES.find(([prefix]) => path.startsWith(prefix))?.[1];
    if (role !== undefined) roleOf.set(reflection, role);
  });

  // Before the category plugin (priority -200) sorts the children into categories.
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    () => {
      for (const [reflection, role] of roleOf) {
        if (reflection.parent?.name !== ROOT_MODULE) continue;
        reflection.comment ??= new Comment();
        if (reflection.comment.blockTags.some((tag) => tag.tag === '@category')) continue;
        reflection.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: role }]));
      }
      roleOf.clear();
    },
    0,
  );
}
