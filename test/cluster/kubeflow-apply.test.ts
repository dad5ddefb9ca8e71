/**
 * A Kubeflow 26.03 render (Pipelines, Notebooks, KServe and what they need: cert-manager, Istio CRDs,
 * namespaces, roles) server-side applied to the local apiserver: CRDs first until Established, then the
 * rest, admission webhook configurations last (no pod serves them; see README "Local cluster"). Then the
 * complete example/ the same way.
 */
import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesMissing } from '../support/fixtures.js';
import { clusterUnavailable, ensureCluster, type ClusterEnv } from '../local-cluster/cluster.js';
import { gitAuthEnv } from '../local-cluster/git-push.js';
import {
  deleteObjects,
  isCrd,
  loadKubeConfig,
  parseManifests,
  serverSideApply,
  waitCrdsEstablished,
  type Manifest,
} from '../../installer/systems/local-cluster/kube.js';

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

const JOBSET_RELEASES = 'https://github.com/kubernetes-sigs/jobset/releases/download/';

/**
 * Clones 26.03 from the local git server. Remote git bases resolve there through url.insteadOf; the
 * jobset release file is a plain HTTPS GET by kustomize's own client, which insteadOf does not cover,
 * so its URL is pointed at the same server's copy (the only edit to upstream files; trainer only).
 */
async function cloneManifests(env: ClusterEnv): Promise<{ dir: string; gitEnv: NodeJS.ProcessEnv }> {
  const dir = mkdtempSync(join(tmpdir(), 'kfg-kf-'));
  const gitEnv = gitAuthEnv(env.gitToken, { [`url.${env.gitUrl}/.insteadOf`]: 'https://github.com/' });
  await run('git', ['clone', '--quiet', '--branch', '26.03', `${env.gitUrl}/kubeflow/manifests`, dir], { env: gitEnv });
  const jobset = join(dir, 'applications', 'trainer', 'upstream', 'third-party', 'jobset', 'kustomization.yaml');
  writeFileSync(
    jobset,
    readFileSync(jobset, 'utf8').replaceAll(JOBSET_RELEASES, `${env.gitUrl}/kubernetes-sigs/jobset/releases/download/`),
  );
  mkdirSync(join(dir, 'local-test'));
  writeFileSync(
    join(dir, 'local-test', 'kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${COMPONENTS.map((c) => `- ${c}\n`).join('')}`,
  );
  return { dir, gitEnv };
}

async function render(dir: string, gitEnv: NodeJS.ProcessEnv): Promise<Manifest[]> {
  const { stdout } = await run('kubectl', ['kustomize', dir], { env: gitEnv, maxBuffer: 256 << 20 });
  return parseManifests(stdout);
}

/** CRDs until Established, then namespaces, then the rest, admission webhook configurations last. */
async function applyAll(kc: KubeConfig, objects: Manifest[]): Promise<void> {
  const crds = objects.filter(isCrd);
  await serverSideApply(kc, crds, FIELD_MANAGER);
  await waitCrdsEstablished(
    kc,
    crds.map((c) => c.metadata.name),
    300_000,
  );
  await serverSideApply(
    kc,
    objects.filter((o) => o.kind === 'Namespace'),
    FIELD_MANAGER,
  );
  const rest = objects.filter((o) => !isCrd(o) && o.kind !== 'Namespace');
  await serverSideApply(
    kc,
    rest.filter((o) => !WEBHOOK_KINDS.has(o.kind)),
    FIELD_MANAGER,
  );
  await serverSideApply(
    kc,
    rest.filter((o) => WEBHOOK_KINDS.has(o.kind)),
    FIELD_MANAGER,
  );
}

describe.skipIf(skip)('Kubeflow 26.03 on the local apiserver', () => {
  let env: ClusterEnv;
  let kc: KubeConfig;
  let objects: Manifest[];
  let clone: { dir: string; gitEnv: NodeJS.ProcessEnv };

  let full: Manifest[] = [];

  beforeAll(async () => {
    env = await ensureCluster();
    kc = loadKubeConfig(env.kubeconfig);
    clone = await cloneManifests(env);
    objects = await render(join(clone.dir, 'local-test'), clone.gitEnv);
    // A run that died before its cleanup leaves webhook configurations nobody serves; they would reject this apply.
    await deleteObjects(
      kc,
      objects.filter((o) => WEBHOOK_KINDS.has(o.kind)),
    );
  });

  // The cluster is shared with later tiers: Kubeflow's webhooks would reject their objects, so remove it all.
  afterAll(async () => {
    const applied = full.length > 0 ? full : objects;
    // deleteObjects goes in reverse order, so webhook configurations (applied last) are removed first.
    await deleteObjects(kc, [
      ...applied.filter((o) => !WEBHOOK_KINDS.has(o.kind)),
      ...applied.filter((o) => WEBHOOK_KINDS.has(o.kind)),
    ]);
  });

  it('renders Pipelines, Notebooks and KServe with their remote bases from the local git server', () => {
    const names = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    for (const expected of [
      'Deployment/ml-pipeline',
      'Deployment/workflow-controller',
      'Deployment/notebook-controller-deployment',
      'Deployment/jupyter-web-app-deployment',
      'Deployment/kserve-controller-manager',
      'CustomResourceDefinition/inferenceservices.serving.kserve.io',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('server-side applies every object: CRDs Established first, webhooks last', async () => {
    await applyAll(kc, objects);
    console.log(`applied ${objects.length} objects (${objects.filter(isCrd).length} CRDs)`);
    expect(objects.length).toBeGreaterThan(200);
  });

  it('runs the workload objects through the real controllers and kwok to Available', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const wanted = [
      ['kubeflow', 'ml-pipeline'],
      ['kubeflow', 'notebook-controller-deployment'],
      ['kubeflow', 'kserve-controller-manager'],
    ] as const;
    for (const [namespace, name] of wanted) {
      for (let i = 0; ; i++) {
        const d = await apps.readNamespacedDeployment({ name, namespace });
        if (d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True')) break;
        if (i > 120) throw new Error(`${namespace}/${name} not Available: ${JSON.stringify(d.status)}`);
        await sleep(1000);
      }
    }
  });

  it('applies the complete example/ of 26.03 (every component, trainer with jobset included)', async () => {
    full = await render(join(clone.dir, 'example'), clone.gitEnv);
    expect(full.length).toBeGreaterThan(600);
    // The selection's webhook configurations are live now; take them out so they go in last again.
    await deleteObjects(
      kc,
      full.filter((o) => WEBHOOK_KINDS.has(o.kind)),
    );
    await applyAll(kc, full);
    console.log(`applied the full example: ${full.length} objects (${full.filter(isCrd).length} CRDs)`);
  });
});
