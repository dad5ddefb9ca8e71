/**
 * The air-gap path on the local cluster: synthetic images under the upstream names in one loopback
 * registry (standing for ghcr.io, quay.io, docker.io, …), `images --copy-to` into a second one (the
 * user's), then `install --registry` of cert-manager with `--target local`. Every container of every
 * pod in the cluster (kwok's pods carry their spec) but Argo CD's own must point at the mirror, by the
 * locked digest, and `status --registry` names exactly the others.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../installer/systems/kube.js';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startInstallHarness, type InstallHarness } from '../support/installer-harness.js';
import { pushSyntheticImages, registriesConf, startRegistry, type Registry } from '../support/registry.js';
import { toolMissing } from '../support/require-tool.js';

const skip =
  clusterUnavailable() ??
  fixturesMissing() ??
  toolMissing('skopeo', 'images --copy-to') ??
  toolMissing('docker-registry', 'the air-gap test registries');
const UPSTREAMS = ['ghcr.io', 'quay.io', 'docker.io', 'gcr.io', 'registry.k8s.io'];

interface Pod extends KubeObject {
  spec?: Partial<Record<'containers' | 'initContainers', { name: string; image: string }[]>>;
}
interface ImagesJson {
  images: { image: string }[];
  copy?: { copied: number; lock: { name: string; tag?: string; digest: string }[] };
}

describe.skipIf(skip)('install from a registry mirror on the local cluster', () => {
  let h: InstallHarness;
  let source: Registry;
  let mirror: Registry;
  let vars: Record<string, string>;
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
    const images = (JSON.parse(listed.stdout) as ImagesJson).images.map((i) => i.image);
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

    const pods = await h.kube.list<Pod>({ apiVersion: 'v1', resource: 'pods' });
    expect(pods.length).toBeGreaterThan(0);
    const images_ = pods.flatMap((p) =>
      [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])].map(
        (c) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''} ${c.name}: ${c.image}`,
      ),
    );
    // Argo CD's own images (kubeflow-gitops installed it, the cluster had none) are not rewritten yet
    // (docs/air-gap.md, "Not done yet"): every other container runs the mirror's copy by digest.
    const foreign = images_.filter((line) => !pinned.has(line.split(': ')[1] ?? ''));
    expect(foreign.filter((line) => !line.startsWith('argocd/'))).toEqual([]);
    expect(images_.filter((line) => !line.startsWith('argocd/')).length).toBeGreaterThan(2);

    // status --registry names exactly those, and exits 4 for them.
    const status = await h.cli(['status', '--registry', registry], vars);
    expect(status.code, status.stderr).toBe(4);
    expect(status.stderr).toContain(`${foreign.length} container(s) run an image that is not from ${registry}`);
    expect(status.stderr).toContain('argocd/argocd-repo-server');
  });
});
