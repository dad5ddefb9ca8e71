/**
 * Seeding on an adopted Argo CD (the local cluster's: kubeflow-gitops did not install it) applies
 * nothing Argo CD would not apply itself, and says why, one policy at a time: a deny window on the
 * project (nothing at all is applied, not even the CRDs ahead, and the run says when the window
 * opens), then one install where a project destination, an argocd-cm exclusion and an Application
 * with automated sync off each keep one component from being seeded while a fourth is seeded.
 * Where Argo CD would not apply an object, the object must be absent: Argo CD applies with the same
 * field manager the seeds use, so absence is what tells the two apart.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, ObjectRef } from '../../installer/systems/kube.js';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startInstallHarness, type CliRun, type InstallHarness } from '../support/installer-harness.js';

const run = promisify(execFile);
const skip = clusterUnavailable() ?? fixturesMissing();

const PROJECT: ObjectRef = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  namespace: 'argocd',
  name: 'default',
};
const ARGOCD_CM: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'argocd', name: 'argocd-cm' };
const app = (name: string): ObjectRef => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  namespace: 'argocd',
  name,
});
const crd = (name: string): ObjectRef => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  name,
});
const namespace = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Namespace', name });
const clusterRole = (name: string): ObjectRef => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  name,
});

describe.skipIf(skip)('seeding on an adopted Argo CD follows its policies', () => {
  let h: InstallHarness;
  beforeAll(async () => {
    h = await startInstallHarness();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  const installArgs = (fork: string, components: string) => [
    ...h.installArgs({ fork, components, timeout: '10m' }),
    '--failure-grace',
    '5s',
  ];

  it('a project with a deny window: install applies nothing itself and says the window is closed until it opens', async () => {
    // Open since two minutes ago, for three hours: the schedule fires at that minute every day (UTC).
    const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000);
    const opens = new Date(start.getTime() + 3 * 3600_000).toISOString();
    const schedule = `${start.getUTCMinutes()} ${start.getUTCHours()} * * *`;
    await h.kube.mergePatch(PROJECT, {
      spec: { syncWindows: [{ kind: 'deny', schedule, duration: '3h', applications: ['*'] }] },
    });
    try {
      const fork = h.env.createForkRepo(`seed-window-${Date.now().toString(36)}`);
      const r = await h.cli(installArgs(fork, 'cert-manager'));
      // The window opens after --timeout: the watch ends at once, as a timeout, naming it.
      expect(r.code, await h.explain(r)).toBe(5);
      expect(r.stderr).toContain(`cert-manager: not seeded, Argo CD's sync window is closed until ${opens}`);
      expect(r.stderr).toMatch(
        /cert-manager: CRDs left to Argo CD's sync \(Argo CD would not sync the root Application now: sync window of AppProject default: deny window/,
      );
      expect(r.stderr).toContain(
        `cert-manager: Argo CD's sync window is closed until ${opens}, after this run's timeout`,
      );
      expect(r.stderr).toContain('seeded 0 components');
      // Nothing of the component, not even its CRDs; no child Application either (the root's sync is held too).
      expect(await h.kube.get(crd('certificates.cert-manager.io'))).toBeUndefined();
      expect(await h.kube.get(namespace('cert-manager'))).toBeUndefined();
      expect(await h.kube.get(app('cert-manager'))).toBeUndefined();
      const gone = await h.cli(['uninstall', '--yes', '--wave-timeout', '2m']);
      expect(gone.code, gone.stderr.slice(-2000)).toBe(0);
    } finally {
      await h.kube.mergePatch(PROJECT, { spec: { syncWindows: null } });
    }
  });

  describe('one install, three components Argo CD would not sync as the seed would', () => {
    let r: CliRun;
    beforeAll(async () => {
      // A destination the project denies, and a kind argocd-cm excludes, on top of what is there.
      await h.kube.mergePatch(PROJECT, {
        spec: {
          destinations: [
            { server: '*', namespace: '!istio-system' },
            { server: '*', namespace: '*' },
          ],
        },
      });
      const cm = await h.kube.get<KubeObject & { data?: Record<string, string> }>(ARGOCD_CM);
      const exclusions = cm?.data?.['resource.exclusions'] ?? '';
      await h.kube.mergePatch(ARGOCD_CM, {
        data: { 'resource.exclusions': `${exclusions}\n- apiGroups: [cert-manager.io]\n  kinds: [ClusterIssuer]\n` },
      });
      // The team turns automated sync off for kubeflow-roles in its fork, before installing.
      const fork = h.env.createForkRepo(`seed-policy-${Date.now().toString(36)}`);
      const components = 'cert-manager,kubeflow-namespace,istio-namespace,kubeflow-roles';
      const forked = await h.cli([
        'fork',
        '--yes',
        '--fork',
        fork,
        '--mirror',
        `https://github.com/=${h.env.gitUrl}/`,
        '--release',
        '26.03',
        '--components',
        components,
        '--target',
        'local',
      ]);
      expect(forked.code, forked.stderr.slice(-2000)).toBe(0);
      const work = mkdtempSync(join(tmpdir(), 'kfg-seed-policy-'));
      const git = (args: string[]) => run('git', args, { cwd: work, env: { ...process.env, ...h.gitEnv() } });
      await git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, '.']);
      const file = join(work, 'kubeflow-apps/kubeflow-roles.yaml');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('    automated:\n');
      writeFileSync(file, text.replace('    automated:\n', '    automated:\n      enabled: false\n'));
      await git([
        '-c',
        'user.name=team',
        '-c',
        'user.email=team@example.com',
        'commit',
        '--quiet',
        '-am',
        'manual sync for roles',
      ]);
      await git(['push', '--quiet', 'origin', 'HEAD:kubeflow-gitops']);
      r = await h.cli(installArgs(fork, components));
    });

    it('seeds what Argo CD would sync (the control)', async () => {
      expect(r.stderr, await h.explain(r)).toContain('seeded 1 component as Argo CD applies them');
      const ns = await h.kube.get(namespace('kubeflow'));
      expect(ns?.metadata?.annotations?.['argocd.argoproj.io/tracking-id']).toBe(
        'kubeflow-namespace:/Namespace:kubeflow/kubeflow',
      );
    });

    it('a project whose destinations exclude a Kubeflow namespace: that component is not seeded', async () => {
      expect(r.stderr).toContain(
        "istio-namespace: left to Argo CD's sync (AppProject default does not permit the destination namespace istio-system)",
      );
      // Argo CD refuses it too: nothing of it exists.
      expect(await h.kube.get(namespace('istio-system'))).toBeUndefined();
      // The run names the component Argo CD cannot sync.
      expect(r.code).toBe(4);
    });

    it('resource.exclusions covering a kind a component ships: that component is not seeded', async () => {
      expect(r.stderr).toMatch(
        /cert-manager: left to Argo CD's sync \(ClusterIssuer kubeflow-self-signing-issuer \(group "cert-manager\.io"\) is excluded by argocd-cm resource\.exclusions/,
      );
      // Argo CD drops the excluded object from what it applies; nobody applied it.
      const issuer = await h.kube.get({
        apiVersion: 'cert-manager.io/v1',
        kind: 'ClusterIssuer',
        name: 'kubeflow-self-signing-issuer',
      });
      expect(issuer).toBeUndefined();
    });

    it('an Application with automated.enabled false: not seeded, and nothing of it applied', async () => {
      expect(r.stderr).toContain(
        "kubeflow-roles: left to Argo CD's sync (its Application sets syncPolicy.automated.enabled: false)",
      );
      expect(await h.kube.get(clusterRole('kubeflow-admin'))).toBeUndefined();
      // Its Application exists (the root created it) and waits for someone to sync it.
      expect(await h.kube.get(app('kubeflow-roles'))).toBeDefined();
    });
  });
});
