/**
 * No default credentials: the OIDC client secret shared by Dex and oauth2-proxy and the cookie secret
 * are created here with fresh random values, never in git. Create-only: an existing Secret (from an
 * earlier run, or rotated by the user) is never changed.
 */
import { randomBytes } from 'node:crypto';
import { ARGOCD_NAMESPACE, LABEL_MANAGED_BY, LABEL_SECRET_TYPE, TOOL } from '../core/constants.js';
import { clusterSecretsFor, type ForkPlan } from '../plan/build-fork-plan.js';
import type { Kube, KubeObject } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';
import type { ForkRemote } from './locate-fork.js';

const CLIENT_ID = 'kubeflow-oidc-authservice';
const labels = { [LABEL_MANAGED_BY]: TOOL };

interface Secret extends KubeObject {
  data?: Record<string, string>;
}

/** The components' secrets, then Argo CD's credential for the fork (when it is read with a token). */
export async function ensureCredentials(
  kube: Kube,
  selection: readonly string[],
  remote: ForkRemote,
  log: Logger,
): Promise<void> {
  const created = await ensureClusterSecrets(kube, clusterSecretsFor(selection));
  if (created.length > 0) log.step(`created secrets with fresh random values: ${created.join(', ')}`);
  await ensureRepoCredential(kube, remote);
}

/** Argo CD's repository Secret that lets the repo-server read `url` with an HTTPS token. */
export function repoCredentialSecret(url: string, token: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: `${TOOL}-repo`,
      namespace: ARGOCD_NAMESPACE,
      labels: { [LABEL_SECRET_TYPE]: 'repository', [LABEL_MANAGED_BY]: TOOL },
    },
    stringData: { type: 'git', url, username: 'x-access-token', password: token },
  };
}

/** Argo CD's credential for the fork; none without a token. */
async function ensureRepoCredential(kube: Kube, remote: ForkRemote): Promise<void> {
  const token = remote.auth.token;
  if (!token) return;
  await kube.apply(repoCredentialSecret(remote.repoURL, token.value));
}

export async function ensureClusterSecrets(kube: Kube, wanted: ForkPlan['clusterSecrets']): Promise<string[]> {
  if (wanted.length === 0) return [];
  const created: string[] = [];
  // Both sides must hold the same client secret: reuse whichever already exists.
  const dex = await kube.get<Secret>({ apiVersion: 'v1', kind: 'Secret', namespace: 'auth', name: 'dex-oidc-client' });
  const proxy = await kube.get<Secret>({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: 'oauth2-proxy',
    name: 'oauth2-proxy-credentials',
  });
  const existing = dex?.data?.OIDC_CLIENT_SECRET ?? proxy?.data?.['client-secret'];
  const clientSecret =
    existing !== undefined ? Buffer.from(existing, 'base64').toString() : randomBytes(24).toString('base64url');
  for (const s of wanted) {
    // The namespace is normally created by the component itself; creating it first lets the Secret
    // exist before the pods that need it. Argo CD adopts the namespace when it syncs the component.
    await kube.createIfAbsent({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: s.namespace, labels } });
    const stringData =
      s.name === 'dex-oidc-client'
        ? { OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: clientSecret }
        : { 'client-id': CLIENT_ID, 'client-secret': clientSecret, 'cookie-secret': randomBytes(16).toString('hex') };
    const r = await kube.createIfAbsent({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: s.name, namespace: s.namespace, labels },
      stringData,
    });
    if (r === 'created') created.push(`${s.namespace}/${s.name}`);
  }
  return created;
}
