/** Argo CD Application helpers for cluster tests: apply one, and wait on its reported status. */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { serverSideApply, type Manifest } from '../../installer/systems/local-cluster/kube.js';

export interface AppStatus {
  sourceType?: string;
  sync?: { status?: string };
  health?: { status?: string; message?: string };
  operationState?: { phase?: string; message?: string };
  conditions?: { type: string; message: string }[];
  resources?: { kind: string; name: string; health?: { status?: string; message?: string } }[];
}

/** `retryLimit` bounds automated sync retries (Argo CD's default backoff makes a failure take minutes). */
export function application(
  name: string,
  repoURL: string,
  namespace: string,
  opts: { path?: string; retryLimit?: number } = {},
): Manifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL, targetRevision: 'main', path: opts.path ?? '.' },
      destination: { server: 'https://kubernetes.default.svc', namespace },
      syncPolicy: {
        automated: { prune: true },
        syncOptions: ['CreateNamespace=true'],
        ...(opts.retryLimit !== undefined
          ? { retry: { limit: opts.retryLimit, backoff: { duration: '1s', factor: 1, maxDuration: '1s' } } }
          : {}),
      },
    },
  };
}

export async function applyApplication(kc: KubeConfig, app: Manifest): Promise<void> {
  await serverSideApply(kc, [app], 'kubeflow-gitops-test');
}

export async function readAppStatus(kc: KubeConfig, name: string): Promise<AppStatus> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const app = (await api.getNamespacedCustomObject({
    group: 'argoproj.io',
    version: 'v1alpha1',
    namespace: 'argocd',
    plural: 'applications',
    name,
  })) as {
    status?: AppStatus;
  };
  return app.status ?? {};
}

/** Polls until `done(status)`; on timeout throws with the last status, which says what Argo CD saw. */
export async function waitForApp(
  kc: KubeConfig,
  name: string,
  done: (s: AppStatus) => boolean,
  timeoutMs = 300_000,
): Promise<AppStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: AppStatus = {};
  while (Date.now() < deadline) {
    last = await readAppStatus(kc, name);
    if (done(last)) return last;
    await sleep(2000);
  }
  throw new Error(
    `Application ${name} did not reach the expected state; last status: ${JSON.stringify(last, null, 2)}`,
  );
}
