import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPONENTS } from '../../../installer/catalogue/components.js';
import type { InstallRecord } from '../../../installer/plan/parse-install-record.js';
import { join } from 'node:path';
import { appStatusDir } from '../../support/app-status-fixtures.js';
import { planRetirements, settle } from '../../../installer/plan/plan-retirements.js';
import type { KubeObject } from '../../../installer/systems/kube.js';

/** A live Application as Argo CD keeps it (captured from the local cluster), renamed into a component. */
const captured = JSON.parse(readFileSync(join(appStatusDir(), 'synced-healthy.json'), 'utf8')) as KubeObject;
const component = (name: string, extra: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject => ({
  ...captured,
  metadata: {
    ...captured.metadata,
    name,
    ...extra,
    labels: { 'app.kubernetes.io/managed-by': 'kubeflow-gitops' },
    annotations: { 'kubeflow-gitops.io/component': name, ...extra.annotations },
  },
});
const teamApp = (name: string): KubeObject => ({
  ...captured,
  metadata: {
    ...captured.metadata,
    name,
    annotations: { 'argocd.argoproj.io/tracking-id': `kubeflow:argoproj.io/Application:argocd/${name}` },
  },
});
const root = component('kubeflow');
const record: InstallRecord = {
  namespacesBefore: ['default', 'kubeflow'],
  crdsBefore: [],
  argocd: 'installed',
  configuredArgocd: false,
  createdAt: '2026-11-22T10:00:00Z',
  recordedAt: '2026-11-22T10:00:00Z',
};

describe('planRetirements', () => {
  const live = [
    root,
    component('kubeflow-namespace'),
    component('network-policies'),
    component('cert-manager'),
    component('kubeflow-issuer'),
    teamApp('team-quota'),
    teamApp('team-old'),
  ];

  it('v1.11.0 -> 26.03: folded components hand their objects to the component that ships them now', () => {
    const fork = new Set(['kubeflow-namespace', 'cert-manager', 'team-quota', 'team-old']);
    const r = planRetirements(live, fork, '26.03');
    expect(r.map((x) => [x.app, x.successor])).toEqual([
      ['kubeflow-issuer', 'cert-manager'],
      ['network-policies', 'kubeflow-namespace'],
    ]);
    // What Argo CD lists as the Application's own, to settle once it is gone.
    expect(r[0]?.refs).toEqual([
      { group: '', version: 'v1', kind: 'Service', namespace: 'kfg-rd-synced-healthy', name: 'web' },
      { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'kfg-rd-synced-healthy', name: 'web' },
    ]);
  });

  it('without its successor in the fork, and for an Application a team removed, the cascade runs', () => {
    const r = planRetirements(live, new Set(['kubeflow-namespace', 'team-quota']), '26.03');
    expect(r.map((x) => [x.app, x.successor])).toEqual([
      ['cert-manager', undefined],
      ['kubeflow-issuer', undefined],
      ['network-policies', 'kubeflow-namespace'],
      ['team-old', undefined],
    ]);
  });

  it('a component upstream dropped outright has no successor', () => {
    const catalogue = COMPONENTS.map((c) => (c.name === 'network-policies' ? { ...c, mergedInto: undefined } : c));
    const r = planRetirements(
      live,
      new Set(['kubeflow-namespace', 'cert-manager', 'kubeflow-issuer', 'team-quota', 'team-old']),
      '26.03',
      catalogue,
    );
    expect(r).toHaveLength(1);
    expect(r[0]?.successor).toBeUndefined();
  });

  it('leaves alone the root, Applications still in the fork, ones already being deleted and ones that are not ours', () => {
    const foreign: KubeObject = { ...captured, metadata: { ...captured.metadata, name: 'someone-else' } };
    const going = component('network-policies', { deletionTimestamp: '2026-11-22T11:00:00Z' });
    expect(
      planRetirements([root, foreign, going, component('cert-manager')], new Set(['cert-manager']), '26.03'),
    ).toEqual([]);
  });
});

describe('planRetirements to 26.03.1-rc.2', () => {
  it('the dashboard and notebooks folders: what folded into them hands its objects over, the homes stay', () => {
    const names = [
      'central-dashboard',
      'profiles',
      'admission-webhook',
      'notebook-controller',
      'jupyter-web-app',
      'pvcviewer-controller',
      'volumes-web-app',
      'tensorboard-controller',
      'tensorboards-web-app',
      'cert-manager',
    ];
    const fork = new Set(['central-dashboard', 'notebook-controller', 'cert-manager', 'kubeflow-issuer']);
    const r = planRetirements([root, ...names.map((n) => component(n))], fork, '26.03.1-rc.2');
    expect(r.map((x) => [x.app, x.successor])).toEqual([
      ['admission-webhook', 'central-dashboard'],
      ['jupyter-web-app', 'notebook-controller'],
      // The Profiles CRD and every profile namespace hang on this one: held, never cascaded.
      ['profiles', 'central-dashboard'],
      ['pvcviewer-controller', 'notebook-controller'],
      ['tensorboard-controller', 'notebook-controller'],
      ['tensorboards-web-app', 'notebook-controller'],
      ['volumes-web-app', 'notebook-controller'],
    ]);
  });
});

describe('settle', () => {
  const obj = (annotations: Record<string, string>, created = '2026-11-22T10:05:00Z'): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'p', namespace: 'kubeflow', creationTimestamp: created, annotations },
  });
  const tracked = (app: string) => ({
    'argocd.argoproj.io/tracking-id': `${app}:networking.k8s.io/NetworkPolicy:kubeflow/p`,
  });

  it('leaves what the successor adopted, and what nothing tracks', () => {
    expect(settle(obj(tracked('kubeflow-namespace')), 'network-policies', record)).toBe('leave');
    expect(settle(obj({}), 'network-policies', record)).toBe('leave');
  });
  it('deletes what the retired Application made and nobody took', () => {
    expect(settle(obj(tracked('network-policies')), 'network-policies', record)).toBe('delete');
  });
  it('never deletes what was there before the install or what its owner keeps with Delete=false: only the tracking goes', () => {
    expect(settle(obj(tracked('network-policies'), '2026-11-22T09:00:00Z'), 'network-policies', record)).toBe(
      'untrack',
    );
    expect(
      settle(
        obj({ ...tracked('network-policies'), 'argocd.argoproj.io/sync-options': 'Delete=false' }),
        'network-policies',
        record,
      ),
    ).toBe('untrack');
    expect(
      settle(
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'kubeflow', annotations: tracked('network-policies') },
        },
        'network-policies',
        record,
      ),
    ).toBe('untrack');
  });
  it('hands back what it marked before the cascade', () => {
    expect(
      settle(
        obj({ ...tracked('network-policies'), 'kubeflow-gitops.io/kept-on-uninstall': '' }),
        'network-policies',
        record,
      ),
    ).toBe('release');
  });
});
