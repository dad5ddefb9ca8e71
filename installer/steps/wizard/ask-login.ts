/**
 * The login and exposure questions, asked when oauth2-proxy (the login path) is in the selection and
 * no login setting was given: the identity provider and its client, who may log in, the external URL,
 * how the gateway is reached and its certificate. Each answer is a setting with its flag and config
 * key (login-flags.ts); the client secret or bind password is typed masked and kept in memory only.
 */
import { IDP_CLIENT_SECRET_ENV, LDAP_BIND_PASSWORD_ENV, hasLoginSettings } from '../../inputs/login-options.js';
import type { MergedSettings } from '../../inputs/merge-settings.js';
import { EMAIL, type Settings } from '../../inputs/settings.js';
import type { Prompter } from '../../systems/prompter.js';
import type { WizardFacts, WizardSecrets } from './facts.js';

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const https = (v: string) => (/^https:\/\/[^/\s]+(\/\S*)?$/.test(v) ? true : 'an https:// URL');

export async function askLogin(
  given: MergedSettings,
  selection: { readonly withLogin: boolean },
  facts: WizardFacts,
  p: Prompter,
  secrets: WizardSecrets,
): Promise<Settings> {
  if (!selection.withLogin) return {};
  const g = given.values;
  if (hasLoginSettings(g)) {
    p.note(`✔ Login: ${g.idp ?? "Dex's static user"}${g.url !== undefined ? `, at ${g.url}` : ''} (as given)`);
    return {};
  }
  const out: Settings = {};
  const idp = await p.select<string>(
    'Login',
    [
      { value: 'static', short: "Dex's static user", name: "Dex's static admin user only (today's default)" },
      {
        value: 'oidc',
        short: 'OIDC through Dex',
        name: 'an OIDC provider through Dex (Keycloak, Okta, Auth0, Entra ID)',
      },
      {
        value: 'oidc-direct',
        short: 'OIDC direct',
        name: 'an OIDC provider used by oauth2-proxy directly, without Dex',
      },
      { value: 'github', short: 'GitHub', name: 'GitHub, through Dex' },
      { value: 'google', short: 'Google', name: 'Google, through Dex' },
      { value: 'microsoft', short: 'Microsoft', name: 'Microsoft, through Dex' },
      { value: 'ldap', short: 'LDAP', name: 'LDAP, through Dex' },
    ],
    'static',
  );
  if (idp !== 'static') {
    out.idp = idp;
    if (idp === 'oidc' || idp === 'oidc-direct')
      out.idpIssuer = await p.text('Issuer URL of the provider', { validate: https });
    if (idp === 'microsoft') out.idpTenant = await p.text('Entra ID tenant', { default: 'common' });
    if (idp === 'ldap') {
      out.ldapHost = await p.text('LDAP server (host:port, ldaps)');
      out.ldapBindDn = await p.text('Bind DN');
      out.ldapUserBaseDn = await p.text('Base DN of users');
      const groups = await p.text('Base DN of groups (empty: no groups)', { default: '' });
      if (groups !== '') out.ldapGroupBaseDn = groups;
    } else out.idpClientId = await p.text('Client ID registered at the provider');
    const variable = idp === 'ldap' ? LDAP_BIND_PASSWORD_ENV : IDP_CLIENT_SECRET_ENV;
    if (facts.env[variable]) p.note(`✔ ${idp === 'ldap' ? 'Bind password' : 'Client secret'}: from ${variable}`);
    else
      secrets.idpSecret = await p.secret(
        `${idp === 'ldap' ? 'Bind password' : 'Client secret'} (hidden, never stored)`,
      );
    const domains = await p.text('Allowed email domains, comma-separated (empty: any)', {
      default: '',
      validate: (v) => (list(v).every((d) => EMAIL.test(`x@${d}`)) ? true : 'domains like example.com'),
    });
    if (domains !== '') out.allowedEmailDomains = list(domains);
    const groups = await p.text(
      `Allowed ${idp === 'github' ? 'GitHub organisations' : 'groups'}, comma-separated (empty: any)`,
      { default: '' },
    );
    if (groups !== '') out.allowedGroups = list(groups);
    if (
      idp !== 'oidc-direct' &&
      !(await p.confirm("Keep Dex's static admin user as a way in besides the provider?", true))
    )
      out.noStaticUser = true;
  }
  const url = await p.text('External URL (empty: reach it with `kubeflow-gitops open`)', {
    default: '',
    validate: (v) => (v === '' || /^https?:\/\/[^/\s]+$/.test(v) ? true : 'http(s)://<host> with no path, or empty'),
  });
  if (url === '') return out;
  out.url = url;
  out.expose = await p.select<string>(
    'How is the gateway reached',
    [
      { value: 'loadbalancer', short: 'LoadBalancer', name: 'a LoadBalancer Service (a cloud load balancer)' },
      { value: 'nodeport', short: 'NodePort', name: 'a NodePort Service (your own load balancer in front)' },
      { value: 'ingress', short: 'Ingress', name: "an Ingress (the cluster's ingress controller)" },
      { value: 'port-forward', short: 'port-forward', name: 'kubeflow-gitops open (port-forward)' },
    ],
    'loadbalancer',
  );
  if (url.startsWith('https://') && out.expose !== 'port-forward') {
    const tls = await p.select<string>(
      'HTTPS certificate',
      [
        { value: 'self-signed', short: 'self-signed', name: 'self-signed, by cert-manager (browsers warn)' },
        { value: 'acme', short: "Let's Encrypt", name: "Let's Encrypt (ACME HTTP-01), by cert-manager" },
        { value: 'secret', short: 'my Secret', name: 'a TLS Secret I put in istio-system' },
      ],
      'self-signed',
    );
    if (tls === 'acme')
      out.tls = `acme:${await p.text("Email for Let's Encrypt", { validate: (v) => (EMAIL.test(v) ? true : 'an email address') })}`;
    else if (tls === 'secret')
      out.tls = `secret:istio-system/${await p.text('Name of the TLS Secret in istio-system')}`;
    else out.tls = tls;
  }
  return out;
}
