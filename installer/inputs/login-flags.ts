/**
 * The login and exposure flags of fork, plan, install and apply (their settings are in settings.ts,
 * how they combine in login-options.ts). Secrets have file flags and variables, never a value flag.
 */
import { Option, type Command } from 'commander';
import { EXPOSURES, IDPS } from '../core/login.js';

const commaList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

export function withLoginOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--idp <provider>',
        'log in with this identity provider (oidc-direct: oauth2-proxy without Dex)',
      ).choices(IDPS),
    )
    .option('--idp-issuer <url>', 'OIDC issuer of the provider (oidc, oidc-direct); its TLS is verified')
    .option('--idp-client-id <id>', 'client ID registered at the provider')
    .option('--idp-client-secret-file <file>', 'file holding the client secret (default: KFG_IDP_CLIENT_SECRET)')
    .option(
      '--idp-ca-file <file>',
      "PEM bundle to verify the issuer's (LDAP: the directory's) TLS with, besides the system's roots",
    )
    .option('--idp-tenant <tenant>', 'Microsoft Entra ID tenant (default: common)')
    .option('--allowed-email-domains <list>', 'only users with an email in these domains may log in', commaList)
    .option('--allowed-groups <list>', 'only members of these groups (GitHub: organisations) may log in', commaList)
    .option('--no-static-user', "drop Dex's static admin user once a provider is configured")
    .option('--ldap-host <host:port>', 'LDAP server (ldaps)')
    .option('--ldap-bind-dn <dn>', 'DN Dex binds as to search users')
    .option('--ldap-bind-password-file <file>', 'file holding the bind password (default: KFG_LDAP_BIND_PASSWORD)')
    .option('--ldap-user-base-dn <dn>', 'where users are searched')
    .option('--ldap-group-base-dn <dn>', 'where groups are searched')
    .option('--url <url>', 'the external URL Kubeflow is served at, e.g. https://kubeflow.example.com')
    .addOption(
      new Option('--expose <how>', 'how the gateway is reached (default: port-forward through `open`)').choices(
        EXPOSURES,
      ),
    )
    .option('--tls <source>', 'HTTPS certificate: self-signed, acme:<email> or secret:istio-system/<name>');
}
