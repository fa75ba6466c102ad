// Module resolution hook for missing-packages-child.ts: the packages named in
// NOVACRON_HIDE_PACKAGES (comma-separated) resolve as if they were not installed.
const hidden = new Set((process.env.NOVACRON_HIDE_PACKAGES ?? '').split(',').filter(Boolean));

export async function resolve(specifier, context, next) {
  if (hidden.has(specifier)) {
    const error = new Error(`Cannot find package '${specifier}'`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}
