/**
 * Real Argo CD (application-controller + repo-server) syncing from the local git server into the local
 * control plane: a healthy app, and one whose manifest the apiserver rejects. It needs no fixtures (its
 * repositories are forks it pushes), and neither does the cluster: it runs with them hidden too.
 */
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyApplication, application, waitForApp, type AppStatus } from '../local-cluster/argo-app.js';
import { clusterUnavailable, ensureCluster, type ClusterEnv } from '../local-cluster/cluster.js';
import { pushFiles } from '../local-cluster/git-push.js';
import { deleteObjects, loadKubeConfig, serverSideApply } from '../../installer/systems/local-cluster/kube.js';

const skip = clusterUnavailable();
// The cluster outlives test runs; unique names keep a re-run independent of the last one.
const run = Date.now().toString(36);
const HEALTHY = `demo-healthy-${run}`;
const BROKEN = `demo-broken-${run}`;
const NO_CREDS = `demo-no-creds-${run}`;

const deployment = (containers: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
${containers}
`;
const HEALTHY_REPO = {
  'deployment.yaml': deployment(`      containers:
      - name: web
        image: registry.k8s.io/pause:3.10
        volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: web-data}}]`),
  'service.yaml':
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n',
  // A kustomization makes Argo CD render with the kustomize binary on the repo-server's PATH.
  'kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [deployment.yaml, service.yaml, pvc.yaml]\n',
  'pvc.yaml':
    'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: web-data}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n',
};

describe.skipIf(skip)('Argo CD on the local cluster', () => {
  let env: ClusterEnv;
  let kc: KubeConfig;

  beforeAll(async () => {
    env = await ensureCluster();
    kc = loadKubeConfig(env.kubeconfig);
  });

  // Leave the shared cluster as found: Applications, their repo secrets, then the namespaces they synced to.
  afterAll(async () => {
    const names = [HEALTHY, BROKEN, NO_CREDS];
    await deleteObjects(kc, [
      ...names.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } })),
      ...names.map((n) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `repo-${n}`, namespace: 'argocd' } })),
      ...names.map((n) => application(n, '', n)),
    ]);
  });

  it('syncs a Deployment + Service + PVC from a private fork to Synced + Healthy', async () => {
    const url = env.createForkRepo(HEALTHY);
    await pushFiles(url, env.gitToken, HEALTHY_REPO);
    await serverSideApply(kc, [env.repositorySecret(url, `repo-${HEALTHY}`)], 'kubeflow-gitops-test');
    await applyApplication(kc, application(HEALTHY, url, HEALTHY));

    const status = await waitForApp(kc, HEALTHY, (s) => s.sync?.status === 'Synced' && s.health?.status === 'Healthy');
    expect(status.operationState?.phase).toBe('Succeeded');
    expect(status.sourceType).toBe('Kustomize');
    // controller.resource.health.persist: per-resource health is stored in the Application.
    expect(status.resources?.find((r) => r.kind === 'Deployment')?.health?.status).toBe('Healthy');
    const dep = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'web', namespace: HEALTHY });
    expect(dep.status?.availableReplicas).toBe(2);
    const pvc = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedPersistentVolumeClaim({ name: 'web-data', namespace: HEALTHY });
    expect(pvc.status?.phase).toBe('Bound');
  });

  it('reports the apiserver rejection of a broken manifest as a sync failure', async () => {
    const url = env.createForkRepo(BROKEN);
    // A Deployment without containers passes YAML parsing and Argo CD's diff, and only the apiserver's
    // validation rejects it: the failure must surface from the real server.
    await pushFiles(url, env.gitToken, { ...HEALTHY_REPO, 'deployment.yaml': deployment('      containers: []') });
    await serverSideApply(kc, [env.repositorySecret(url, `repo-${BROKEN}`)], 'kubeflow-gitops-test');
    await applyApplication(kc, application(BROKEN, url, BROKEN, { retryLimit: 1 }));

    // Argo CD writes the failed operation first and the SyncError condition on its next refresh of the
    // app (auto-sync's "already attempted" check), so wait for both rather than racing the second write.
    const failed = (s: AppStatus) =>
      (s.operationState?.phase === 'Failed' || s.operationState?.phase === 'Error') &&
      (s.conditions ?? []).some((c) => c.type === 'SyncError');
    const status = await waitForApp(kc, BROKEN, failed);
    expect(status.sync?.status).toBe('OutOfSync');
    expect(status.operationState?.message).toMatch(
      // v3.5 words it "one or more synchronization tasks completed unsuccessfully"; earlier lines
      // "one or more objects failed to apply".
      /one or more (objects failed to apply|synchronization tasks completed unsuccessfully), reason: Deployment\.apps "web" is invalid: spec\.template\.spec\.containers: Required value/,
    );
    expect(status.conditions?.find((c) => c.type === 'SyncError')?.message).toContain(
      'spec.template.spec.containers: Required value',
    );
  });

  it('cannot read a fork without the repository secret (forks need the token)', async () => {
    const url = env.createForkRepo(NO_CREDS);
    await pushFiles(url, env.gitToken, HEALTHY_REPO);
    await applyApplication(kc, application(NO_CREDS, url, NO_CREDS));
    const status = await waitForApp(kc, NO_CREDS, (s) =>
      (s.conditions ?? []).some((c) => c.type === 'ComparisonError'),
    );
    expect(status.conditions?.map((c) => c.message).join('\n')).toMatch(
      /authentication required|could not read Username|401/i,
    );
  });
});
