/**
 * oauth2-proxy's side of the login: upstream's oauth2_proxy.cfg for the release with the issuer, the
 * redirect URL, cookie domain and allowed users set from the login options, and in direct mode
 * (`--idp oidc-direct`) Dex's shortcuts removed so oauth2-proxy discovers the provider itself, over
 * verified TLS. The gateway's RequestAuthentication trusts the same issuer. Secrets stay in cluster
 * Secrets the Deployment references. Pure.
 */
import { Document } from 'yaml';
import type { LoginOptions } from '../core/login.js';
import type { LoginUrls } from './login-urls.js';

/** Direct mode's client credentials, created in the cluster by kubeflow-gitops. */
export const OAUTH2_PROXY_IDP_SECRET = 'oauth2-proxy-idp-credentials';
/** Upstream's oauth2-proxy config file, relative to the base of the component's overlay. */
export const OAUTH2_PROXY_CFG = 'oauth2_proxy.cfg';
/** The provider's CA bundle (--idp-ca-file), public data: a ConfigMap file mounted here. */
export const IDP_CA_FILE = 'idp-ca.pem';
const CA_DIR = '/etc/oauth2_proxy/idp-ca';

type TomlValue = string | boolean | readonly string[];

function toml(v: TomlValue): string {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return `[ ${v.map((s) => JSON.stringify(s)).join(', ')} ]`;
}

/** Sets `key = value` in place (single-line keys), or appends it; `undefined` removes the key. */
export function setCfg(cfg: string, values: Readonly<Record<string, TomlValue | undefined>>): string {
  let lines = cfg.replace(/\n*$/, '').split('\n');
  const added: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const re = new RegExp(`^\\s*${key}\\s*=`);
    const i = lines.findIndex((l) => re.test(l));
    if (value === undefined) {
      if (i >= 0) lines = lines.filter((_l, j) => j !== i);
    } else if (i >= 0) lines[i] = `${key} = ${toml(value)}`;
    else added.push(`${key} = ${toml(value)}`);
  }
  const tail = added.length > 0 ? ['', '# set by kubeflow-gitops from the login settings', ...added] : [];
  return `${[...lines, ...tail].join('\n')}\n`;
}

export function renderOauth2ProxyCfg(
  upstreamCfg: string,
  login: LoginOptions,
  urls: LoginUrls,
  withCa = false,
): string {
  const direct = login.provider?.idp === 'oidc-direct';
  const groups = login.allowedGroups;
  return setCfg(upstreamCfg, {
    oidc_issuer_url: urls.issuer,
    email_domains: login.allowedDomains.length > 0 ? login.allowedDomains : ['*'],
    allowed_groups: groups.length > 0 ? groups : undefined,
    ...(urls.given
      ? {
          redirect_url: urls.oauth2Callback,
          relative_redirect_url: false,
          cookie_domains: [urls.host],
          whitelist_domains: [urls.host],
        }
      : {}),
    ...(direct
      ? {
          // The provider's own endpoints, from its discovery document, instead of Dex in the cluster.
          skip_oidc_discovery: undefined,
          login_url: undefined,
          redeem_url: undefined,
          oidc_jwks_url: undefined,
          prompt: undefined,
          scope: `openid email profile${groups.length > 0 ? ' groups' : ''}`,
          provider_display_name: 'your organisation',
          // The provider's CA besides the system's roots; verification stays on.
          ...(withCa ? { provider_ca_files: [`${CA_DIR}/${IDP_CA_FILE}`], use_system_trust_store: true } : {}),
        }
      : {}),
  });
}

/** The files of the `login` kustomize Component beside the oauth2-proxy overlay. */
export function renderOauth2ProxyLoginComponent(
  upstreamCfg: string,
  login: LoginOptions,
  urls: LoginUrls,
  caPem?: string,
): Record<string, string> {
  const direct = login.provider?.idp === 'oidc-direct';
  const withCa = direct && caPem !== undefined;
  const jwt = [
    `- op: replace\n  path: /spec/jwtRules/0/issuer\n  value: ${urls.issuer}`,
    ...(urls.jwksUri !== undefined ? [`- op: add\n  path: /spec/jwtRules/0/jwksUri\n  value: ${urls.jwksUri}`] : []),
  ].join('\n');
  const component = new Document({
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    configMapGenerator: [
      { name: 'oauth2-proxy', behavior: 'replace', files: [OAUTH2_PROXY_CFG] },
      {
        name: 'oauth2-proxy-parameters',
        behavior: 'merge',
        literals: [
          `FORCE_HTTPS=${String(urls.secure)}`,
          // The provider's TLS is verified (upstream skips it for the in-cluster service-account issuer).
          ...(direct ? ['ALLOW_SELF_SIGNED_ISSUER=false'] : []),
        ],
      },
      ...(withCa
        ? // No hash suffix: the volume a JSON patch adds names it, and kustomize renames only what it parses.
          [{ name: 'oauth2-proxy-idp-ca', files: [IDP_CA_FILE], options: { disableNameSuffixHash: true } }]
        : []),
    ],
    patches: [
      {
        target: { group: 'security.istio.io', kind: 'RequestAuthentication', name: 'dex-jwt' },
        patch: jwt,
      },
      ...(direct ? [{ path: 'oauth2-proxy-client.yaml' }] : []),
      ...(withCa
        ? [
            {
              target: { group: 'apps', kind: 'Deployment', name: 'oauth2-proxy' },
              patch: caMountPatch('oauth2-proxy-idp-ca', CA_DIR),
            },
          ]
        : []),
    ],
  });
  component.commentBefore =
    ' The login as oauth2-proxy and the gateway see it, generated by kubeflow-gitops from the login' +
    '\n settings (one external URL drives the issuer, the redirect, the cookies and the trusted issuer).' +
    '\n Re-rendered when login settings are given; kept as it is otherwise and by upgrade.';
  const files: Record<string, string> = {
    'kustomization.yaml': component.toString({ lineWidth: 0 }),
    [OAUTH2_PROXY_CFG]: renderOauth2ProxyCfg(upstreamCfg, login, urls, withCa),
  };
  if (withCa) files[IDP_CA_FILE] = caPem;
  if (direct) {
    const secretRef = (key: string) => ({ valueFrom: { secretKeyRef: { name: OAUTH2_PROXY_IDP_SECRET, key } } });
    const d = new Document({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'oauth2-proxy' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'oauth2-proxy',
                env: [
                  { name: 'OAUTH2_PROXY_CLIENT_ID', ...secretRef('client-id') },
                  { name: 'OAUTH2_PROXY_CLIENT_SECRET', ...secretRef('client-secret') },
                ],
              },
            ],
          },
        },
      },
    });
    d.commentBefore = ` The provider's client, from the cluster Secret oauth2-proxy/${OAUTH2_PROXY_IDP_SECRET} (never in git).`;
    files['oauth2-proxy-client.yaml'] = d.toString({ lineWidth: 0 });
  }
  return files;
}

/** A JSON patch mounting a ConfigMap (the CA bundle) as a folder in the first container. */
export function caMountPatch(configMap: string, dir: string): string {
  return new Document([
    { op: 'add', path: '/spec/template/spec/volumes/-', value: { name: 'idp-ca', configMap: { name: configMap } } },
    {
      op: 'add',
      path: '/spec/template/spec/containers/0/volumeMounts/-',
      value: { name: 'idp-ca', mountPath: dir, readOnly: true },
    },
  ]).toString({ lineWidth: 0 });
}
