/**
 * The air-gap path on the local cluster: synthetic images under the upstream names in one loopback
 * registry (standing for ghcr.io, quay.io, docker.io, …), `images --copy-to` into a second one (the
 * user's), then `install --registry` of cert-manager with `--target local`. Every container of every
 * pod the install brought (kwok's pods carry their spec) must point at the mirror, by the locked digest.
 * The local cluster's own Argo CD is adopted, not installed (docs/local-cluster.md), so its pods are the
 * user's and `status --registry` names exactly them. Where kubeflow-gitops installs Argo CD, its images
 * come from the mirror too: the same fork installed on a second API server without Argo CD (with a
 * controller-manager, so workloads make pods) leaves every pod there, Argo CD's and the seeded
 * cert-manager's, on the mirror by digest.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKube, type KubeObject } from '../../installer/systems/kube.js';
import { startBareApiServer, type BareApiServer } from '../local-cluster/bare-apiserver.js';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startInstallHarness, until, type InstallHarness } from '../support/installer-harness.js';
import { pushSyntheticImages, registriesConf, startRegistry, type Registry } from '../support/registry.js';
import { toolMissing } from '../support/require-tool.js';

const skip =
  clusterUnavailable() ??
  fixturesMissing() ??
  toolMissing('skopeo', 'images --copy-to') ??
  toolMissing('docker-registry', 'the air-gap test registries');
// public.ecr.aws: Argo CD's redis.
const UPSTREAMS = ['ghcr.io', 'quay.io', 'docker.io', 'gcr.io', 'registry.k8s.io', 'public.ecr.aws'];

interface Pod extends KubeObject {
  spec?: Partial<Record<'containers' | 'initContainers', { name: string; image: string }[]>>;
}
interface ImagesJson {
  images: { image: string; uses: { component: string }[] }[];
  copy?: { copied: number; lock: { name: string; tag?: string; digest: string }[] };
}

describe.skipIf(skip)('install from a registry mirror on the local cluster', () => {
  let h: InstallHarness;
  let source: Registry;
  let mirror: Registry;
  let vars: Record<string, string>;
  let bare: BareApiServer | undefined;
  beforeAll(async () => {
    h = await startInstallHarness();
    const root = mkdtempSync(join(tmpdir(), 'kfg-airgap-'));
    source = await startRegistry(root);
    mirror = await startRegistry(root);
    const home = join(root, 'home');
    mkdirSync(join(home, '.config', 'containers'), { recursive: true });
    registriesConf(join(home, '.config', 'containers'), source.host, mirror.host, UPSTREAMS);
    writeFileSync(join(root, 'auth.json'), '{"auths":{}}\n');
    vars = { HOME: home, REGISTRY_AUTH_FILE: join(root, 'auth.json') };
  }, 300_000);
  afterAll(async () => {
    await bare?.stop();
    await source.close();
    await mirror.close();
    await h.cleanup();
  });

  it('mirror, install, and every pod image from the mirror by digest', { timeout: 1_800_000 }, async () => {
    const registry = `${mirror.host}/kf`;
    const select = ['--release', '26.03', '--components', 'cert-manager', '--target', 'local'];
    const mirrorFlag = ['--mirror', `https://github.com/=${h.env.gitUrl}/`];
    const fork = await h.cli(['fork', '--yes', '--fork', h.fork, ...mirrorFlag, ...select], vars);
    expect(fork.code, fork.stderr).toBe(0);

    const listed = await h.cli(['images', ...mirrorFlag, ...select, '--output', 'json'], vars);
    expect(listed.code, listed.stderr).toBe(0);
    const listedImages = (JSON.parse(listed.stdout) as ImagesJson).images;
    const images = listedImages.map((i) => i.image);
    // Argo CD's own images are listed (install puts Argo CD in where the cluster has none).
    expect(listedImages.filter((i) => i.uses.some((u) => u.component === 'argocd')).length).toBeGreaterThanOrEqual(3);
    await pushSyntheticImages(source.host, images, { ...process.env, ...vars });

    const copied = await h.cli(
      ['images', ...mirrorFlag, ...select, '--fork', h.fork, '--copy-to', registry, '--output', 'json'],
      vars,
    );
    expect(copied.code, copied.stderr).toBe(0);
    const lock = (JSON.parse(copied.stdout) as ImagesJson).copy?.lock ?? [];
    expect(lock).toHaveLength(images.length);
    const pinned = new Set(lock.map((e) => `${registry}/${e.name}@${e.digest}`));

    const install = await h.cli([...h.installArgs({ components: 'cert-manager' }), '--registry', registry], vars);
    expect(install.code, await h.explain(install)).toBe(0);

    const line = (p: Pod, c: { name: string; image: string }) =>
      `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''} ${c.name}: ${c.image}`;
    const containers = (pods: Pod[]) =>
      pods.flatMap((p) => [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])].map((c) => line(p, c)));
    const notPinned = (lines: string[]) => lines.filter((l) => !pinned.has(l.split(': ')[1] ?? ''));

    const pods = await h.kube.list<Pod>({ apiVersion: 'v1', resource: 'pods' });
    const all = containers(pods);
    // The local cluster's Argo CD (namespace argocd) was there before: adopted, so left as it is.
    const ours = all.filter((l) => !l.startsWith('argocd/'));
    expect(ours.length).toBeGreaterThan(2);
    expect(notPinned(ours)).toEqual([]);
    const foreign = notPinned(all);

    // status --registry names exactly those, and exits 4 for them.
    const status = await h.cli(['status', '--registry', registry], vars);
    expect(status.code, status.stderr).toBe(4);
    expect(status.stderr).toContain(`${foreign.length} container(s) run an image that is not from ${registry}`);
    expect(status.stderr).toContain('argocd/argocd-repo-server');

    // The same fork on an API server without Argo CD: install puts in the fork's Argo CD (and seeds
    // cert-manager), and every pod there, Argo CD's included, is the mirror's copy by digest.
    bare = await startBareApiServer(h.env, 'registry', { controllers: true });
    const kube = createKube({ kubeconfig: bare.kubeconfig });
    // Preflight wants a default StorageClass (Pipelines' volumes); an API object is all it checks.
    await kube.apply({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'example.com/none',
    });
    const absent = await h.cli(
      [
        ...h.installArgs({ components: 'cert-manager', timeout: '20s' }),
        '--kubeconfig',
        bare.kubeconfig,
        '--registry',
        registry,
      ],
      vars,
    );
    expect(absent.stderr).toContain('from the fork');
    // Nothing syncs without Argo CD's processes: the watch can only time out.
    expect(absent.code, absent.stderr.slice(-2000)).toBe(5);
    const workloads = (
      await Promise.all(
        ['deployments', 'statefulsets'].map((resource) =>
          kube.list({ apiVersion: 'apps/v1', resource }, { namespace: 'argocd' }),
        ),
      )
    ).flat();
    expect(workloads.length).toBeGreaterThanOrEqual(5);
    const barePods = await until('a pod of each Argo CD workload', 300_000, async () => {
      const got = await kube.list<Pod>({ apiVersion: 'v1', resource: 'pods' });
      return got.filter((p) => p.metadata?.namespace === 'argocd').length >= workloads.length ? got : undefined;
    });
    const bareLines = containers(barePods);
    expect(bareLines.filter((l) => l.startsWith('argocd/')).length).toBeGreaterThanOrEqual(workloads.length);
    expect(notPinned(bareLines)).toEqual([]);
  });
});
