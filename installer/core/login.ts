/**
 * What a login and exposure are, as every layer reads them: the names `--idp` and `--expose` accept,
 * and the options inputs/login-options.ts builds from the settings and plan/ renders into the fork.
 */
export const IDPS = ['oidc', 'github', 'google', 'microsoft', 'ldap', 'oidc-direct'] as const;
export type Idp = (typeof IDPS)[number];
export const EXPOSURES = ['port-forward', 'loadbalancer', 'nodeport', 'ingress'] as const;
export type Exposure = (typeof EXPOSURES)[number];

export type Tls =
  | { readonly kind: 'self-signed' }
  | { readonly kind: 'acme'; readonly email: string }
  | { readonly kind: 'secret'; readonly namespace: string; readonly name: string };

export interface LdapOptions {
  readonly host: string;
  readonly bindDn: string;
  readonly userBaseDn: string;
  readonly groupBaseDn?: string | undefined;
}

export interface IdpOptions {
  readonly idp: Idp;
  /** OIDC issuer (oidc, oidc-direct). */
  readonly issuer?: string | undefined;
  /** The client registered at the provider (every provider but ldap). */
  readonly clientId?: string | undefined;
  /** Entra ID tenant (microsoft). */
  readonly tenant?: string | undefined;
  readonly ldap?: LdapOptions | undefined;
  /** Where the client secret (or LDAP bind password) is read from: a file, else the environment. */
  readonly secretFile?: string | undefined;
  /** PEM bundle the issuer's TLS is verified with, besides the system's roots. */
  readonly caFile?: string | undefined;
}

export interface LoginOptions {
  readonly provider?: IdpOptions | undefined;
  /** Users whose email is in one of these domains may log in (empty: any). */
  readonly allowedDomains: readonly string[];
  /** Users in one of these groups (GitHub: organisations) may log in (empty: any). */
  readonly allowedGroups: readonly string[];
  /** Dex's static admin user stays beside the provider (always, without one). */
  readonly staticUser: boolean;
  /** The external URL, no trailing slash; undefined: reached through `open` on localhost. */
  readonly url?: string | undefined;
  readonly expose: Exposure;
  readonly tls?: Tls | undefined;
}
