/**
 * Dex's side of the login: upstream's Dex configuration for the release with the issuer at the
 * external URL, the provider as a Dex connector (upstream's architecture), and the static user kept
 * (with the admin's email) or dropped. Connector secrets are `$VARIABLES` Dex expands from its
 * environment, which comes from a cluster Secret (`dex-idp-credentials`); no secret is written here.
 * Pure.
 */
import { Document, isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { UserError } from '../core/errors.js';
import type { IdpOptions, LoginOptions } from '../core/login.js';
import type { LoginUrls } from './login-urls.js';
import { IDP_CA_FILE, caMountPatch } from './render-oauth2-proxy-login.js';

export const DEX_IDP_SECRET = 'dex-idp-credentials';
/** The variables Dex expands in its config; the Secret above holds them. */
export const DEX_CLIENT_SECRET_VAR = 'IDP_CLIENT_SECRET';
export const DEX_BIND_PASSWORD_VAR = 'LDAP_BIND_PASSWORD';
const DEX_CA_DIR = '/etc/dex/idp-ca';

export interface DexConnector {
  readonly type: string;
  readonly id: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
}

/** The provider as Dex's documented connector configuration. */
export function dexConnector(p: IdpOptions, login: LoginOptions, urls: LoginUrls, withCa = false): DexConnector {
  const client = {
    clientID: p.clientId,
    clientSecret: `$${DEX_CLIENT_SECRET_VAR}`,
    redirectURI: urls.dexCallback,
  };
  switch (p.idp) {
    case 'oidc':
      return {
        type: 'oidc',
        id: 'oidc',
        name: 'Single sign-on',
        config: {
          issuer: p.issuer,
          ...client,
          scopes: ['openid', 'profile', 'email', ...(login.allowedGroups.length > 0 ? ['groups'] : [])],
          // Groups from the provider's ID token, so oauth2-proxy can check --allowed-groups.
          ...(login.allowedGroups.length > 0 ? { insecureEnableGroups: true } : {}),
          getUserInfo: true,
          userNameKey: 'email',
          ...(withCa ? { rootCAs: [`${DEX_CA_DIR}/${IDP_CA_FILE}`] } : {}),
        },
      };
    case 'github':
      return {
        type: 'github',
        id: 'github',
        name: 'GitHub',
        config: {
          ...client,
          ...(login.allowedGroups.length > 0 ? { orgs: login.allowedGroups.map((name) => ({ name })) } : {}),
          teamNameField: 'slug',
          useLoginAsID: false,
        },
      };
    case 'google':
      return {
        type: 'google',
        id: 'google',
        name: 'Google',
        config: {
          ...client,
          ...(login.allowedDomains.length > 0 ? { hostedDomains: [...login.allowedDomains] } : {}),
        },
      };
    case 'microsoft':
      return {
        type: 'microsoft',
        id: 'microsoft',
        name: 'Microsoft',
        config: {
          ...client,
          tenant: p.tenant,
          ...(login.allowedGroups.length > 0 ? { groups: [...login.allowedGroups], onlySecurityGroups: true } : {}),
        },
      };
    case 'ldap': {
      const l = p.ldap;
      if (l === undefined) throw new Error('internal: --idp ldap without its LDAP options');
      return {
        type: 'ldap',
        id: 'ldap',
        name: 'LDAP',
        config: {
          host: l.host,
          // The directory's CA (--idp-ca-file); Dex trusts it instead of the system's roots. Verification stays on.
          ...(withCa ? { rootCA: `${DEX_CA_DIR}/${IDP_CA_FILE}` } : {}),
          bindDN: l.bindDn,
          bindPW: `$${DEX_BIND_PASSWORD_VAR}`,
          usernamePrompt: 'Email',
          userSearch: {
            baseDN: l.userBaseDn,
            filter: '(objectClass=person)',
            username: 'mail',
            idAttr: 'DN',
            emailAttr: 'mail',
            nameAttr: 'cn',
          },
          ...(l.groupBaseDn !== undefined
            ? {
                groupSearch: {
                  baseDN: l.groupBaseDn,
                  filter: '(objectClass=groupOfNames)',
                  userMatchers: [{ userAttr: 'DN', groupAttr: 'member' }],
                  nameAttr: 'cn',
                },
              }
            : {}),
        },
      };
    }
    case 'oidc-direct':
      throw new Error('internal: oidc-direct does not go through Dex');
  }
}

/** Upstream's config.yaml text with the login applied; every other line stays as upstream wrote it. */
export function renderDexConfig(
  config: string,
  login: LoginOptions,
  urls: LoginUrls,
  adminEmail: string,
  withCa = false,
): string {
  const doc = parseDocument(config);
  if (doc.errors.length > 0)
    throw new UserError(`upstream's Dex configuration does not parse: ${doc.errors[0]?.message ?? ''}`);
  if (urls.given) {
    doc.set('issuer', urls.dexIssuer);
    const clients = doc.get('staticClients', true);
    if (isSeq(clients))
      for (const c of clients.items)
        if (isMap(c)) c.set('redirectURIs', doc.createNode([urls.oauth2Callback], { flow: true }));
  }
  if (login.staticUser) {
    const users = doc.get('staticPasswords', true);
    if (isSeq(users))
      for (const u of users.items)
        if (isMap(u) && u.get('hashFromEnv') === 'DEX_USER_PASSWORD') u.set('email', adminEmail);
  } else {
    doc.set('enablePasswordDB', false);
    doc.delete('staticPasswords');
  }
  if (login.provider !== undefined && login.provider.idp !== 'oidc-direct')
    doc.set('connectors', doc.createNode([dexConnector(login.provider, login, urls, withCa)]));
  return doc.toString({ lineWidth: 0 });
}

/** The files of the `login` kustomize Component beside the dex overlay. */
export function renderDexLoginComponent(
  upstreamConfigMap: string,
  login: LoginOptions,
  urls: LoginUrls,
  adminEmail: string,
  caPem?: string,
): Record<string, string> {
  // The connectors that reach the provider over TLS themselves and take a CA file.
  const withCa = caPem !== undefined && (login.provider?.idp === 'oidc' || login.provider?.idp === 'ldap');
  const upstream = parseDocument(upstreamConfigMap).toJS() as {
    metadata?: { name?: string };
    data?: Record<string, unknown>;
  } | null;
  const config = upstream?.data?.['config.yaml'];
  if (typeof config !== 'string') throw new UserError(`upstream's Dex ConfigMap patch has no data."config.yaml"`);
  const cm = new Document({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: upstream?.metadata?.name ?? 'dex', namespace: 'auth' },
    data: { 'config.yaml': renderDexConfig(config, login, urls, adminEmail, withCa) },
  });
  cm.commentBefore =
    " Upstream's Dex configuration with this install's login (issuer, connector, static user)," +
    '\n rendered by kubeflow-gitops when login settings are given; kept as it is otherwise and by upgrade.';
  const component: Record<string, unknown> = {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    patches: [
      { path: 'dex-config.yaml' },
      ...(login.provider !== undefined && login.provider.idp !== 'oidc-direct'
        ? [
            {
              target: { group: 'apps', kind: 'Deployment', name: 'dex' },
              patch:
                '- op: add\n  path: /spec/template/spec/containers/0/envFrom/-\n' +
                `  value: {secretRef: {name: ${DEX_IDP_SECRET}}}`,
            },
          ]
        : []),
      ...(withCa
        ? [
            {
              target: { group: 'apps', kind: 'Deployment', name: 'dex' },
              patch: caMountPatch('dex-idp-ca', DEX_CA_DIR),
            },
          ]
        : []),
    ],
    ...(withCa
      ? // No hash suffix: the volume a JSON patch adds names it, and kustomize renames only what it parses.
        { configMapGenerator: [{ name: 'dex-idp-ca', files: [IDP_CA_FILE], options: { disableNameSuffixHash: true } }] }
      : {}),
  };
  const k = new Document(component);
  k.commentBefore =
    ` Dex's login, generated by kubeflow-gitops. The connector's secret is read from the cluster Secret` +
    `\n auth/${DEX_IDP_SECRET}, which kubeflow-gitops creates; it is never in git.`;
  (k.contents as YAMLMap).commentBefore = undefined;
  return {
    'kustomization.yaml': k.toString({ lineWidth: 0 }),
    'dex-config.yaml': cm.toString({ lineWidth: 0 }),
    ...(withCa ? { [IDP_CA_FILE]: caPem } : {}),
  };
}
