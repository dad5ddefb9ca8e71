/**
 * A Kubeflow 26.03 render (Pipelines, Notebooks, KServe and what they need: cert-manager, Istio CRDs,
 * namespaces, roles) server-side applied to the local apiserver: CRDs first until Established, then the
 * rest, admission webhook configurations last (no pod serves them; see README "Local cluster").
 */
import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturesMissing } from '../support/fixtures.js';
import { clusterUnavailable, ensureCluster, type ClusterEnv } from '../local-cluster/cluster.js';
import { gitAuthEnv } from '../local-cluster/git-push.js';
import { isCrd, loadKubeConfig, parseManifests, serverSideApply, waitCrdsEstablished, type Manifest } from '../local-cluster/kube.js';

const run = promisify(execFile);
const skip = fixturesMissing() ?? clusterUnavailable();
const FIELD_MANAGER = 'kubeflow-gitops-test';
const WEBHOOK_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

const COMPONENTS = [
  '../common/cert-manager/overlays/kubeflow',
  '../common/istio/istio-crds/base',
  '../common/istio/istio-namespace/base',
  '../common/kubeflow-namespace/base',
  '../common/kubeflow-roles/base',
  '../common/istio/kubeflow-istio-resources/base',
  '../applications/pipeline/overlays',
  '../applications/jupyter/jupyter-web-app/upstream/overlays/istio',
  '../applications/jupyter/notebook-controller/upstream/overlays/kubeflow',
  '../applications/kserve/kserve',
];

/** Renders the selection from a clone served by the local git server; remote bases resolve there too. */
async function render(env: ClusterEnv): Promise<Manifest[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kfg-kf-'));
  const gitEnv = gitAuthEnv(env.gitToken, { [`url.${env.gitUrl}/.insteadOf`]: 'https://github.com/' });
  await run('git', ['clone', '--quiet', '--branch', '26.03', `${env.gitUrl}/kubeflow/manifests`, dir], { env: gitEnv });
  mkdirSync(join(dir, 'local-test'));
  writeFileSync(join(dir, 'local-test', 'kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${COMPONENTS.map((c) => `- ${c}\n`).join('')}`);
  const { stdout } = await run('kubectl', ['kustomize', join(dir, 'local-test')], { env: gitEnv, maxBuffer: 256 << 20 });
  return parseManifests(stdout);
}

describe.skipIf(skip)('Kubeflow 26.03 on the local apiserver', () => {
  let env: ClusterEnv;
  let kc: KubeConfig;
  let objects: Manifest[];

  beforeAll(async () => {
    env = await ensureCluster();
    kc = loadKubeConfig(env.kubeconfig);
    objects = await render(env);
  });

  it('renders Pipelines, Notebooks and KServe with their remote bases from the local git server', () => {
    const names = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    for (const expected of ['Deployment/ml-pipeline', 'Deployment/workflow-controller', 'Deployment/notebook-controller-deployment',
      'Deployment/jupyter-web-app-deployment', 'Deployment/kserve-controller-manager', 'CustomResourceDefinition/inferenceservices.serving.kserve.io']) {
      expect(names).toContain(expected);
    }
  });

  it('server-side applies every object: CRDs Established first, webhooks last', async () => {
    const crds = objects.filter(isCrd);
    await serverSideApply(kc, crds, FIELD_MANAGER);
    await waitCrdsEstablished(kc, crds.map((c) => c.metadata.name), 300_000);
    await serverSideApply(kc, objects.filter((o) => o.kind === 'Namespace'), FIELD_MANAGER);
    const rest = objects.filter((o) => !isCrd(o) && o.kind !== 'Namespace');
    await serverSideApply(kc, rest.filter((o) => !WEBHOOK_KINDS.has(o.kind)), FIELD_MANAGER);
    await serverSideApply(kc, rest.filter((o) => WEBHOOK_KINDS.has(o.kind)), FIELD_MANAGER);
    console.log(`applied ${objects.length} objects (${crds.length} CRDs)`);
    expect(objects.length).toBeGreaterThan(200);
  });

  it('runs the workload objects through the real controllers and kwok to Available', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const wanted = [['kubeflow', 'ml-pipeline'], ['kubeflow', 'notebook-controller-deployment'], ['kubeflow', 'kserve-controller-manager']] as const;
    for (const [namespace, name] of wanted) {
      for (let i = 0; ; i++) {
        const d = await apps.readNamespacedDeployment({ name, namespace });
        if (d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True')) break;
        if (i > 120) throw new Error(`${namespace}/${name} not Available: ${JSON.stringify(d.status)}`);
        await sleep(1000);
      }
    }
  });
});
