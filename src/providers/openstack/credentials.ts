/**
 * Where the adapter's Keystone credentials come from when the options give none: the standard
 * `OS_*` environment variables of an `openrc` file (the names python-openstackclient reads:
 * `OS_APPLICATION_CREDENTIAL_ID` and `OS_APPLICATION_CREDENTIAL_SECRET`, or `OS_USERNAME`,
 * `OS_PASSWORD`, `OS_USER_DOMAIN_NAME`/`OS_USER_DOMAIN_ID`, `OS_PROJECT_NAME`/`OS_PROJECT_ID`,
 * `OS_PROJECT_DOMAIN_NAME`/`OS_PROJECT_DOMAIN_ID`), read at the first call, never at import.
 *
 * A provider-level project (`projectId: novacron`, as the specification writes it) scopes a
 * password token that names no project of its own: a 32-hex-digit value is a Keystone project id,
 * anything else a project name in the user's domain (the specification's `novacron` is a name).
 */
import { AuthError } from '../../provider/errors.js';
import type { OpenStackAuth } from './keystone-session.js';

const PROJECT_ID = /^[0-9a-f]{32}$/i;

/** The credentials to use: the given ones, else those of `env`; `AuthError` when there are none. */
export function resolveAuth(options: { readonly providerName: string; readonly auth?: OpenStackAuth | undefined; readonly project?: string | undefined; readonly env?: Readonly<Record<string, string | undefined>> | undefined }): OpenStackAuth {
  const auth = options.auth ?? fromEnvironment(options.env ?? process.env);
  if (!auth) {
    throw new AuthError({
      provider: options.providerName,
      requestSent: false,
      message: 'no Keystone credentials: pass auth ({ type: "password", … } or { type: "application_credential", id, secret }), or set OS_USERNAME/OS_PASSWORD or OS_APPLICATION_CREDENTIAL_ID/OS_APPLICATION_CREDENTIAL_SECRET',
    });
  }
  if (auth.type === 'password' && auth.projectId === undefined && auth.projectName === undefined && options.project !== undefined) {
    return PROJECT_ID.test(options.project) ? { ...auth, projectId: options.project } : { ...auth, projectName: options.project };
  }
  return auth;
}

function fromEnvironment(env: Readonly<Record<string, string | undefined>>): OpenStackAuth | undefined {
  const get = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const id = get('OS_APPLICATION_CREDENTIAL_ID');
  const secret = get('OS_APPLICATION_CREDENTIAL_SECRET');
  if (id !== undefined && secret !== undefined) return { type: 'application_credential', id, secret };
  const password = get('OS_PASSWORD');
  const username = get('OS_USERNAME');
  const userId = get('OS_USER_ID');
  if (password === undefined || (username === undefined && userId === undefined)) return undefined;
  return {
    type: 'password',
    username,
    userId,
    password,
    userDomainName: get('OS_USER_DOMAIN_NAME'),
    userDomainId: get('OS_USER_DOMAIN_ID'),
    projectName: get('OS_PROJECT_NAME') ?? get('OS_TENANT_NAME'),
    projectId: get('OS_PROJECT_ID') ?? get('OS_TENANT_ID'),
    projectDomainName: get('OS_PROJECT_DOMAIN_NAME'),
    projectDomainId: get('OS_PROJECT_DOMAIN_ID'),
  };
}
