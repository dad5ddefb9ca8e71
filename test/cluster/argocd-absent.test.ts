/**
 * A real Kubernetes API without Argo CD (a second kube-apiserver of the local cluster under its own
 * etcd prefix: no CRDs, no nodes, no controllers). `status` explains there is nothing to report; an
 * Argo CD whose CRDs are gone is refused before anything changes; an absent one is installed from
 * the fork's vendored manifests and recorded as ours. Nothing reconciles there, so the install ends
 * with the watch timing out, which is the part a bare API cannot do.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKube, type Kube, type KubeObject } from '../../installer/systems/kube.js';
import { ARGOCD_VERSION } from '../../installer/core/constants.js';
import { startBareApiServer, type BareApiServer } from '../local-cluster/bare-apiserver.js';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startInstallHarness, type InstallHarness } from '../support/installer-harness.js';

const run = promisify(execFile);
const skip = clusterUnavailable() ?? fixturesMissing();

describe.skipIf(skip)('a cluster without Argo CD', () => {
  let h: InstallHarness;
  const servers: BareApiServer[] = [];
  beforeAll(async () => {
    h = await startInstallHarness();
  });
  // Everything here happens on the bare API servers; the shared cluster only serves the fork.
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  const bare = async (name: string): Promise<{ server: BareApiServer; kube: Kube }> => {
    const server = await startBareApiServer(h.env, name);
    servers.push(server);
    return { server, kube: createKube({ kubeconfig: server.kubeconfig }) };
  };
  // The harness's install, for cert-manager alone, against the bare API server.
  const installArgs = (kubeconfig: string, timeout?: string) => [
    ...h.installArgs({ components: 'cert-manager', timeout }),
    '--kubeconfig',
    kubeconfig,
  ];
  const namespaces = async (kube: Kube) =>
    (await kube.request<{ items: KubeObject[] }>('GET', '/api/v1/namespaces')).items
      .map((n) => n.metadata?.name)
      .sort();

  it('status says that Argo CD is not installed, exit 3', async () => {
    const { server } = await bare('status');
    const r = await h.cli(['status', '--kubeconfig', server.kubeconfig]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/Argo CD is not installed in context .*run install/);
    expect(r.stderr).not.toContain('internal error');
  });

  it('uninstall says there is nothing installed by kubeflow-gitops, shows no plan, exit 0', async () => {
    const { server, kube } = await bare('uninstall-nothing');
    const before = await namespaces(kube);
    for (const args of [['uninstall', '--yes'], ['uninstall', '--dry-run'], ['uninstall']]) {
      const r = await h.cli([...args, '--kubeconfig', server.kubeconfig]);
      expect([args.join(' '), r.code], r.stderr).toEqual([args.join(' '), 0]);
      expect(r.stderr).toMatch(/nothing installed by kubeflow-gitops in context "[^"]+"/);
      expect(r.stderr).not.toContain('uninstall from context');
      expect(r.stderr).not.toContain('internal error');
    }
    expect(await namespaces(kube)).toEqual(before);
  });

  it('install refuses an Argo CD whose CRDs are gone, naming what is left; nothing is applied or pushed', async () => {
    const { server, kube } = await bare('incomplete');
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
    await kube.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-cm', namespace: 'argocd' },
      data: {},
    });
    const before = await namespaces(kube);
    const r = await h.cli(installArgs(server.kubeconfig));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(
      /Argo CD is incomplete: the argoproj.io CRDs are missing, but namespace argocd has ConfigMap argocd-cm/,
    );
    expect(r.stderr).toMatch(/fix: restore its CRDs/);
    expect(await namespaces(kube)).toEqual(before);
    expect(
      await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'argocd', name: 'kubeflow-gitops-install' }),
    ).toBeUndefined();
    const refs = (await run('git', ['ls-remote', h.fork], { env: { ...process.env, ...h.gitEnv() } })).stdout;
    expect(refs).toBe('');
  });

  it(`install puts in Argo CD ${ARGOCD_VERSION} from the fork when there is none, configured for the job and recorded as installed by us`, async () => {
    const { server, kube } = await bare('absent');
    // Preflight wants a default StorageClass (Pipelines' volumes); an API object is all it checks.
    await kube.apply({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'example.com/none',
    });
    const r = await h.cli(installArgs(server.kubeconfig, '20s'));
    expect(r.stderr).toContain(`Argo CD is absent; ${ARGOCD_VERSION} will be installed from the fork`);
    expect(r.stderr).toContain(`installing Argo CD ${ARGOCD_VERSION} from the fork`);
    // No controller runs on a bare API server: the watch can only time out.
    expect(r.code, r.stderr.slice(-2000)).toBe(5);

    const crd = await kube.get<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'applications.argoproj.io',
    });
    expect(crd?.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
    const controller = await kube.get<
      KubeObject & { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } }
    >({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'argocd', name: 'argocd-application-controller' });
    expect(controller?.spec?.template?.spec?.containers?.[0]?.image).toBe(`quay.io/argoproj/argocd:${ARGOCD_VERSION}`);
    const cm = await kube.get<KubeObject & { data?: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'argocd',
      name: 'argocd-cm',
    });
    expect(cm?.data?.['resource.customizations.health.argoproj.io_Application']).toContain('hs.status');
    const params = await kube.get<KubeObject & { data?: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'argocd',
      name: 'argocd-cmd-params-cm',
    });
    expect(params?.data?.['controller.resource.health.persist']).toBe('true');
    const record = await kube.get<KubeObject & { data?: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'argocd',
      name: 'kubeflow-gitops-install',
    });
    expect(record?.data?.argocd).toBe('installed');
    expect(JSON.parse(record?.data?.namespacesBefore ?? '[]')).not.toContain('argocd');
    expect(
      await kube.get({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        namespace: 'argocd',
        name: 'kubeflow',
      }),
    ).toBeDefined();

    // Uninstall would remove this Argo CD, because kubeflow-gitops put it there.
    const plan = await h.cli(['uninstall', '--dry-run', '--kubeconfig', server.kubeconfig]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain('remove Argo CD (kubeflow-gitops installed it)');
  });
});
