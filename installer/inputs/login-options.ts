/**
 * Login and exposure settings: who may log in (an identity provider through Dex, or one used directly
 * by oauth2-proxy), at which external URL, and how the gateway is reached and certified. One URL is
 * the single source every rendered piece derives from (Dex's issuer, oauth2-proxy's redirect and
 * cookies, Istio's RequestAuthentication, the web apps' secure cookies), so they cannot disagree.
 * Client secrets and bind passwords are never settings: they come from the environment or a file.
 */
import { UserError } from '../core/errors.js';
import type { Exposure, Idp, IdpOptions, LoginOptions, Tls } from '../core/login.js';
import { EMAIL, type Settings } from './settings.js';

export {
  EXPOSURES,
  IDPS,
  type Exposure,
  type Idp,
  type IdpOptions,
  type LdapOptions,
  type LoginOptions,
  type Tls,
} from '../core/login.js';

/** Secrets' variables: never settings, never in git, argv or logs. */
export const IDP_CLIENT_SECRET_ENV = 'KFG_IDP_CLIENT_SECRET';
export const LDAP_BIND_PASSWORD_ENV = 'KFG_LDAP_BIND_PASSWORD';

/** True when any login or exposure setting is given: only then is anything rendered for them. */
export function hasLoginSettings(s: Settings): boolean {
  return (
    s.idp !== undefined ||
    s.url !== undefined ||
    s.expose !== undefined ||
    s.tls !== undefined ||
    s.allowedEmailDomains !== undefined ||
    s.allowedGroups !== undefined ||
    s.noStaticUser !== undefined
  );
}

/** The login options from merged settings, or undefined when none is given (the fork keeps its own). */
export function loginOptionsFrom(s: Settings): LoginOptions | undefined {
  if (!hasLoginSettings(s)) return undefined;
  const problems: string[] = [];
  const need = (value: string | undefined, flag: string, why: string): string | undefined => {
    if (value === undefined) problems.push(`${flag} is required ${why}`);
    return value;
  };

  const url = s.url === undefined ? undefined : normaliseUrl(s.url, problems);
  const expose = (s.expose ?? 'port-forward') as Exposure;
  const tls = s.tls === undefined ? undefined : parseTls(s.tls, problems);
  if (tls !== undefined) {
    if (url === undefined || !url.startsWith('https://'))
      problems.push('--tls needs --url https://<host>: the certificate is issued for that host');
    if (expose === 'port-forward')
      problems.push(
        '--tls needs --expose loadbalancer, nodeport or ingress: port-forward reaches the gateway on localhost',
      );
  }
  if (expose !== 'port-forward' && url === undefined)
    problems.push(`--expose ${expose} needs --url: the host the gateway answers for`);

  let provider: IdpOptions | undefined;
  if (s.idp !== undefined) {
    const idp = s.idp as Idp;
    const why = `with --idp ${idp}`;
    const clientId = idp === 'ldap' ? undefined : need(s.idpClientId, '--idp-client-id', why);
    const issuer = idp === 'oidc' || idp === 'oidc-direct' ? need(s.idpIssuer, '--idp-issuer', why) : undefined;
    if (issuer !== undefined && !issuer.startsWith('https://'))
      problems.push(`--idp-issuer "${issuer}" must be an https:// URL: the login trusts it only over verified TLS`);
    const tenant = idp === 'microsoft' ? (s.idpTenant ?? 'common') : undefined;
    const ldap =
      idp === 'ldap'
        ? {
            host: need(s.ldapHost, '--ldap-host', why) ?? '',
            bindDn: need(s.ldapBindDn, '--ldap-bind-dn', why) ?? '',
            userBaseDn: need(s.ldapUserBaseDn, '--ldap-user-base-dn', why) ?? '',
            groupBaseDn: s.ldapGroupBaseDn,
          }
        : undefined;
    if (s.idpCaFile !== undefined && (idp === 'github' || idp === 'google' || idp === 'microsoft'))
      problems.push(
        `--idp-ca-file applies to --idp oidc, oidc-direct and ldap: Dex reaches ${idp} at its public endpoints, verified against the system's roots`,
      );
    if (s.adminEmail === undefined)
      problems.push(`--admin-email is required ${why}: the Kubeflow admin is the provider's user with that email`);
    provider = {
      idp,
      issuer,
      clientId,
      tenant,
      ldap,
      secretFile: idp === 'ldap' ? s.ldapBindPasswordFile : s.idpClientSecretFile,
      caFile: s.idpCaFile,
    };
  } else {
    for (const [value, flag] of [
      [s.idpIssuer, '--idp-issuer'],
      [s.idpClientId, '--idp-client-id'],
      [s.ldapHost, '--ldap-host'],
      [s.idpCaFile, '--idp-ca-file'],
    ] as const)
      if (value !== undefined) problems.push(`${flag} needs --idp: name the identity provider`);
    if (s.noStaticUser === true) problems.push('--no-static-user needs --idp: without a provider nobody could log in');
  }
  const allowedDomains = s.allowedEmailDomains ?? [];
  for (const d of allowedDomains)
    if (!/^(?:\*|[a-z0-9-]+(?:\.[a-z0-9-]+)+)$/i.test(d))
      problems.push(`--allowed-email-domains: "${d}" is not a domain like example.com`);
  if (problems.length > 0) throw new UserError(problems.join('\n'));
  return {
    provider,
    allowedDomains,
    allowedGroups: s.allowedGroups ?? [],
    staticUser: provider === undefined || s.noStaticUser !== true,
    url,
    expose,
    tls,
  };
}

function normaliseUrl(raw: string, problems: string[]): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    problems.push(`--url "${raw}" is not a URL like https://kubeflow.example.com`);
    return undefined;
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.pathname !== '/' || u.search || u.hash || u.username) {
    problems.push(`--url "${raw}" must be http(s)://<host>[:port] with no path: Kubeflow is served at the root`);
    return undefined;
  }
  return u.origin;
}

function parseTls(raw: string, problems: string[]): Tls | undefined {
  if (raw === 'self-signed') return { kind: 'self-signed' };
  const acme = /^acme:(.+)$/.exec(raw);
  if (acme?.[1] !== undefined) {
    if (!EMAIL.test(acme[1])) problems.push(`--tls acme:<email>: "${acme[1]}" is not an email address`);
    return { kind: 'acme', email: acme[1] };
  }
  const secret = /^secret:([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(raw);
  if (secret?.[1] !== undefined && secret[2] !== undefined) {
    // Istio's gateway reads credentialName only from its own namespace.
    if (secret[1] !== 'istio-system')
      problems.push(
        `--tls ${raw}: the Secret must be in istio-system, the namespace of the ingress gateway that serves it`,
      );
    return { kind: 'secret', namespace: secret[1], name: secret[2] };
  }
  problems.push(`--tls "${raw}" must be self-signed, acme:<email> or secret:<namespace>/<name>`);
  return undefined;
}

/** The provider's secret (client secret, or LDAP bind password): from its file, else its variable. */
export async function readIdpSecret(
  provider: IdpOptions,
  env: NodeJS.ProcessEnv,
  readText: (path: string) => Promise<string>,
): Promise<string> {
  const ldap = provider.idp === 'ldap';
  const flag = ldap ? '--ldap-bind-password-file' : '--idp-client-secret-file';
  const variable = ldap ? LDAP_BIND_PASSWORD_ENV : IDP_CLIENT_SECRET_ENV;
  let value: string | undefined;
  if (provider.secretFile !== undefined) {
    try {
      value = (await readText(provider.secretFile)).trim();
    } catch (err) {
      throw new UserError(
        `${flag} ${provider.secretFile}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  } else value = env[variable]?.trim();
  if (!value)
    throw new UserError(
      `--idp ${provider.idp} needs its ${ldap ? 'bind password' : 'client secret'}: export ${variable} or pass ${flag} <file>`,
    );
  return value;
}
