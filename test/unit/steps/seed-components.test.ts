/**
 * The seeding executor without a cluster: its SeedOps boundary (discovery, list, get, apply,
 * create, access reviews) is given as a recorder over a few live objects.
 */
import { DEFAULT_TRACKING } from '../../../installer/core/argocd-documents.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applicationsInFile } from '../../../installer/steps/read-fork-files.js';
import { seedComponents, type SeedInput, type SeedOps } from '../../../installer/steps/seed-components.js';
import type { AccessNeed } from '../../../installer/plan/access-needed.js';
import { buildRootApplication } from '../../../installer/plan/render-application.js';
import type { ApplyOptions, KubeObject, ObjectRef, ResourceType } from '../../../installer/systems/kube.js';
import { silentLogger, type Logger } from '../../../installer/ui/logger.js';
import { projectRoot } from '../../support/fixtures.js';
import { openPolicy } from '../../support/argo-policy.js';

const app = (name: string): KubeObject => {
  const file = `kubeflow-apps/26.03/${name}.yaml`;
  const [a] = applicationsInFile(file, readFileSync(join(projectRoot, file), 'utf8'));
  return a as KubeObject;
};

const TYPES: ResourceType[] = [
  { apiVersion: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false, verbs: ['list'] },
  { apiVersion: 'apps/v1', kind: 'Deployment', resource: 'deployments', namespaced: true, verbs: ['list'] },
  { apiVersion: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts', namespaced: true, verbs: ['list'] },
];

interface Recorded {
  applied: { obj: KubeObject; opts: ApplyOptions }[];
  created: KubeObject[];
  reviews: (AccessNeed | { verb: string })[];
}

/** Live namespaces by name; every Deployment is available once applied. */
function recorder(o: { namespaces?: string[]; allowed?: (n: { verb: string; resource: string }) => boolean } = {}) {
  const rec: Recorded = { applied: [], created: [], reviews: [] };
  const namespaces = new Set(o.namespaces ?? []);
  const ops: SeedOps = {
    resourceTypes: () => Promise.resolve(TYPES),
    list: () => Promise.resolve([]),
    get: (ref: ObjectRef) => {
      if (ref.kind === 'Namespace')
        return Promise.resolve(namespaces.has(ref.name) ? { kind: 'Namespace' } : undefined);
      return Promise.resolve({
        kind: ref.kind,
        metadata: { generation: 1 },
        spec: { replicas: 1 },
        status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
      });
    },
    apply: (obj, opts) => {
      rec.applied.push({ obj, opts });
      return Promise.resolve(obj);
    },
    createIfAbsent: (obj) => {
      rec.created.push(obj);
      return Promise.resolve('created');
    },
    allowed: (n) => {
      rec.reviews.push(n);
      return Promise.resolve(o.allowed?.(n) ?? true);
    },
  };
  return { ops, rec };
}

const policy = openPolicy;

const deployment = (name: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name } });
const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

const input = (extra: Partial<SeedInput> = {}): SeedInput => ({
  applications: [app('cert-manager'), app('pipelines')],
  root: buildRootApplication({ repoURL: 'https://git.example.com/fork', targetRevision: 'main' }) as KubeObject,
  renders: [
    { component: 'cert-manager', objects: [namespace('cert-manager'), deployment('cert-manager')] },
    { component: 'pipelines', objects: [deployment('ml-pipeline')] },
  ],
  dependsOn: (n) => (n === 'pipelines' ? ['cert-manager'] : []),
  tracking: DEFAULT_TRACKING,
  policy: policy(),
  crdsReady: Promise.resolve(),
  ...extra,
});

const lines = (): { log: Logger; said: string[] } => {
  const said: string[] = [];
  return { said, log: { step: (m) => said.push(m), info: (m) => said.push(m), warn: (m) => said.push(m) } };
};

describe('seedComponents', () => {
  it('applies as Argo CD does, dependencies first, then each Application', async () => {
    const { ops, rec } = recorder({ namespaces: ['kubeflow'] });
    const r = await seedComponents(ops, input(), silentLogger, { sleep: () => Promise.resolve() });
    expect(r).toEqual({ seeded: ['cert-manager', 'pipelines'], left: [] });
    expect(rec.applied.map((a) => `${a.obj.kind}/${a.obj.metadata?.name ?? ''}`)).toEqual([
      'Namespace/cert-manager',
      'Deployment/cert-manager',
      // pipelines: CreateNamespace=true, and its namespace exists: Argo CD creates nothing.
      'Deployment/ml-pipeline',
    ]);
    expect(
      rec.applied.every((a) => a.opts.fieldManager === 'argocd-controller' && a.opts.fieldValidation === 'Strict'),
    ).toBe(true);
    expect(rec.created.map((c) => c.metadata?.name)).toEqual(['cert-manager', 'pipelines']);
    // A cluster admin is answered by one review.
    expect(rec.reviews).toEqual([{ verb: '*', group: '*', resource: '*', namespace: undefined }]);
  });

  it('creates a destination namespace only as CreateNamespace=true does', async () => {
    const { ops, rec } = recorder();
    await seedComponents(ops, input(), silentLogger, { sleep: () => Promise.resolve() });
    expect(rec.applied.map((a) => `${a.obj.kind}/${a.obj.metadata?.name ?? ''}`)).toContain('Namespace/kubeflow');
    expect(rec.applied.find((a) => a.obj.metadata?.name === 'kubeflow')?.obj.metadata?.labels).toBeUndefined();
  });

  it('applies nothing of a component whose namespace nothing creates', async () => {
    const { ops, rec } = recorder();
    const pipelines = app('pipelines') as KubeObject & { spec: { syncPolicy: object } };
    const noCreate = {
      ...pipelines,
      spec: { ...pipelines.spec, syncPolicy: { automated: {}, syncOptions: ['ServerSideApply=true'] } },
    };
    const { log, said } = lines();
    const r = await seedComponents(ops, input({ applications: [app('cert-manager'), noCreate] }), log, {
      sleep: () => Promise.resolve(),
    });
    expect(r.left).toEqual([
      { component: 'pipelines', reason: 'namespace kubeflow does not exist and nothing in the component creates it' },
    ]);
    expect(rec.applied.some((a) => a.obj.metadata?.name === 'ml-pipeline')).toBe(false);
    expect(said).toContain(
      "pipelines: left to Argo CD's sync (namespace kubeflow does not exist and nothing in the component creates it)",
    );
  });

  it('leaves a component the caller may not apply, naming the permission, and what needs it', async () => {
    const { ops, rec } = recorder({
      namespaces: ['kubeflow'],
      allowed: (n) => !(n.verb === '*' || (n.resource === 'deployments' && n.verb === 'patch')),
    });
    const r = await seedComponents(ops, input(), silentLogger, { sleep: () => Promise.resolve() });
    expect(r.seeded).toEqual([]);
    expect(r.left).toContainEqual({
      component: 'cert-manager',
      reason: 'you may not patch deployments.apps in cert-manager (SelfSubjectAccessReview)',
    });
    expect(r.left.find((l) => l.component === 'pipelines')?.reason).toMatch(/patch deployments\.apps in kubeflow/);
    expect(rec.applied).toEqual([]);
    expect(rec.created).toEqual([]);
  });

  it('applies nothing while a sync window keeps Argo CD from syncing the root, and says when it opens', async () => {
    const { ops, rec } = recorder({ namespaces: ['kubeflow'] });
    const closed = policy({
      projects: new Map([
        [
          'default',
          {
            spec: {
              sourceRepos: ['*'],
              destinations: [{ server: '*', namespace: '*' }],
              clusterResourceWhitelist: [{ group: '*', kind: '*' }],
              syncWindows: [{ kind: 'deny', schedule: '0 11 * * *', duration: '2h', applications: ['*'] }],
            },
          },
        ],
      ]),
    });
    const { log, said } = lines();
    const now = () => Date.parse('2026-12-05T12:00:00Z');
    const r = await seedComponents(ops, input({ policy: closed }), log, { now });
    expect(r.seeded).toEqual([]);
    expect(r.left.map((l) => l.window)).toEqual([
      { opensAt: Date.parse('2026-12-05T13:00:00Z') },
      { opensAt: Date.parse('2026-12-05T13:00:00Z') },
    ]);
    expect(rec.applied).toEqual([]);
    expect(rec.created).toEqual([]);
    expect(
      said.some((l) =>
        l.startsWith("cert-manager: not seeded, Argo CD's sync window is closed until 2026-12-05T13:00:00.000Z"),
      ),
    ).toBe(true);
  });

  it('applies without field validation for Validate=false', async () => {
    const { ops, rec } = recorder();
    const cm = app('cert-manager') as KubeObject & { spec: { syncPolicy: { syncOptions: string[] } } };
    const off = {
      ...cm,
      spec: {
        ...cm.spec,
        syncPolicy: { ...cm.spec.syncPolicy, syncOptions: [...cm.spec.syncPolicy.syncOptions, 'Validate=false'] },
      },
    };
    await seedComponents(ops, input({ applications: [off] }), silentLogger);
    expect(rec.applied.map((a) => a.opts.fieldValidation)).toEqual(['Ignore', 'Ignore']);
  });
});
