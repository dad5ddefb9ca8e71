/**
 * 26.03 -> 26.03.1-rc.2 on the local cluster, with users' work in it. The smallest selection that
 * covers the data and every manual step of upstream's README: kserve (an InferenceService; the
 * llmisvc ClusterRoleBinding whose roleRef changes), notebook-controller (a Notebook and its PVC),
 * central-dashboard with profiles and admission-webhook (a Profile with its namespace; the profile
 * controller's selector changes; the old dashboard and webhook objects go), trainer (the JobSet
 * Deployment whose selector changes), cert-manager (the ClusterIssuer that moves to kubeflow-issuer).
 * The upgrade is killed right after its push and re-run. Afterwards: the same uids for the data,
 * each manual step done by the tool, every component Synced at the merge and Healthy, no hold left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, ObjectRef } from '../../installer/systems/kube.js';
import { trackedBy } from '../../installer/plan/install-applications.js';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startInstallHarness, type InstallHarness } from '../support/installer-harness.js';

const skip = clusterUnavailable() ?? fixturesMissing();

interface App extends KubeObject {
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string };
    resources?: { kind?: string; name?: string; status?: string }[];
  };
}
interface Workload extends KubeObject {
  spec?: { selector?: { matchLabels?: Record<string, string> } };
  roleRef?: { name?: string };
}
const OURS =
  '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubeflow-gitops';
const NS = 'team-a';

/** Users' work, as people create it (no profile controller runs here, so the namespace is made as it would make it). */
const profile: KubeObject = {
  apiVersion: 'kubeflow.org/v1',
  kind: 'Profile',
  metadata: { name: NS },
  spec: { owner: { kind: 'User', name: 'a@example.com' } },
};
const pvc: KubeObject = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'nb-workspace', namespace: NS },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
};
const notebook: KubeObject = {
  apiVersion: 'kubeflow.org/v1',
  kind: 'Notebook',
  metadata: { name: 'nb', namespace: NS },
  spec: {
    template: {
      spec: {
        containers: [{ name: 'nb', image: 'kubeflownotebookswg/jupyter-scipy:v1.10.0' }],
        volumes: [{ name: 'ws', persistentVolumeClaim: { claimName: 'nb-workspace' } }],
      },
    },
  },
};
const isvc: KubeObject = {
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'iris', namespace: NS },
  spec: { predictor: { sklearn: { storageUri: 'gs://kfserving-examples/models/sklearn/1.0/model' } } },
};
const refOf = (o: KubeObject): ObjectRef => ({
  apiVersion: o.apiVersion ?? '',
  kind: o.kind ?? '',
  namespace: o.metadata?.namespace,
  name: o.metadata?.name ?? '',
});
const crd = (name: string): ObjectRef => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  name,
});
const DATA_CRDS = ['profiles.kubeflow.org', 'notebooks.kubeflow.org', 'inferenceservices.serving.kserve.io'];
/** KServe 0.17 (26.03) ships it, 0.18 (26.03.1) does not: the upgrade keeps it instead of pruning it. */
const DROPPED_CRD = 'inferencemodels.inference.networking.x-k8s.io';
const ISSUER: ObjectRef = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'ClusterIssuer',
  name: 'kubeflow-self-signing-issuer',
};
const WEBHOOK_NP: ObjectRef = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  namespace: 'cert-manager',
  name: 'cert-manager-webhook',
};
const JOBSET: ObjectRef = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'kubeflow-system',
  name: 'jobset-controller-manager',
};
const PROFILES_DEPLOYMENT: ObjectRef = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'kubeflow',
  name: 'profiles-deployment',
};
const LLMISVC_BINDING: ObjectRef = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  name: 'llmisvc-manager-rolebinding',
};

describe.skipIf(skip)('upgrade 26.03 -> 26.03.1-rc.2 on the local cluster, with users’ data', () => {
  let h: InstallHarness;
  beforeAll(async () => {
    h = await startInstallHarness();
  });
  afterAll(async () => {
    // Users' data and the kept CRD go with the cluster's state.
    await h.cleanup();
  });

  const uidOf = async (r: ObjectRef): Promise<string | undefined> => (await h.kube.get(r))?.metadata?.uid;
  const common = () => [
    '--yes',
    '--fork',
    h.fork,
    '--mirror',
    `https://github.com/=${h.env.gitUrl}/`,
    '--timeout',
    '25m',
  ];

  it('keeps every uid of users’ data, does each manual step of upstream’s README, ends Synced at the merge and Healthy', async () => {
    const installed = await h.cli(
      h.installArgs({ components: 'kserve,trainer,central-dashboard,admission-webhook,notebook-controller' }),
    );
    expect(installed.code, await h.explain(installed)).toBe(0);

    // Users' work: a Profile and the namespace its controller would own, a PVC, a Notebook, an InferenceService.
    const p = await h.kube.create(profile);
    await h.kube.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: NS,
        ownerReferences: [
          {
            apiVersion: 'kubeflow.org/v1',
            kind: 'Profile',
            name: NS,
            uid: p.metadata?.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
    });
    for (const o of [pvc, notebook, isvc]) await h.kube.create(o);
    const data = [
      refOf(profile),
      { apiVersion: 'v1', kind: 'Namespace', name: NS },
      refOf(pvc),
      refOf(notebook),
      refOf(isvc),
      ...DATA_CRDS.map(crd),
      ISSUER,
      WEBHOOK_NP,
    ];
    const before = new Map<string, string | undefined>();
    for (const r of data) before.set(`${r.kind} ${r.name}`, await uidOf(r));
    for (const [what, uid] of before) expect(uid, what).toBeDefined();
    const droppedUid = await uidOf(crd(DROPPED_CRD));
    expect(droppedUid).toBeDefined();
    // What upstream's README deletes by hand is there with its old immutable fields.
    expect((await h.kube.get<Workload>(JOBSET))?.spec?.selector?.matchLabels).toEqual({
      'control-plane': 'controller-manager',
    });
    expect((await h.kube.get<Workload>(LLMISVC_BINDING))?.roleRef?.name).toBe('llmisvc-manager-role');
    expect(
      await h.kube.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'kubeflow',
        name: 'admission-webhook-deployment',
      }),
    ).toBeDefined();

    // Killed right after the push: the re-run finds the fork upgraded and finishes in the cluster.
    let killed = false;
    const r1 = await h.cli(['upgrade', ...common(), '--to', '26.03.1-rc.2'], {}, (line) =>
      !killed && /pushed [0-9a-f]{7} to/.test(line) ? ((killed = true), 'kill') : undefined,
    );
    expect(killed, r1.stderr.slice(-3000)).toBe(true);
    // Before the push: the manual steps and the hold on users' data, said in the run.
    expect(r1.stderr).toContain('Deployment kubeflow-system/jobset-controller-manager: Argo CD replaces it in trainer');
    expect(r1.stderr).toContain('ClusterRoleBinding llmisvc-manager-rolebinding: Argo CD replaces it in kserve');
    expect(r1.stderr).toContain('Deployment kubeflow/profiles-deployment: Argo CD replaces it in central-dashboard');
    expect(r1.stderr).toMatch(/old object\(s\) of admission-webhook go with their Application/);
    expect(r1.stderr).toContain('held for the Application that ships them now');
    expect(r1.stderr).toContain("holding users' data through the upgrade");
    const crdHeld = await h.kube.get(crd('profiles.kubeflow.org'));
    expect(crdHeld?.metadata?.annotations?.['argocd.argoproj.io/sync-options']).toContain('Delete=false');

    const r = await h.cli(['upgrade', ...common(), '--to', '26.03.1-rc.2']);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, await h.explain(r)).toBe(0);
    expect(r.stderr).toContain('nothing pushed');
    // The retired Applications never synced the new commit (frozen before the push) and were
    // finalized by Argo CD once the root pruned them, in this run (the first one stopped before).
    for (const app of ['profiles', 'admission-webhook'])
      expect(r.stderr).toContain(`the root pruned ${app}: Argo CD finishes its deletion now`);
    // The holds and one-time options came off after the components were ready: Argo CD compared again.
    expect(r.stderr).toContain('checking every component again after the upgrade steps');
    const merge = r.stdout.trim().split(' ')[2] ?? '';

    // Every component Synced at the merge and Healthy; the folded Applications are gone.
    const apps = (await h.kube.request<{ items: App[] }>('GET', OURS)).items.filter(
      (a) => a.metadata?.name !== 'kubeflow',
    );
    const names = apps.map((a) => a.metadata?.name ?? '');
    expect(names).toEqual(expect.arrayContaining(['central-dashboard', 'kubeflow-issuer', 'trainer', 'kserve']));
    expect(names).not.toContain('profiles');
    expect(names).not.toContain('admission-webhook');
    for (const a of apps)
      expect(
        `${a.metadata?.name ?? ''} ${a.status?.sync?.status ?? ''} ${a.status?.health?.status ?? ''} ${a.status?.sync?.revision ?? ''}`,
      ).toBe(`${a.metadata?.name ?? ''} Synced Healthy ${merge}`);

    // Users' data: the same objects, never deleted and re-created.
    for (const r2 of data) expect(await uidOf(r2), `${r2.kind} ${r2.name}`).toBe(before.get(`${r2.kind} ${r2.name}`));
    // A CRD users' data lives in that the new release drops: kept (same uid), no longer Argo CD's.
    const dropped = await h.kube.get(crd(DROPPED_CRD));
    expect(dropped?.metadata?.uid).toBe(droppedUid);
    expect(trackedBy(dropped ?? {})).toBeUndefined();
    expect(r.stderr).toContain(`kept CustomResourceDefinition ${DROPPED_CRD}`);
    // Handed over in place, now tracked by their new homes.
    expect(trackedBy((await h.kube.get(ISSUER)) ?? {})).toBe('kubeflow-issuer');
    expect(trackedBy((await h.kube.get(WEBHOOK_NP)) ?? {})).toBe('kubeflow-issuer');
    // Argo CD never writes its tracking id on a CRD (the repo-server skips them), so the handover of
    // a CRD shows in the Application that lists it, Synced.
    const dashboard = apps.find((a) => a.metadata?.name === 'central-dashboard');
    expect(
      dashboard?.status?.resources?.find(
        (o) => o.kind === 'CustomResourceDefinition' && o.name === 'profiles.kubeflow.org',
      )?.status,
    ).toBe('Synced');
    expect(trackedBy((await h.kube.get(crd('profiles.kubeflow.org'))) ?? {})).toBeUndefined();

    // Upstream's manual steps, done by the tool: the new immutable fields, the old objects gone.
    expect(Object.keys((await h.kube.get<Workload>(JOBSET))?.spec?.selector?.matchLabels ?? {})).toHaveLength(4);
    expect((await h.kube.get<Workload>(LLMISVC_BINDING))?.roleRef?.name).toBe('kserve-llmisvc-manager-role');
    const profiles = await h.kube.get<Workload>(PROFILES_DEPLOYMENT);
    expect(profiles?.spec?.selector?.matchLabels?.['app']).toBe('profile-controller');
    expect(trackedBy(profiles ?? {})).toBe('central-dashboard');
    for (const gone of [
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'kubeflow', name: 'admission-webhook-deployment' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'kubeflow', name: 'centraldashboard' },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kubeflow', name: 'namespace-labels-data-2k29b64d74' },
    ])
      expect(await h.kube.get(gone), `${gone.kind} ${gone.name}`).toBeUndefined();

    // No hold and no one-sync option is left, and their records are gone.
    for (const r2 of [...DATA_CRDS.map(crd), ISSUER, WEBHOOK_NP, JOBSET, LLMISVC_BINDING, PROFILES_DEPLOYMENT]) {
      const a = (await h.kube.get(r2))?.metadata?.annotations ?? {};
      expect(
        Object.keys(a).filter((k) => k.startsWith('kubeflow-gitops.io/')),
        r2.name,
      ).toEqual([]);
      expect(a['argocd.argoproj.io/sync-options'] ?? '', r2.name).not.toMatch(/Delete=false|Prune=false|Replace=true/);
    }
    for (const name of ['kubeflow-gitops-upgrade-holds', 'kubeflow-gitops-retired'])
      expect(await h.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'argocd', name })).toBeUndefined();
  });
});
