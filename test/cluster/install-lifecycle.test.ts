/**
 * Acceptance for install, status and uninstall on the local cluster: real kube-apiserver, real Argo CD,
 * a fork on the loopback git server. A full install of Pipelines, Notebooks and KServe with the API
 * server restarted mid-watch; a broken commit that `status` must name; then `uninstall`, after which
 * the cluster holds exactly the objects it held before. (Error paths: install-errors, argocd-absent.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../installer/systems/kube.js';
import { clusterTestSkip, installHarnessSuite } from '../support/installer-harness.js';
import { up } from '../../installer/systems/local-cluster/lifecycle.js';
import { statePaths } from '../../installer/systems/local-cluster/config.js';
import { stopManaged } from '../../installer/systems/local-cluster/processes.js';
import { expectListingAsBefore, quietListing } from '../support/cluster-listing.js';

describe.skipIf(clusterTestSkip())('install, status and uninstall on the local cluster', () => {
  let before: string[] = [];
  // Already in the cluster before the install, and shipped by components too (kubeflow-namespace,
  // cert-manager): Argo CD adopts them at sync; uninstall must leave them.
  const PREEXISTING: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow', labels: { team: 'platform' } } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cert-manager-view', labels: { team: 'platform' } },
      rules: [{ apiGroups: ['cert-manager.io'], resources: ['certificates'], verbs: ['get'] }],
    },
  ];
  // The objects made before the install go with the cluster's state when the harness resets it.
  const h = installHarnessSuite({
    prepare: async (harness) => {
      for (const o of PREEXISTING) await harness.kube.createIfAbsent(o);
      before = await quietListing(harness.kube);
    },
  });

  it('installs Pipelines, Notebooks and KServe to Synced-at-the-pushed-commit and Healthy, surviving an API server restart', async () => {
    let restarted: Promise<void> | undefined;
    const r = await h.cli(h.installArgs(), {}, (line) => {
      // Once the watch runs, take the API server down and bring it back.
      if (restarted === undefined && line.includes('watching')) {
        restarted = (async () => {
          await stopManaged(statePaths(h.env.stateDir).pids, 'kube-apiserver');
          await new Promise((res) => setTimeout(res, 3000));
          await up({ log: () => undefined });
        })();
      }
    });
    await restarted;
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, await h.explain(r)).toBe(0);
    expect(restarted).toBeDefined();
    // The run ends by saying how to reach the dashboard on this (workstation) target, and the login.
    expect(r.stderr).toContain(
      'Open the Kubeflow dashboard from this machine:\n  kubeflow-gitops open --context kfg-local\n',
    );
    expect(r.stderr).toMatch(
      /Log in as user@example\.com with the password in \S+\/credentials\/\S+\.admin-password\./,
    );
    const [, branch, revision] = r.stdout.trim().split(' ');
    const remote = await h.forkTip(branch);
    expect(revision).toBe(remote);
    // The namespace that was there before is not the installer's to seed: Argo CD syncs it, and what needs it.
    expect(r.stderr).toContain(
      "kubeflow-namespace: left to Argo CD's sync (Namespace kubeflow exists and is not the installer's)",
    );

    // Independently of the installer: every child is Synced at that commit and Healthy.
    const apps = await h.expectEveryComponentAt(remote);
    expect(apps.map((a) => a.metadata?.name)).toEqual(
      expect.arrayContaining([
        'pipelines',
        'notebook-controller',
        'jupyter-web-app',
        'kserve',
        'knative-serving',
        'istio',
        'cert-manager',
      ]),
    );

    // status ends the same way; with --output json that is the last event on stdout.
    const st = await h.cli(['status', '--output', 'json']);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({
      event: 'reach',
      target: 'local',
      way: 'port-forward',
      url: 'http://localhost:8080/',
      commands: ['kubeflow-gitops open --context kfg-local'],
      email: 'user@example.com',
    });
  });

  it('status names a component broken by a new commit, with the reason, and exits non-zero', async () => {
    const { dir: work, git: g } = await h.cloneFork();
    writeFileSync(
      join(work, 'overlays/local/jupyter-web-app/broken.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kfg-broken\n  namespace: kubeflow\nspec:\n  selector: {matchLabels: {app: kfg-broken}}\n  template:\n    metadata: {labels: {app: kfg-broken}}\n    spec: {containers: []}\n',
    );
    const k = join(work, 'overlays/local/jupyter-web-app/kustomization.yaml');
    writeFileSync(k, readFileSync(k, 'utf8').replace('resources:\n', 'resources:\n  - broken.yaml\n'));
    await g(['add', '-A']);
    await g(['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '--quiet', '-m', 'break jupyter-web-app']);
    await g(['push', '--quiet', 'origin', 'HEAD:kubeflow-gitops']);
    await h.kube.request(
      'PATCH',
      '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/jupyter-web-app',
      { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } },
      'application/merge-patch+json',
    );
    const r = await h.cli(['status', '--watch', '--failure-grace', '5s', '--timeout', '5m']);
    expect(r.code, r.stderr.slice(-2000)).toBe(4);
    expect(r.stderr).toMatch(/jupyter-web-app\s+failed/);
    expect(r.stderr).toMatch(/containers: Required value/);
  });

  it('uninstall removes every component in reverse wave order and leaves exactly the objects that were there before', async () => {
    const r = await h.cli(['uninstall', '--yes', '--wave-timeout', '5m']);
    expect(r.code, await h.explain(r)).toBe(0);
    // Highest wave first: the apps before the namespaces they live in.
    expect(r.stderr.indexOf('jupyter-web-app and its resources are gone')).toBeLessThan(
      r.stderr.indexOf('kubeflow-namespace and its resources are gone'),
    );
    expect(r.stderr).toContain('kept Argo CD: it was there before kubeflow-gitops');
    await expectListingAsBefore(h.kube, before);
    // Adopted by Argo CD, kept, and handed back without our marks or Argo CD's tracking.
    expect(r.stderr).toContain('kept Namespace kubeflow: it was there before the install');
    expect(r.stderr).toContain('kept ClusterRole cert-manager-view: it was there before the install');
    for (const o of PREEXISTING) {
      const live = await h.kube.get({
        apiVersion: o.apiVersion ?? '',
        kind: o.kind ?? '',
        name: o.metadata?.name ?? '',
      });
      expect(live?.metadata?.labels?.['team']).toBe('platform');
      expect(
        Object.keys(live?.metadata?.annotations ?? {}).filter(
          (k) => k.startsWith('argocd.argoproj.io/') || k.startsWith('kubeflow-gitops.io/'),
        ),
      ).toEqual([]);
    }
    // Running it again is a no-op.
    const again = await h.cli(['uninstall', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/nothing installed by kubeflow-gitops in context "[^"]+"/);
    expect(again.stderr).not.toContain('uninstall from context');
  });
});
