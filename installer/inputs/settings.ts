/**
 * Every install setting once: its flag, its key in a `--config` file, its environment variable and
 * the schema its value must meet. Flags, config files, the environment and the wizard all read this
 * table, so a question can never exist without a flag and a key (or the other way round). Secrets are
 * not settings: tokens and passwords come from the environment, a file, or a masked prompt.
 */
import { z } from 'zod';
import { BUNDLES, COMPONENTS } from '../catalogue/components.js';
import { RELEASES, describeReleases } from '../catalogue/releases.js';
import { TARGETS } from '../catalogue/targets.js';
import { EXPOSURES, IDPS } from '../core/login.js';

/** Settings by their option name (camelCase, as commander and RawForkOptions name them). */
export interface Settings {
  kubeconfig?: string;
  context?: string;
  target?: string;
  release?: string;
  components?: string[];
  footprint?: string;
  fork?: string;
  githubFork?: string;
  githubApiUrl?: string;
  githubRepoName?: string;
  branch?: string;
  sshKey?: string;
  tokenEnv?: string;
  adminEmail?: string;
  adminPasswordFile?: string;
  configureArgocd?: boolean;
  noSeed?: boolean;
  upstream?: string;
  mirror?: string[];
  argocdRepoUrl?: string;
  oidcIssuer?: string;
  timeout?: string;
  componentTimeout?: string;
  failureGrace?: string;
  idp?: string;
  idpIssuer?: string;
  idpClientId?: string;
  idpClientSecretFile?: string;
  idpCaFile?: string;
  idpTenant?: string;
  allowedEmailDomains?: string[];
  allowedGroups?: string[];
  noStaticUser?: boolean;
  ldapHost?: string;
  ldapBindDn?: string;
  ldapBindPasswordFile?: string;
  ldapUserBaseDn?: string;
  ldapGroupBaseDn?: string;
  url?: string;
  expose?: string;
  tls?: string;
  registry?: string;
  noImageCheck?: boolean;
}
export type SettingName = keyof Settings;

export interface SettingSpec {
  readonly name: SettingName;
  /** Key in a config file; the flag is `--<key>`. */
  readonly key: string;
  /** Environment variable; undefined where the variable would clash with a standard one. */
  readonly env?: string | undefined;
  readonly schema: z.ZodType;
  /** How an environment variable's text becomes a value. */
  readonly kind: 'string' | 'list' | 'boolean';
}

const KNOWN_COMPONENTS = new Set([...COMPONENTS.map((c) => c.name), ...Object.keys(BUNDLES), 'all']);
const BRANCH = /^(?!\/|.*(?:\.\.|\/\/|@\{|\.lock$|[\s~^:?*[\\]))[\w./-]+$/;
const DURATION = /^\d+(?:\.\d+)?(?:ms|s|m|h)$/;
/** A registry host (with port) and an optional path prefix: where `--registry` points every image. */
export const REGISTRY = /^[a-zA-Z0-9.-]+(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const text = z.string().min(1, 'must not be empty');
const duration = z.string().regex(DURATION, 'must be a duration like 90s, 20m or 1h');
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: () => `must be one of ${values.join(', ')}` });
const components = z
  .array(z.string())
  .min(1, 'must name at least one component')
  .superRefine((list, ctx) => {
    list.forEach((c, i) => {
      if (!KNOWN_COMPONENTS.has(c))
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `unknown component "${c}"; known: ${[...KNOWN_COMPONENTS].sort().join(', ')}`,
        });
    });
  });

const spec = (
  name: SettingName,
  key: string,
  env: string | undefined,
  schema: z.ZodType,
  kind: SettingSpec['kind'] = 'string',
): SettingSpec => ({ name, key, env, schema, kind });

export const SETTINGS: readonly SettingSpec[] = [
  // KUBECONFIG keeps its usual meaning (a list of files); the setting is one file.
  spec('kubeconfig', 'kubeconfig', undefined, text),
  spec('context', 'context', 'KFG_CONTEXT', text),
  spec('target', 'target', 'KFG_TARGET', oneOf(TARGETS)),
  spec('release', 'release', 'KFG_RELEASE', z.enum(RELEASES, { error: () => `must be one of ${describeReleases()}` })),
  spec('components', 'components', 'KFG_COMPONENTS', components, 'list'),
  spec('footprint', 'footprint', 'KFG_FOOTPRINT', oneOf(['small', 'full'])),
  spec(
    'fork',
    'fork',
    'KFG_FORK',
    text.refine(
      (v) => !/^https?:\/\/[^/]*@/.test(v),
      'must not contain credentials; put the token in the environment (see token-env)',
    ),
  ),
  spec(
    'githubFork',
    'github-fork',
    'KFG_GITHUB_FORK',
    z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'is not a GitHub user or organisation name'),
  ),
  spec('githubApiUrl', 'github-api-url', 'GITHUB_API_URL', z.url()),
  spec('githubRepoName', 'github-repo-name', 'KFG_GITHUB_REPO_NAME', text),
  spec('branch', 'branch', 'KFG_BRANCH', z.string().regex(BRANCH, 'is not a valid git branch name')),
  spec('sshKey', 'ssh-key', 'KFG_SSH_KEY', text),
  spec(
    'tokenEnv',
    'token-env',
    'KFG_TOKEN_ENV',
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not an environment variable name'),
  ),
  spec('adminEmail', 'admin-email', 'KFG_ADMIN_EMAIL', z.string().regex(EMAIL, 'is not an email address')),
  spec('adminPasswordFile', 'admin-password-file', 'KFG_ADMIN_PASSWORD_FILE', text),
  spec('configureArgocd', 'configure-argocd', 'KFG_CONFIGURE_ARGOCD', z.boolean(), 'boolean'),
  // `--no-seed` is commander's negation of an option `seed`: flag-settings.ts reads it back as noSeed.
  spec('noSeed', 'no-seed', 'KFG_NO_SEED', z.boolean(), 'boolean'),
  spec('upstream', 'upstream', 'KFG_UPSTREAM', text),
  spec(
    'mirror',
    'mirror',
    'KFG_MIRROR',
    z.array(
      z
        .string()
        .regex(
          /^https?:\/\/[^=]+=(https?|file):\/\/.+$/,
          'must be <from>=<to> with an http(s) prefix on the left and an http(s) or file:// prefix on the right',
        ),
    ),
    'list',
  ),
  spec('argocdRepoUrl', 'argocd-repo-url', 'KFG_ARGOCD_REPO_URL', text),
  spec('oidcIssuer', 'oidc-issuer', 'KFG_OIDC_ISSUER', z.url()),
  spec('timeout', 'timeout', 'KFG_TIMEOUT', duration),
  spec('componentTimeout', 'component-timeout', 'KFG_COMPONENT_TIMEOUT', duration),
  spec('failureGrace', 'failure-grace', 'KFG_FAILURE_GRACE', duration),
  // Login and exposure (inputs/login-options.ts checks how they combine).
  spec('idp', 'idp', 'KFG_IDP', oneOf(IDPS)),
  spec('idpIssuer', 'idp-issuer', 'KFG_IDP_ISSUER', z.url()),
  spec('idpClientId', 'idp-client-id', 'KFG_IDP_CLIENT_ID', text),
  spec('idpClientSecretFile', 'idp-client-secret-file', 'KFG_IDP_CLIENT_SECRET_FILE', text),
  spec('idpCaFile', 'idp-ca-file', 'KFG_IDP_CA_FILE', text),
  spec('idpTenant', 'idp-tenant', 'KFG_IDP_TENANT', text),
  spec('allowedEmailDomains', 'allowed-email-domains', 'KFG_ALLOWED_EMAIL_DOMAINS', z.array(text), 'list'),
  spec('allowedGroups', 'allowed-groups', 'KFG_ALLOWED_GROUPS', z.array(text), 'list'),
  spec('noStaticUser', 'no-static-user', 'KFG_NO_STATIC_USER', z.boolean(), 'boolean'),
  spec('ldapHost', 'ldap-host', 'KFG_LDAP_HOST', text),
  spec('ldapBindDn', 'ldap-bind-dn', 'KFG_LDAP_BIND_DN', text),
  spec('ldapBindPasswordFile', 'ldap-bind-password-file', 'KFG_LDAP_BIND_PASSWORD_FILE', text),
  spec('ldapUserBaseDn', 'ldap-user-base-dn', 'KFG_LDAP_USER_BASE_DN', text),
  spec('ldapGroupBaseDn', 'ldap-group-base-dn', 'KFG_LDAP_GROUP_BASE_DN', text),
  spec('url', 'url', 'KFG_URL', z.url()),
  spec('expose', 'expose', 'KFG_EXPOSE', oneOf(EXPOSURES)),
  spec('tls', 'tls', 'KFG_TLS', text),
  spec(
    'registry',
    'registry',
    'KFG_REGISTRY',
    z.string().regex(REGISTRY, 'must be <host>[:port][/prefix], e.g. registry.example.com/kf'),
  ),
  // `--no-image-check`: install from a registry without looking every image up in it first.
  spec('noImageCheck', 'no-image-check', 'KFG_NO_IMAGE_CHECK', z.boolean(), 'boolean'),
];

export const SETTING_BY_NAME: ReadonlyMap<SettingName, SettingSpec> = new Map(SETTINGS.map((s) => [s.name, s]));
export const SETTING_BY_KEY: ReadonlyMap<string, SettingSpec> = new Map(SETTINGS.map((s) => [s.key, s]));

/** Values used when no flag, config key or variable gives one (the wizard offers them as defaults). */
export const CLUSTER_DEFAULTS = { timeout: '60m', componentTimeout: '20m', failureGrace: '90s' } as const;

/** Where a setting is named for people: "--release (config key release, KFG_RELEASE)". */
export function describeSetting(name: SettingName): string {
  const s = SETTING_BY_NAME.get(name);
  if (!s) return name;
  return `--${s.key} (config key ${s.key}${s.env ? `, ${s.env}` : ''})`;
}

/** Keys people put in config files for things that must not live there, and where they go instead. */
export const SECRET_KEYS: Readonly<Record<string, string>> = {
  token: 'export it (KFG_GIT_TOKEN, GITHUB_TOKEN, or the variable named by token-env)',
  'git-token': 'export it as KFG_GIT_TOKEN (or the variable named by token-env)',
  'github-token': 'export it as GITHUB_TOKEN',
  password: 'use admin-password-file, or export KFG_ADMIN_PASSWORD',
  'admin-password': 'use admin-password-file, or export KFG_ADMIN_PASSWORD',
  'idp-client-secret': 'use idp-client-secret-file, or export KFG_IDP_CLIENT_SECRET',
  'client-secret': 'use idp-client-secret-file, or export KFG_IDP_CLIENT_SECRET',
  'ldap-bind-password': 'use ldap-bind-password-file, or export KFG_LDAP_BIND_PASSWORD',
};
