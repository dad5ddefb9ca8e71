/**
 * One test per rule that keeps a component from being seeded, each on documents as the API server
 * returns them: the AppProject `default` as Argo CD creates it, `argocd-cm` with the exclusions an
 * Argo CD v3.5.1 install ships, and the cert-manager Application of the fork.
 */
import type { AppProject, ArgoPolicy } from '../../../installer/core/argocd-documents.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applicationsInFile } from '../../../installer/steps/read-fork-files.js';
import {
  judgeAutoSync,
  normalizeGitUrl,
  type PolicyApplication,
  type PolicyObject,
} from '../../../installer/plan/argocd-policy.js';
import { projectRoot } from '../../support/fixtures.js';

const application = (): PolicyApplication & { spec: Record<string, unknown> } => {
  const file = 'kubeflow-apps/26.03/cert-manager.yaml';
  const [a] = applicationsInFile(file, readFileSync(join(projectRoot, file), 'utf8'));
  return a as unknown as PolicyApplication & { spec: Record<string, unknown> };
};

const DEFAULT_PROJECT = `
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: { name: default, namespace: argocd }
spec:
  sourceRepos: ['*']
  destinations: [{ server: '*', namespace: '*' }]
  clusterResourceWhitelist: [{ group: '*', kind: '*' }]
`;
const defaultProject = (spec: Record<string, unknown> = {}): AppProject => {
  const p = parse(DEFAULT_PROJECT) as { spec: object };
  return { ...p, spec: { ...p.spec, ...spec } };
};

const SHIPPED_EXCLUSIONS = `
- apiGroups: ['', discovery.k8s.io]
  kinds: [Endpoints, EndpointSlice]
- apiGroups: [coordination.k8s.io]
  kinds: [Lease]
- apiGroups: [certificates.k8s.io]
  kinds: [CertificateSigningRequest]
- apiGroups: [cert-manager.io]
  kinds: [CertificateRequest]
`;

const policy = (o: { project?: AppProject; cm?: Record<string, string> } = {}): ArgoPolicy => ({
  projects: new Map([['default', o.project ?? defaultProject()]]),
  cm: { 'resource.exclusions': SHIPPED_EXCLUSIONS, ...(o.cm ?? {}) },
  clusters: [],
  controllerNamespace: 'argocd',
});

const deployment: PolicyObject = {
  group: 'apps',
  kind: 'Deployment',
  name: 'cert-manager',
  namespace: 'cert-manager',
  namespaced: true,
};
const clusterRole: PolicyObject = {
  group: 'rbac.authorization.k8s.io',
  kind: 'ClusterRole',
  name: 'cm',
  namespaced: false,
};
const NOW = Date.parse('2026-12-05T23:00:00Z');

const judge = (p: ArgoPolicy, objects: PolicyObject[] = [deployment, clusterRole], app = application()) =>
  judgeAutoSync(app, objects, p, NOW);

describe('judgeAutoSync: what Argo CD syncs itself', () => {
  it('allows the fork as it is on the project Argo CD starts with', () => {
    expect(judge(policy())).toEqual({ kind: 'allowed' });
  });

  it('refuses while a deny window is active, with when it opens', () => {
    const project = defaultProject({
      syncWindows: [{ kind: 'deny', schedule: '0 22 * * *', duration: '2h', applications: ['*'] }],
    });
    expect(judge(policy({ project }))).toEqual({
      kind: 'window',
      reason: 'sync window of AppProject default: deny window "0 22 * * *" for 2h is active',
      opensAt: Date.parse('2026-12-06T00:00:00Z'),
    });
  });

  it('refuses when allow windows exist and none is active', () => {
    const project = defaultProject({
      syncWindows: [{ kind: 'allow', schedule: '0 9 * * *', duration: '1h', namespaces: ['cert-*'] }],
    });
    expect(judge(policy({ project }))).toMatchObject({ kind: 'window', opensAt: Date.parse('2026-12-06T09:00:00Z') });
  });

  it('refuses a destination namespace the project denies (a ! entry) or does not list', () => {
    const denied = defaultProject({
      destinations: [
        { server: '*', namespace: '!cert-manager' },
        { server: '*', namespace: '*' },
      ],
    });
    expect(judge(policy({ project: denied }))).toMatchObject({
      kind: 'refused',
      reason: 'AppProject default does not permit the destination namespace cert-manager',
    });
    const listed = defaultProject({
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'kubeflow' }],
    });
    expect(judge(policy({ project: listed })).kind).toBe('refused');
    const byName = defaultProject({ destinations: [{ name: 'in-cluster', namespace: 'cert-*' }] });
    expect(judge(policy({ project: byName }))).toEqual({ kind: 'allowed' });
  });

  it('refuses a cluster-scoped kind outside clusterResourceWhitelist, or on its blacklist', () => {
    const noClusterKinds = defaultProject({ clusterResourceWhitelist: [] });
    expect(judge(policy({ project: noClusterKinds }))).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('does not permit ClusterRole cm (group "rbac.authorization.k8s.io")') as string,
    });
    const blacklisted = defaultProject({ clusterResourceBlacklist: [{ group: 'rbac.*', kind: 'Cluster*' }] });
    expect(judge(policy({ project: blacklisted })).kind).toBe('refused');
  });

  it('refuses a namespaced kind outside namespaceResourceWhitelist, or on its blacklist', () => {
    expect(judge(policy({ project: defaultProject({ namespaceResourceWhitelist: [] }) })).kind).toBe('refused');
    const onlyServices = defaultProject({ namespaceResourceWhitelist: [{ group: '', kind: 'Service' }] });
    expect(judge(policy({ project: onlyServices })).kind).toBe('refused');
    const noDeployments = defaultProject({ namespaceResourceBlacklist: [{ group: 'apps', kind: 'Deployment' }] });
    expect(judge(policy({ project: noDeployments })).kind).toBe('refused');
  });

  it('refuses an object argocd-cm resource.exclusions covers, by group and kind', () => {
    const endpoints: PolicyObject = {
      group: '',
      kind: 'Endpoints',
      name: 'e',
      namespace: 'cert-manager',
      namespaced: true,
    };
    expect(judge(policy(), [endpoints])).toMatchObject({
      kind: 'refused',
      reason: 'Endpoints cert-manager/e (group "") is excluded by argocd-cm resource.exclusions or resource.inclusions',
    });
    // Same kind, another group: not excluded.
    const other: PolicyObject = { ...endpoints, group: 'example.com' };
    expect(judge(policy(), [other])).toEqual({ kind: 'allowed' });
    // Argo CD's core exclusions hold even when argocd-cm has no resource.exclusions.
    const lease: PolicyObject = {
      group: 'coordination.k8s.io',
      kind: 'Lease',
      name: 'l',
      namespace: 'x',
      namespaced: true,
    };
    expect(judge({ ...policy(), cm: {} }, [lease]).kind).toBe('refused');
    expect(judge({ ...policy(), cm: {} }, [endpoints])).toEqual({ kind: 'allowed' });
  });

  it('refuses what resource.inclusions leaves out', () => {
    const cm = {
      'resource.inclusions': "- apiGroups: ['']\n  kinds: ['*']\n  clusters: ['https://kubernetes.default.svc']",
    };
    expect(judge(policy({ cm }), [clusterRole])).toMatchObject({ kind: 'refused' });
  });

  it('refuses an Application whose automated sync is off', () => {
    const app = application();
    const off = { ...app, spec: { ...app.spec, syncPolicy: { automated: { enabled: false } } } };
    expect(judge(policy(), [deployment], off)).toEqual({
      kind: 'refused',
      reason: 'its Application sets syncPolicy.automated.enabled: false',
    });
    const manual = { ...app, spec: { ...app.spec, syncPolicy: {} } };
    expect(judge(policy(), [deployment], manual).kind).toBe('refused');
  });

  it('refuses when Argo CD syncs as another service account (impersonation), or refuses the sync', () => {
    const project = defaultProject({
      destinationServiceAccounts: [
        { server: 'https://kubernetes.default.svc', namespace: 'cert-*', defaultServiceAccount: 'deployer' },
      ],
    });
    const enabled = { 'application.sync.impersonation.enabled': 'true' };
    expect(judge(policy({ project, cm: enabled }))).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('as the service account deployer') as string,
    });
    // The project's accounts alone do nothing without the feature flag.
    expect(judge(policy({ project }))).toEqual({ kind: 'allowed' });
    // Enabled, no account matches, enforcement on by default: Argo CD refuses to sync.
    expect(judge(policy({ cm: enabled })).kind).toBe('refused');
    expect(judge(policy({ cm: { ...enabled, 'application.sync.impersonation.enforced': 'false' } }))).toEqual({
      kind: 'allowed',
    });
  });

  it('refuses where the controller does not reconcile the Application in argocd', () => {
    expect(judge({ ...policy(), controllerNamespace: undefined }).kind).toBe('refused');
    expect(judge({ ...policy(), controllerNamespace: 'gitops', applicationNamespaces: 'argocd,team-*' })).toMatchObject(
      { kind: 'refused', reason: expect.stringContaining('runs in namespace gitops') as string },
    );
  });

  it('refuses a missing project, a repository it does not permit, and a disabled in-cluster destination', () => {
    expect(judge({ ...policy(), projects: new Map([['default', undefined]]) })).toMatchObject({
      reason: 'AppProject default does not exist',
    });
    const repos = defaultProject({ sourceRepos: ['https://git.example.com/*'] });
    expect(judge(policy({ project: repos })).kind).toBe('refused');
    expect(judge(policy({ cm: { 'cluster.inClusterEnabled': 'false' } })).kind).toBe('refused');
    expect(judge(policy({ cm: { globalProjects: '- projectName: base' } })).kind).toBe('refused');
  });

  it('refuses a namespace a cluster Secret in namespaced mode does not manage', () => {
    const p = {
      ...policy(),
      clusters: [{ name: 'in-cluster', server: 'https://kubernetes.default.svc', namespaces: ['cert-manager'] }],
    };
    expect(judge(p, [deployment])).toEqual({ kind: 'allowed' });
    expect(judge(p, [clusterRole]).kind).toBe('refused');
  });
});

describe('normalizeGitUrl', () => {
  it('compares URLs as Argo CD does', () => {
    expect(normalizeGitUrl('https://GitHub.com/Org/Repo.git')).toBe('https://github.com/org/repo');
    expect(normalizeGitUrl('git@github.com:org/repo.git')).toBe('git@github.com/org/repo');
  });
});
