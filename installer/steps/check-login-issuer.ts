/**
 * Preflight of the login: an OIDC provider's discovery document must be reachable over verified TLS
 * before anything is changed, so a wrong issuer, a typo or an untrusted certificate stops the run
 * with nothing changed instead of as a login page that never works.
 */
import type { LoginOptions } from '../inputs/login-options.js';
import { fetchDiscovery } from '../systems/oidc-discovery.js';
import type { Logger } from '../ui/logger.js';

export async function checkLoginIssuer(login: LoginOptions | undefined, log: Logger): Promise<void> {
  const p = login?.provider;
  if (p?.issuer === undefined) return;
  const d = await fetchDiscovery(p.issuer, { caFile: p.caFile });
  log.step(`identity provider ${d.issuer}: discovery document found, TLS verified`);
}
