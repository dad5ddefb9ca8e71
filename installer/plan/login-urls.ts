/**
 * Every address the login path uses, derived from the one external URL (or, without one, from what
 * upstream and `open` use), so Dex's issuer, oauth2-proxy's redirect and cookies, the
 * RequestAuthentication and the web apps' cookies can never disagree. Pure.
 */
import { OPEN_DEFAULT_PORT } from '../core/constants.js';
import type { LoginOptions } from '../core/login.js';

/** Dex as upstream configures it: the in-cluster address is its issuer. */
export const DEX_IN_CLUSTER = 'http://dex.auth.svc.cluster.local:5556/dex';

export interface LoginUrls {
  /** Where users open Kubeflow. */
  readonly external: string;
  readonly host: string;
  /** Whether browsers reach it over HTTPS: cookies are Secure exactly then. */
  readonly secure: boolean;
  /** Whether the URL was given (else `open`'s localhost address, and upstream's issuer stays). */
  readonly given: boolean;
  /** The issuer of the tokens the gateway trusts: Dex's, or the provider's in direct mode. */
  readonly issuer: string;
  /** Where Istio fetches the issuer's keys; undefined: from the issuer's discovery document. */
  readonly jwksUri?: string | undefined;
  /** Dex's issuer (and its callback for connectors). */
  readonly dexIssuer: string;
  readonly dexCallback: string;
  readonly oauth2Callback: string;
}

export function loginUrls(login: LoginOptions): LoginUrls {
  const given = login.url !== undefined;
  const external = login.url ?? `http://localhost:${String(OPEN_DEFAULT_PORT)}`;
  const u = new URL(external);
  const dexIssuer = given ? `${external}/dex` : DEX_IN_CLUSTER;
  const direct = login.provider?.idp === 'oidc-direct';
  return {
    external,
    host: u.hostname,
    secure: u.protocol === 'https:',
    given,
    issuer: direct ? (login.provider.issuer ?? '') : dexIssuer,
    // Dex at its external URL: the gateway fetches its keys in the cluster, not through itself.
    jwksUri: !direct && given ? `${DEX_IN_CLUSTER}/keys` : undefined,
    dexIssuer,
    dexCallback: `${external}/dex/callback`,
    oauth2Callback: `${external}/oauth2/callback`,
  };
}
