/**
 * Keystone's part of the emulator: domains, projects, users with their passwords and project
 * roles, application credentials, and the tokens issued for them. Auth bodies are read as the
 * identity api-ref's "Password authentication with scoped authorization" and "Authenticating
 * with an Application Credential" define them (keystone `api-ref/source/v3/authenticate-v3.inc`
 * and its samples `auth-password-project-scoped-response.json`,
 * `auth-application-credential-response.json`, read 2026-12): a user by id, or by name with its
 * domain by id or name; a project scope by id, or by name with its domain; an application
 * credential by id (or name with its user) and secret, already scoped to its project, so a scope
 * beside it is refused. A failed authentication never says which part was wrong: 401 "The request
 * you have made requires authentication." Tokens live `tokenTtlMs` on the emulator clock and can
 * all be revoked at once. Passwords, secrets and token ids stay in here: nothing logs them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { OpenStackApiError } from './openstack-errors.js';

/** A Keystone domain. */
export interface KeystoneDomain {
  /** Domain id (`default`). */
  readonly id: string;
  /** Domain name (`Default`). */
  readonly name: string;
}

/** A Keystone project. */
export interface KeystoneProject {
  /** Project id (32 hex digits). */
  readonly id: string;
  /** Project name. */
  readonly name: string;
  /** Its domain. */
  readonly domain: KeystoneDomain;
}

/** A Keystone user. */
export interface KeystoneUser {
  /** User id (32 hex digits). */
  readonly id: string;
  /** User name. */
  readonly name: string;
  /** Its domain. */
  readonly domain: KeystoneDomain;
  /** Ids of the projects it has a role on. */
  readonly projectIds: readonly string[];
}

interface UserRecord extends KeystoneUser {
  readonly password: string;
}

interface ApplicationCredentialRecord {
  readonly id: string;
  readonly name: string;
  readonly secret: string;
  readonly userId: string;
  readonly projectId: string;
}

/** A token Keystone issued. */
export interface IssuedToken {
  /** The token (the `X-Subject-Token` value). */
  readonly id: string;
  /** The user it authenticates. */
  readonly user: KeystoneUser;
  /** The project it is scoped to; `undefined` for an unscoped token. */
  readonly project: KeystoneProject | undefined;
  /** Auth methods (`password`, `application_credential`). */
  readonly methods: readonly string[];
  /** Issue time, clock ms. */
  readonly issuedAt: number;
  /** Expiry, clock ms. */
  readonly expiresAt: number;
  /** The application credential it came from, when it did. */
  readonly applicationCredentialId: string | undefined;
}

/** A user to create. */
export interface KeystoneUserSeed {
  /** User name. */
  readonly name: string;
  /** Password (default: generated). */
  readonly password?: string | undefined;
  /** Domain name (default `Default`). */
  readonly domainName?: string | undefined;
  /** Names of projects (in the user's domain) it has a role on (default: the emulator's project). */
  readonly projects?: readonly string[] | undefined;
}

/** An application credential to create. */
export interface KeystoneApplicationCredentialSeed {
  /** Id (default: generated). */
  readonly id?: string | undefined;
  /** Name (default `novacron-emulator`). */
  readonly name?: string | undefined;
  /** Secret (default: generated). */
  readonly secret?: string | undefined;
  /** The user it belongs to (default: the first user). */
  readonly userName?: string | undefined;
  /** The project it is scoped to (default: the emulator's project). */
  readonly projectName?: string | undefined;
}

const REQUIRES_AUTH = 'The request you have made requires authentication.';

function hexId(): string {
  return randomUUID().replace(/-/g, '');
}

/** A generated secret: URL-safe, 24 characters. */
export function generatedSecret(): string {
  return randomBytes(18).toString('base64url');
}

type Json = Record<string, unknown>;

function objectAt(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function stringAt(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Keystone's 400 for a body it cannot read: "Expecting to find X in Y." */
function expecting(attribute: string, target: string): OpenStackApiError {
  return new OpenStackApiError(400, `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`);
}

/** The identity store and token issuer. */
export class KeystoneIdentity {
  private readonly domains = new Map<string, KeystoneDomain>();
  private readonly projects = new Map<string, KeystoneProject>();
  private readonly users = new Map<string, UserRecord>();
  private readonly credentials = new Map<string, ApplicationCredentialRecord>();
  private readonly tokens = new Map<string, IssuedToken>();
  private issued = 0;

  /** An identity store on `now` (epoch ms) whose tokens live `tokenTtlMs`. */
  constructor(
    private readonly now: () => number,
    private readonly tokenTtlMs: number,
  ) {
    this.domains.set('default', { id: 'default', name: 'Default' });
  }

  /** Adds a project to a domain (created when new); returns it. */
  addProject(name: string, domainName = 'Default'): KeystoneProject {
    const domain = this.domainNamed(domainName) ?? this.addDomain(domainName);
    const project = { id: hexId(), name, domain };
    this.projects.set(project.id, project);
    return project;
  }

  /** Adds a user; returns it with its password. */
  addUser(seed: KeystoneUserSeed, defaultProject: KeystoneProject): { readonly user: KeystoneUser; readonly password: string } {
    const domain = this.domainNamed(seed.domainName ?? 'Default') ?? this.addDomain(seed.domainName ?? 'Default');
    const projectIds = (seed.projects ?? [defaultProject.name]).map((name) => this.projectNamed(name, domain.id)?.id ?? this.addProject(name, domain.name).id);
    const record: UserRecord = { id: hexId(), name: seed.name, domain, projectIds, password: seed.password ?? generatedSecret() };
    this.users.set(record.id, record);
    return { user: this.publicUser(record), password: record.password };
  }

  /** Adds an application credential; returns its id and secret. */
  addApplicationCredential(seed: KeystoneApplicationCredentialSeed, defaultUser: KeystoneUser, defaultProject: KeystoneProject): { readonly id: string; readonly secret: string } {
    const user = seed.userName === undefined ? defaultUser : [...this.users.values()].find((u) => u.name === seed.userName);
    if (!user) throw new Error(`[novacron] [openstack-emulator] no user ${seed.userName} for an application credential`);
    const project = seed.projectName === undefined ? defaultProject : this.projectNamed(seed.projectName, user.domain.id);
    if (!project) throw new Error(`[novacron] [openstack-emulator] no project ${seed.projectName} for an application credential`);
    const record = { id: seed.id ?? hexId(), name: seed.name ?? 'novacron-emulator', secret: seed.secret ?? generatedSecret(), userId: user.id, projectId: project.id };
    this.credentials.set(record.id, record);
    return { id: record.id, secret: record.secret };
  }

  /** Authenticates a `POST /v3/auth/tokens` body; throws Keystone's 400 or 401. */
  authenticate(body: unknown): IssuedToken {
    const auth = objectAt(objectAt(body)?.auth);
    if (!auth) throw expecting('auth', 'the request body');
    const identity = objectAt(auth.identity);
    if (!identity) throw expecting('identity', 'auth');
    const methods = identity.methods;
    if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) throw expecting('methods', 'identity');
    const scope = auth.scope;
    if (methods.includes('application_credential')) {
      if (scope !== undefined) throw new OpenStackApiError(401, 'Error authenticating with application credential: Application credentials cannot request a scope.');
      return this.issue(this.applicationCredentialUser(objectAt(identity.application_credential)), methods as string[]);
    }
    if (!methods.includes('password')) throw new OpenStackApiError(401, REQUIRES_AUTH);
    const user = this.passwordUser(objectAt(objectAt(identity.password)?.user));
    return this.issue({ user, project: this.scopedProject(user, scope) }, methods as string[]);
  }

  /** The live token with this id, `undefined` when unknown, expired or revoked. */
  validate(tokenId: string | undefined): IssuedToken | undefined {
    if (tokenId === undefined) return undefined;
    const token = this.tokens.get(tokenId);
    if (!token) return undefined;
    if (token.expiresAt <= this.now()) {
      this.tokens.delete(tokenId);
      return undefined;
    }
    return token;
  }

  /** Revokes every token issued so far. */
  revokeAll(): void {
    this.tokens.clear();
  }

  /** Tokens issued since the start. */
  get issuedCount(): number {
    return this.issued;
  }

  /** Tokens still valid now. */
  liveCount(): number {
    const now = this.now();
    return [...this.tokens.values()].filter((t) => t.expiresAt > now).length;
  }

  /** A project by id. */
  project(id: string): KeystoneProject | undefined {
    return this.projects.get(id);
  }

  private issue(subject: { readonly user: KeystoneUser; readonly project: KeystoneProject | undefined; readonly credentialId?: string }, methods: readonly string[]): IssuedToken {
    const issuedAt = this.now();
    // Fernet tokens begin `gAAAAAB`; their length is near 180 characters.
    const token: IssuedToken = { id: `gAAAAAB${randomBytes(130).toString('base64url')}`, user: subject.user, project: subject.project, methods: [...methods], issuedAt, expiresAt: issuedAt + this.tokenTtlMs, applicationCredentialId: subject.credentialId };
    this.tokens.set(token.id, token);
    this.issued++;
    return token;
  }

  private passwordUser(user: Json | undefined): KeystoneUser {
    if (!user) throw expecting('user', 'password');
    const password = stringAt(user.password);
    if (password === undefined) throw expecting('password', 'user');
    let found: UserRecord | undefined;
    const id = stringAt(user.id);
    if (id !== undefined) found = this.users.get(id);
    else {
      const name = stringAt(user.name);
      if (name === undefined) throw expecting('id or name', 'user');
      const domain = this.domainOf(objectAt(user.domain));
      found = domain ? [...this.users.values()].find((u) => u.name === name && u.domain.id === domain.id) : undefined;
    }
    if (!found || found.password !== password) throw new OpenStackApiError(401, REQUIRES_AUTH);
    return this.publicUser(found);
  }

  private applicationCredentialUser(credential: Json | undefined): { user: KeystoneUser; project: KeystoneProject; credentialId: string } {
    if (!credential) throw expecting('application_credential', 'identity');
    const secret = stringAt(credential.secret);
    if (secret === undefined) throw expecting('secret', 'application_credential');
    const id = stringAt(credential.id);
    let found = id === undefined ? undefined : this.credentials.get(id);
    if (id === undefined) {
      const name = stringAt(credential.name);
      const owner = objectAt(credential.user);
      const ownerId = owner === undefined ? undefined : (stringAt(owner.id) ?? [...this.users.values()].find((u) => u.name === stringAt(owner.name) && u.domain.id === this.domainOf(objectAt(owner.domain))?.id)?.id);
      found = [...this.credentials.values()].find((c) => c.name === name && c.userId === ownerId);
    }
    const user = found ? this.users.get(found.userId) : undefined;
    const project = found ? this.projects.get(found.projectId) : undefined;
    if (!found || found.secret !== secret || !user || !project) throw new OpenStackApiError(401, REQUIRES_AUTH);
    return { user: this.publicUser(user), project, credentialId: found.id };
  }

  private scopedProject(user: KeystoneUser, scope: unknown): KeystoneProject | undefined {
    if (scope === undefined) return undefined;
    const project = objectAt(objectAt(scope)?.project);
    if (!project) throw expecting('project', 'scope');
    const id = stringAt(project.id);
    let found: KeystoneProject | undefined;
    if (id !== undefined) found = this.projects.get(id);
    else {
      const name = stringAt(project.name);
      if (name === undefined) throw expecting('id or name', 'project');
      const domain = this.domainOf(objectAt(project.domain));
      if (!domain) throw expecting('domain', 'project');
      found = this.projectNamed(name, domain.id);
    }
    // No role on the project: the same 401 as a wrong password.
    if (!found || !user.projectIds.includes(found.id)) throw new OpenStackApiError(401, REQUIRES_AUTH);
    return found;
  }

  private domainOf(ref: Json | undefined): KeystoneDomain | undefined {
    if (!ref) return undefined;
    const id = stringAt(ref.id);
    if (id !== undefined) return this.domains.get(id);
    const name = stringAt(ref.name);
    return name === undefined ? undefined : this.domainNamed(name);
  }

  private domainNamed(name: string): KeystoneDomain | undefined {
    return [...this.domains.values()].find((d) => d.name === name);
  }

  private addDomain(name: string): KeystoneDomain {
    const domain = { id: hexId(), name };
    this.domains.set(domain.id, domain);
    return domain;
  }

  private projectNamed(name: string, domainId: string): KeystoneProject | undefined {
    return [...this.projects.values()].find((p) => p.name === name && p.domain.id === domainId);
  }

  private publicUser(record: UserRecord): KeystoneUser {
    return { id: record.id, name: record.name, domain: record.domain, projectIds: record.projectIds };
  }
}
