// Module resolution hook for the Azure adapter's child processes: the packages named in
// NOVACRON_HIDE_PACKAGES (comma-separated) resolve as if they were not installed, and every
// @azure/* package that does resolve is reported on the port handed to `initialize`.
const hidden = new Set((process.env.NOVACRON_HIDE_PACKAGES ?? '').split(',').filter(Boolean));
let port;

export function initialize(data) {
  port = data?.port;
}

export async function resolve(specifier, context, next) {
  if (hidden.has(specifier)) {
    const error = new Error(`Cannot find package '${specifier}'`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  const resolved = await next(specifier, context);
  if (specifier.startsWith('@azure/')) port?.postMessage(specifier);
  return resolved;
}
