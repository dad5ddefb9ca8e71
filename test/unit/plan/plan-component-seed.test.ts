import { DEFAULT_TRACKING } from '../../../installer/core/argocd-documents.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applicationsInFile } from '../../../installer/steps/read-fork-files.js';
import {
  asArgoCdApplies,
  asRootCreates,
  crdsAheadRefusal,
  judgeRootSync,
  mayApplyOver,
  planComponentSeed,
  type SeedContext,
} from '../../../installer/plan/plan-component-seed.js';
import { workloadAvailable } from '../../../installer/plan/workload-available.js';
import type { KubeObject } from '../../../installer/systems/kube.js';
import { openPolicy } from '../../support/argo-policy.js';
import { projectRoot } from '../../support/fixtures.js';

const app = (name: string): KubeObject => {
  const file = `kubeflow-apps/26.03/${name}.yaml`;
  const [a] = applicationsInFile(file, readFileSync(join(projectRoot, file), 'utf8'));
  return a as KubeObject;
};

const ctx: SeedContext = {
  rootName: 'kubeflow',
  tracking: DEFAULT_TRACKING,
  namespaced: (apiVersion, kind) =>
    ({ Namespace: false, ClusterRole: false, Deployment: true, Service: true, Job: true, Certificate: true })[kind],
  // Certificate comes with a CRD ahead: not served yet.
  served: (apiVersion, kind) => kind !== 'Certificate',
  // The project Argo CD starts with: everything allowed.
  policy: openPolicy(),
  now: Date.parse('2026-12-05T12:00:00Z'),
};

const deployment = (annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'cert-manager', annotations },
});
const clusterRole: KubeObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'cert-manager-cainjector', namespace: 'stray' },
};
const certificate: KubeObject = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'webhook', namespace: 'kubeflow' },
};
const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cert-manager' } };

describe('planComponentSeed', () => {
  it('seeds objects as Argo CD v3.5.1 applies them: ids taken from a live install', () => {
    const d = planComponentSeed(
      app('cert-manager'),
      { component: 'cert-manager', objects: [deployment(), clusterRole, certificate, namespace] },
      ctx,
    );
    if (d.kind !== 'seed') throw new Error(d.reason);
    // Namespaces first; custom resources apart, for after their CRDs are Established.
    expect(d.seed.objects.map((o) => o.kind)).toEqual(['Namespace', 'Deployment', 'ClusterRole']);
    expect(d.seed.custom.map((o) => o.metadata?.name)).toEqual(['webhook']);
    // cert-manager ships its namespace and has no CreateNamespace=true: nothing else is created.
    expect(d.seed.namespace).toBeUndefined();
    expect(d.seed.needsNamespaces).toEqual(['kubeflow']);
    const [, deploy, role] = d.seed.objects;
    expect(deploy?.metadata?.namespace).toBe('cert-manager');
    expect(deploy?.metadata?.annotations?.['argocd.argoproj.io/tracking-id']).toBe(
      'cert-manager:apps/Deployment:cert-manager/cert-manager',
    );
    // Cluster-scoped: no namespace, and the id names the destination's (as on the live ClusterRole).
    expect(role?.metadata?.namespace).toBeUndefined();
    expect(role?.metadata?.annotations?.['argocd.argoproj.io/tracking-id']).toBe(
      'cert-manager:rbac.authorization.k8s.io/ClusterRole:cert-manager/cert-manager-cainjector',
    );
    // Kinds a CRD ahead brings are tracked with the scope its CRD gives.
    expect(d.seed.custom[0]?.metadata?.annotations?.['argocd.argoproj.io/tracking-id']).toBe(
      'cert-manager:cert-manager.io/Certificate:kubeflow/webhook',
    );
    const unknown = planComponentSeed(
      app('cert-manager'),
      { component: 'cert-manager', objects: [certificate] },
      { ...ctx, namespaced: () => undefined },
    );
    expect(unknown).toMatchObject({ reason: 'no CRD defines the kind of Certificate kubeflow/webhook' });
    expect(d.seed.workloads).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cert-manager', namespace: 'cert-manager' },
    ]);
  });

  it('leaves to Argo CD what a plain apply would not reproduce', () => {
    const render = (o: KubeObject) => ({ component: 'cert-manager', objects: [o] });
    const reason = (o: KubeObject, a = app('cert-manager')) => {
      const d = planComponentSeed(a, render(o), ctx);
      return d.kind === 'skip' ? d.reason : 'seeded';
    };
    expect(reason(deployment({ 'argocd.argoproj.io/hook': 'PreSync' }))).toMatch(/sync hook/);
    expect(reason(deployment({ 'helm.sh/hook': 'pre-install' }))).toMatch(/sync hook/);
    expect(reason(deployment({ 'argocd.argoproj.io/sync-wave': '1' }))).toMatch(/own sync wave/);
    const a = app('cert-manager') as KubeObject & { spec: { source: object; syncPolicy: { syncOptions: string[] } } };
    expect(reason(deployment(), { ...a, spec: { ...a.spec, source: { ...a.spec.source, kustomize: {} } } })).toMatch(
      /source\.kustomize/,
    );
    const clientSide = { ...a.spec.syncPolicy, syncOptions: ['CreateNamespace=true'] };
    expect(reason(deployment(), { ...a, spec: { ...a.spec, syncPolicy: clientSide } })).toMatch(/server-side/);
    const byLabel = planComponentSeed(a, render(deployment()), {
      ...ctx,
      tracking: { ...ctx.tracking, method: 'label' },
    });
    expect(byLabel).toMatchObject({ kind: 'skip', reason: 'Argo CD tracks resources by label' });
  });
});

describe('asArgoCdApplies', () => {
  it('adds the installation id and, for annotation+label, the instance label', () => {
    const o = asArgoCdApplies(deployment(), {
      app: 'a',
      destNamespace: 'ns',
      namespaced: true,
      tracking: { method: 'annotation+label', labelKey: 'app.kubernetes.io/instance', installationID: 'one' },
    });
    expect(o.metadata?.annotations).toMatchObject({ 'argocd.argoproj.io/installation-id': 'one' });
    expect(o.metadata?.labels).toEqual({ 'app.kubernetes.io/instance': 'a' });
  });
});

describe('asRootCreates', () => {
  it("carries the root's tracking id and kubectl's last-applied annotation, so later edits in the fork apply", () => {
    const child = asRootCreates(app('kserve'), ctx);
    const annotations = child.metadata?.annotations ?? {};
    expect(annotations['argocd.argoproj.io/tracking-id']).toBe('kubeflow:argoproj.io/Application:argocd/kserve');
    const last = annotations['kubectl.kubernetes.io/last-applied-configuration'] ?? '';
    // As on a child the root created on the live cluster: sorted compact JSON ending in a newline.
    expect(
      last.startsWith('{"apiVersion":"argoproj.io/v1alpha1","kind":"Application","metadata":{"annotations":'),
    ).toBe(true);
    expect(last.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(last) as KubeObject;
    const { 'kubectl.kubernetes.io/last-applied-configuration': _, ...rest } = annotations;
    expect(parsed).toEqual({ ...child, metadata: { ...child.metadata, annotations: rest } });
  });
});

describe('mayApplyOver', () => {
  const seeded = asArgoCdApplies(namespace, {
    app: 'a',
    destNamespace: 'x',
    namespaced: false,
    tracking: DEFAULT_TRACKING,
  });
  it('takes over only what an earlier run seeded or the installer created', () => {
    expect(mayApplyOver(seeded, seeded)).toBe(true);
    expect(mayApplyOver({ ...namespace, metadata: { name: 'cert-manager' } }, seeded)).toBe(false);
    const ours = {
      ...namespace,
      metadata: { name: 'cert-manager', labels: { 'app.kubernetes.io/managed-by': 'kubeflow-gitops' } },
    };
    expect(mayApplyOver(ours, seeded)).toBe(true);
    const other = { metadata: { annotations: { 'argocd.argoproj.io/tracking-id': 'b:/Namespace:x/cert-manager' } } };
    expect(mayApplyOver({ ...namespace, ...other }, seeded)).toBe(false);
  });
});

describe('workloadAvailable', () => {
  const d = (spec: object, status: object, generation = 1) =>
    ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation }, spec, status }) as KubeObject;
  it('is rolled out and available, as kubectl rollout status says', () => {
    expect(workloadAvailable(undefined)).toBe(false);
    expect(workloadAvailable(d({ replicas: 1 }, {}))).toBe(false);
    expect(
      workloadAvailable(
        d({ replicas: 1 }, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }),
      ),
    ).toBe(true);
    expect(
      workloadAvailable(d({}, { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 1 })),
    ).toBe(false);
    expect(
      workloadAvailable(
        d({ replicas: 1 }, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, 2),
      ),
    ).toBe(false);
    const ds = {
      kind: 'DaemonSet',
      metadata: { generation: 1 },
      status: { observedGeneration: 1, desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1 },
    };
    expect(workloadAvailable(ds as KubeObject)).toBe(true);
  });
});

describe('planComponentSeed: namespaces, validation and policy as Argo CD has them', () => {
  const withPolicy = (a: KubeObject, syncPolicy: object): KubeObject => ({
    ...a,
    spec: { ...(a.spec as object), syncPolicy },
  });
  const base = app('pipelines') as KubeObject & { spec: { syncPolicy: { syncOptions: string[] } } };

  it('creates the destination namespace only with CreateNamespace=true, with managedNamespaceMetadata', () => {
    const render = { component: 'pipelines', objects: [{ ...deployment(), metadata: { name: 'ml-pipeline' } }] };
    const d = planComponentSeed(base, render, ctx);
    if (d.kind !== 'seed') throw new Error(d.reason);
    expect(base.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
    expect(d.seed.namespace).toEqual({
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } },
      evenIfPresent: false,
    });
    const managed = withPolicy(base, {
      ...base.spec.syncPolicy,
      managedNamespaceMetadata: { labels: { team: 'ml' }, annotations: { owner: 'x' } },
    });
    const m = planComponentSeed(managed, render, ctx);
    if (m.kind !== 'seed') throw new Error(m.reason);
    expect(m.seed.namespace).toEqual({
      object: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'kubeflow',
          labels: { team: 'ml' },
          annotations: { owner: 'x', 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' },
        },
      },
      evenIfPresent: true,
    });
    const without = withPolicy(base, { ...base.spec.syncPolicy, syncOptions: ['ServerSideApply=true'] });
    const w = planComponentSeed(without, render, ctx);
    if (w.kind !== 'seed') throw new Error(w.reason);
    expect(w.seed.namespace).toBeUndefined();
    expect(w.seed.needsNamespaces).toEqual(['kubeflow']);
  });

  it('applies without field validation where the Application says Validate=false', () => {
    const render = { component: 'pipelines', objects: [deployment()] };
    const off = withPolicy(base, { ...base.spec.syncPolicy, syncOptions: ['ServerSideApply=true', 'Validate=false'] });
    expect(planComponentSeed(off, render, ctx)).toMatchObject({ kind: 'seed', seed: { validate: false } });
    expect(planComponentSeed(base, render, ctx)).toMatchObject({ kind: 'seed', seed: { validate: true } });
  });

  it('leaves to Argo CD what it would not sync now, a closed window with when it opens', () => {
    const render = { component: 'cert-manager', objects: [deployment()] };
    const windows = {
      ...ctx.policy,
      projects: new Map([
        [
          'default',
          {
            spec: {
              sourceRepos: ['*'],
              destinations: [{ server: '*', namespace: '*' }],
              syncWindows: [{ kind: 'deny', schedule: '0 11 * * *', duration: '2h', applications: ['*'] }],
            },
          },
        ],
      ]),
    };
    expect(planComponentSeed(app('cert-manager'), render, { ...ctx, policy: windows })).toMatchObject({
      kind: 'skip',
      window: { opensAt: Date.parse('2026-12-05T13:00:00Z') },
    });
    const root = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'kubeflow', namespace: 'argocd' },
    };
    const rootApp = {
      ...root,
      spec: {
        project: 'default',
        source: { repoURL: 'x' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
        syncPolicy: { automated: {} },
      },
    };
    expect(judgeRootSync(rootApp, [app('cert-manager')], { ...ctx, policy: windows }).kind).toBe('window');
    expect(judgeRootSync(rootApp, [app('cert-manager')], ctx).kind).toBe('allowed');
  });
});

describe('crdsAheadRefusal', () => {
  const root = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'kubeflow', namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example.com/fork' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      syncPolicy: { automated: {} },
    },
  };
  const project = (spec: object) => ({
    ...ctx.policy,
    projects: new Map([
      ['default', { spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], ...spec } }],
    ]),
  });

  it('lets the CRDs of a component go ahead only where Argo CD would apply them now', () => {
    const all = project({ clusterResourceWhitelist: [{ group: '*', kind: '*' }] });
    expect(
      crdsAheadRefusal(all, root, [app('cert-manager')], ctx.now)('cert-manager', ['certificates.cert-manager.io']),
    ).toBeUndefined();
    // A project that permits no CustomResourceDefinition: Argo CD would not apply them.
    const none = project({ clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }] });
    expect(
      crdsAheadRefusal(none, root, [app('cert-manager')], ctx.now)('cert-manager', ['certificates.cert-manager.io']),
    ).toMatch(/does not permit CustomResourceDefinition certificates\.cert-manager\.io/);
    // A closed window on the root holds every component's CRDs.
    const closed = project({
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      syncWindows: [{ kind: 'deny', schedule: '0 11 * * *', duration: '2h', applications: ['kubeflow'] }],
    });
    expect(crdsAheadRefusal(closed, root, [app('cert-manager')], ctx.now)('cert-manager', ['x'])).toMatch(
      /^Argo CD would not sync the root Application now: sync window/,
    );
  });
});
