import { describe, expect, it } from 'vitest';
import { parseInstallRecord, type InstallRecord } from '../../../installer/plan/parse-install-record.js';
import {
  buildUninstallPlan,
  existedBefore,
  keepOnDeletePatch,
  keepsOnDelete,
  renderUninstallPlan,
  restoreSyncOptionsPatch,
  selectLeftovers,
  withDeleteFalse,
} from '../../../installer/plan/build-uninstall-plan.js';
import { isInstallApplication, trackedBy } from '../../../installer/plan/install-applications.js';
import type { KubeObject } from '../../../installer/systems/kube.js';

const app = (name: string, wave: number): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {
    name,
    namespace: 'argocd',
    annotations: { 'argocd.argoproj.io/sync-wave': String(wave) },
    labels: { 'app.kubernetes.io/managed-by': 'kubeflow-gitops' },
  },
});
const record: InstallRecord = {
  namespacesBefore: ['default', 'kube-system', 'argocd', 'team-a'],
  crdsBefore: ['applications.argoproj.io', 'certificates.cert-manager.io'],
  argocd: 'installed',
  configuredArgocd: false,
  createdAt: '2026-11-22T00:00:00Z',
  recordedAt: '2026-11-22T00:00:01Z',
};
const apps = [
  app('kubeflow', 0),
  app('cert-manager', 10),
  app('kubeflow-namespace', 0),
  app('pipelines', 61),
  app('notebook-controller', 60),
  app('jupyter-web-app', 61),
];

describe('buildUninstallPlan', () => {
  it('detaches the root and deletes children highest wave first, names sorted inside a wave', () => {
    const plan = buildUninstallPlan({ apps, foreignApps: [], record, keepArgocd: false });
    expect(plan.root).toBe('kubeflow');
    expect(plan.waves).toEqual([
      { wave: 61, apps: ['jupyter-web-app', 'pipelines'] },
      { wave: 60, apps: ['notebook-controller'] },
      { wave: 10, apps: ['cert-manager'] },
      { wave: 0, apps: ['kubeflow-namespace'] },
    ]);
    expect(plan.appNames).not.toContain('kubeflow');
    expect(plan.removeArgocd).toBe(true);
  });

  it("takes the Applications a team added to the fork's kubeflow-apps/ (tracked by the root), first when they name no wave", () => {
    const added = (name: string, annotations: Record<string, string> = {}): KubeObject => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name,
        namespace: 'argocd',
        annotations: {
          'argocd.argoproj.io/tracking-id': `kubeflow:argoproj.io/Application:argocd/${name}`,
          ...annotations,
        },
      },
    });
    const elsewhere: KubeObject = {
      ...added('other-team'),
      metadata: { ...added('other-team').metadata, namespace: 'team-a' },
    };
    const byOtherRoot: KubeObject = {
      ...added('x'),
      metadata: {
        name: 'x',
        namespace: 'argocd',
        annotations: { 'argocd.argoproj.io/tracking-id': 'platform:argoproj.io/Application:argocd/x' },
      },
    };
    expect(
      [added('team-quota'), elsewhere, byOtherRoot, app('pipelines', 61)].map((a) => isInstallApplication(a)),
    ).toEqual([true, false, false, true]);

    const plan = buildUninstallPlan({
      apps: [...apps, added('team-quota'), added('team-models', { 'argocd.argoproj.io/sync-wave': '70' })],
      foreignApps: [],
      record,
      keepArgocd: false,
    });
    expect(plan.waves.slice(0, 2)).toEqual([
      { wave: 71, apps: ['team-quota'] },
      { wave: 70, apps: ['team-models'] },
    ]);
    expect(plan.added).toEqual(['team-models', 'team-quota']);
    expect(renderUninstallPlan(plan, { context: 'c', server: 's' })).toContain(
      "team-models, team-quota: added to the fork's kubeflow-apps/ by you",
    );
  });

  it('keeps Argo CD that was adopted, asked to be kept, or that also runs other Applications', () => {
    expect(
      buildUninstallPlan({ apps, foreignApps: [], record: { ...record, argocd: 'adopted' }, keepArgocd: false })
        .argocdKept,
    ).toMatch(/there before/);
    expect(buildUninstallPlan({ apps, foreignApps: [], record, keepArgocd: true }).argocdKept).toBe('--keep-argocd');
    const shared = buildUninstallPlan({ apps, foreignApps: ['argocd/team-app'], record, keepArgocd: false });
    expect(shared.removeArgocd).toBe(false);
    expect(shared.argocdKept).toContain('argocd/team-app');
  });

  it('reverts the adopted Argo CD config only when it was changed by us', () => {
    expect(
      buildUninstallPlan({
        apps,
        foreignApps: [],
        record: { ...record, argocd: 'adopted', configuredArgocd: true },
        keepArgocd: false,
      }).revertArgocdConfig,
    ).toBe(true);
    expect(
      buildUninstallPlan({ apps, foreignApps: [], record: { ...record, argocd: 'adopted' }, keepArgocd: false })
        .revertArgocdConfig,
    ).toBe(false);
  });

  it('without an install record deletes no namespace by itself and keeps Argo CD', () => {
    const plan = buildUninstallPlan({ apps, foreignApps: [], record: undefined, keepArgocd: false });
    expect(plan.namespacesBefore).toEqual(['*']);
    expect(plan.removeArgocd).toBe(false);
    expect(plan.notes.join()).toMatch(/no install record/);
    expect(renderUninstallPlan(plan, { context: 'kind-kf', server: 'https://127.0.0.1:6443' })).toMatch(
      /wave {2}61: jupyter-web-app, pipelines[\s\S]*keep Argo CD/,
    );
  });
});

describe('managed leftovers', () => {
  const withResources = (a: KubeObject, resources: object[]): KubeObject => ({ ...a, status: { resources } });
  it('lists what the components managed, CRDs last, without CRDs that existed before or the Applications themselves', () => {
    const plan = buildUninstallPlan({
      apps: [
        withResources(app('cert-manager', 10), [
          {
            group: 'apiextensions.k8s.io',
            version: 'v1',
            kind: 'CustomResourceDefinition',
            name: 'certificates.cert-manager.io',
          },
          {
            group: 'apiextensions.k8s.io',
            version: 'v1',
            kind: 'CustomResourceDefinition',
            namespace: 'cert-manager',
            name: 'issuers.cert-manager.io',
          },
          { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'cert-manager', name: 'cert-manager' },
        ]),
        withResources(app('kubeflow-roles', 20), [
          { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', name: 'kubeflow-view' },
          {
            group: 'apiextensions.k8s.io',
            version: 'v1',
            kind: 'CustomResourceDefinition',
            name: 'issuers.cert-manager.io',
          },
        ]),
        withResources(app('kubeflow', 0), [
          { group: 'argoproj.io', version: 'v1alpha1', kind: 'Application', namespace: 'argocd', name: 'cert-manager' },
        ]),
      ],
      foreignApps: [],
      record,
      keepArgocd: false,
    });
    expect(plan.managed.map((m) => `${m.kind}/${m.name}`)).toEqual([
      'Deployment/cert-manager',
      'ClusterRole/kubeflow-view',
      'CustomResourceDefinition/issuers.cert-manager.io',
    ]);
    expect(
      buildUninstallPlan({
        apps: [
          withResources(app('x', 1), [
            { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', name: 'a.b' },
          ]),
        ],
        foreignApps: [],
        record: undefined,
        keepArgocd: false,
      }).managed,
    ).toEqual([]);
  });
});

describe('selectLeftovers', () => {
  const tracked = (kind: string, name: string, appName: string, namespace?: string): KubeObject => ({
    kind,
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      annotations: { 'argocd.argoproj.io/tracking-id': `${appName}:/${kind}:${namespace ?? ''}/${name}` },
    },
  });
  const plan = buildUninstallPlan({ apps, foreignApps: [], record, keepArgocd: false });

  it('takes what our Applications track or we labelled, never a namespace that existed before', () => {
    const objects: KubeObject[] = [
      tracked('Namespace', 'kubeflow', 'kubeflow-namespace'),
      tracked('Namespace', 'team-a', 'kubeflow-namespace'),
      tracked('CustomResourceDefinition', 'notebooks.kubeflow.org', 'notebook-controller'),
      tracked('ClusterRole', 'someone-elses', 'their-app'),
      tracked('ClusterRole', 'other-namespace-app', 'team_pipelines'),
      { kind: 'Namespace', metadata: { name: 'auth', labels: { 'app.kubernetes.io/managed-by': 'kubeflow-gitops' } } },
      { kind: 'Namespace', metadata: { name: 'created-later-by-a-person' } },
      {
        kind: 'ClusterRole',
        metadata: { name: 'helm-instance', labels: { 'app.kubernetes.io/instance': 'pipelines' } },
      },
    ];
    expect(selectLeftovers(objects, plan).map((o) => `${o.kind ?? ''}/${o.metadata?.name ?? ''}`)).toEqual([
      'Namespace/kubeflow',
      'CustomResourceDefinition/notebooks.kubeflow.org',
      'Namespace/auth',
    ]);
  });

  it('never takes an object kept for existing before the install, or one annotated Delete=false', () => {
    const kept = tracked('ClusterRole', 'cert-manager-view', 'cert-manager');
    kept.metadata = {
      ...kept.metadata,
      annotations: { ...kept.metadata?.annotations, 'kubeflow-gitops.io/kept-on-uninstall': '' },
    };
    const theirs = tracked('PersistentVolumeClaim', 'data', 'pipelines', 'kubeflow');
    theirs.metadata = {
      ...theirs.metadata,
      annotations: { ...theirs.metadata?.annotations, 'argocd.argoproj.io/sync-options': 'Prune=false, Delete=false' },
    };
    expect(
      selectLeftovers([kept, theirs, tracked('ClusterRole', 'ours', 'cert-manager')], plan).map(
        (o) => o.metadata?.name,
      ),
    ).toEqual(['ours']);
  });

  it('takes what a seeded component tracks even when a stopped run never created its Application', () => {
    const seeded = buildUninstallPlan({
      apps: [],
      foreignApps: ['argocd/katib'],
      record: { ...record, seeded: ['pipelines', 'katib'] },
      keepArgocd: false,
    });
    const objects = [tracked('ClusterRole', 'ml-pipeline', 'pipelines'), tracked('ClusterRole', 'katib', 'katib')];
    expect(selectLeftovers(objects, seeded).map((o) => o.metadata?.name)).toEqual(['ml-pipeline']);
  });

  it('deletes the CRDs created ahead, once each, never one that existed before', () => {
    const withCrds = buildUninstallPlan({
      apps,
      foreignApps: [],
      record: { ...record, crdsCreated: ['notebooks.kubeflow.org', 'certificates.cert-manager.io', 'x.example.com'] },
      keepArgocd: false,
    });
    const crds = withCrds.managed.filter((m) => m.kind === 'CustomResourceDefinition').map((m) => m.name);
    expect(crds.filter((n) => n === 'x.example.com')).toHaveLength(1);
    expect(crds).not.toContain('certificates.cert-manager.io');
  });

  it('reads tracking ids as Argo CD writes them', () => {
    expect(trackedBy(tracked('Deployment', 'ml-pipeline', 'pipelines', 'kubeflow'))).toBe('pipelines');
    expect(trackedBy({ kind: 'Deployment', metadata: { name: 'x' } })).toBeUndefined();
  });
});

describe('parseInstallRecord', () => {
  it('reads what ensureInstallRecord writes, and treats an unreadable namespace list as "keep every namespace"', () => {
    expect(
      parseInstallRecord({
        data: { namespacesBefore: '["default"]', argocd: 'installed', configuredArgocd: 'false', createdAt: 't' },
      }),
    ).toEqual({
      namespacesBefore: ['default'],
      crdsBefore: ['*'],
      argocd: 'installed',
      configuredArgocd: false,
      createdAt: 't',
      recordedAt: 't',
    });
    expect(
      parseInstallRecord({ data: { namespacesBefore: '[not json', argocd: 'installed' } })?.namespacesBefore,
    ).toEqual(['*']);
    expect(parseInstallRecord({ data: { argocd: 'something' } })?.argocd).toBe('adopted');
    expect(parseInstallRecord(undefined)).toBeUndefined();
    expect(parseInstallRecord({ data: { seeded: '["kserve"]' } })?.seeded).toEqual(['kserve']);
    expect(parseInstallRecord({ data: { seeded: '[oops' } })?.seeded).toEqual([]);
  });
});

describe('what existed before the install', () => {
  const at = (kind: string, name: string, creationTimestamp?: string): KubeObject => ({
    kind,
    metadata: { name, ...(creationTimestamp ? { creationTimestamp } : {}) },
  });

  it('is an object created before the record was, or a namespace the record lists', () => {
    expect(existedBefore(at('ClusterRole', 'old', '2026-11-21T23:59:59Z'), record)).toBe(true);
    expect(existedBefore(at('ClusterRole', 'same-second', '2026-11-22T00:00:01Z'), record)).toBe(false);
    expect(existedBefore(at('ClusterRole', 'new', '2026-11-22T00:05:00Z'), record)).toBe(false);
    expect(existedBefore(at('Namespace', 'team-a', '2026-11-23T00:00:00Z'), record)).toBe(true);
    expect(existedBefore(at('ConfigMap', 'no-timestamp'), record)).toBe(false);
    // Without a record nothing is known: nothing is kept beyond what Argo CD itself keeps.
    expect(existedBefore(at('ClusterRole', 'old', '2020-01-01T00:00:00Z'), undefined)).toBe(false);
  });

  it('gets Delete=false added to the sync options it has, once', () => {
    expect(withDeleteFalse(undefined)).toBe('Delete=false');
    expect(withDeleteFalse('Prune=false')).toBe('Prune=false,Delete=false');
    expect(withDeleteFalse(' Prune=false , Delete=true')).toBe('Prune=false,Delete=false');
    expect(
      keepsOnDelete({
        metadata: { annotations: { 'argocd.argoproj.io/sync-options': withDeleteFalse('ServerSideApply=true') } },
      }),
    ).toBe(true);
    expect(keepsOnDelete({ metadata: { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' } } })).toBe(
      false,
    );
  });

  it('keeps what sync-options held under a marker and gives exactly that back', () => {
    const SO = 'argocd.argoproj.io/sync-options';
    expect(keepOnDeletePatch({}, 'm')).toEqual({ [SO]: 'Delete=false', m: '' });
    expect(keepOnDeletePatch({ [SO]: 'Prune=false' }, 'm')).toEqual({
      [SO]: 'Prune=false,Delete=false',
      m: 'Prune=false',
    });
    expect(restoreSyncOptionsPatch({ [SO]: 'Delete=false', m: '' }, 'm')).toEqual({ [SO]: null, m: null });
    expect(restoreSyncOptionsPatch({ [SO]: 'Prune=false,Delete=false', m: 'Prune=false' }, 'm')).toEqual({
      [SO]: 'Prune=false',
      m: null,
    });
  });
});
