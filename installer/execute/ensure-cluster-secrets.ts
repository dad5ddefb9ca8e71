/**
 * No default credentials: the OIDC client secret shared by Dex and oauth2-proxy and the cookie secret
 * are created here with fresh random values, never in git. Create-only: an existing Secret (from an
 * earlier run, or rotated by the user) is never changed.
 */
import { randomBytes } from 'node:crypto';
import { LABEL_MANAGED_BY, TOOL } from '../constants.js';
import type { ForkPlan } from '../plan/build-fork-plan.js';
import type { Kube, KubeObject } from '../systems/kube.js';

const CLIENT_ID = 'kubeflow-oidc-authservice';
const labels = { [LABEL_MANAGED_BY]: TOOL };

interface Secret extends KubeObject {
  data?: Record<string, string>;
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
