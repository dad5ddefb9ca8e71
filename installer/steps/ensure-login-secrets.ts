/**
 * The provider's client secret (or LDAP bind password) reaches the cluster only as a Secret the
 * rendered Dex or oauth2-proxy configuration references by name: read from its file or variable
 * before the run's first side effect (a missing one stops the run with nothing changed), applied
 * with the rest of the credentials, never in git, argv or logs. Applied, not create-only: rotating
 * the secret is re-running with the new one.
 */
import { readFile } from 'node:fs/promises';
import { LABEL_MANAGED_BY, TOOL } from '../core/constants.js';
import { readIdpSecret, type LoginOptions } from '../inputs/login-options.js';
import { DEX_BIND_PASSWORD_VAR, DEX_CLIENT_SECRET_VAR, DEX_IDP_SECRET } from '../plan/render-dex-login.js';
import { OAUTH2_PROXY_IDP_SECRET } from '../plan/render-oauth2-proxy-login.js';
import type { Kube } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';

export interface LoginSecret {
  readonly namespace: string;
  readonly name: string;
  readonly stringData: Readonly<Record<string, string>>;
}

/** The Secrets the login needs, with their values; none without a provider. */
export async function loginSecretsFor(
  login: LoginOptions | undefined,
  env: NodeJS.ProcessEnv,
  readText: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'),
): Promise<LoginSecret[]> {
  const p = login?.provider;
  if (p === undefined) return [];
  const value = await readIdpSecret(p, env, readText);
  if (p.idp === 'oidc-direct')
    return [
      {
        namespace: 'oauth2-proxy',
        name: OAUTH2_PROXY_IDP_SECRET,
        stringData: { 'client-id': p.clientId ?? '', 'client-secret': value },
      },
    ];
  return [
    {
      namespace: 'auth',
      name: DEX_IDP_SECRET,
      stringData: { [p.idp === 'ldap' ? DEX_BIND_PASSWORD_VAR : DEX_CLIENT_SECRET_VAR]: value },
    },
  ];
}

export async function ensureLoginSecrets(kube: Kube, secrets: readonly LoginSecret[], log: Logger): Promise<void> {
  const labels = { [LABEL_MANAGED_BY]: TOOL };
  for (const s of secrets) {
    await kube.createIfAbsent({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: s.namespace, labels } });
    await kube.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: s.name, namespace: s.namespace, labels },
      stringData: s.stringData,
    });
  }
  if (secrets.length > 0)
    log.step(`stored the identity provider's secret in ${secrets.map((s) => `${s.namespace}/${s.name}`).join(', ')}`);
}
