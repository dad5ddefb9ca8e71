/**
 * `images --components all` for every release, through the CLI, against the fixtures' mirror
 * of github.com: every image-like string in every component's render is an `image:` field, a listed
 * hidden location, or listed as not an image (installer/catalogue/image-locations.ts). A release that
 * adds a hidden image fails here until its location is listed. Argo CD's own manifests (component
 * `argocd`, installed where the cluster has none) are held to the same rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGOCD_VERSION } from '../../installer/core/constants.js';
import { fixturesMissing } from '../support/fixtures.js';
import { runCli, startForkEnv, type ForkEnv } from '../support/fork-env.js';

interface ImagesJson {
  counts: { images: number; fields: number; hidden: number; unaccounted: number };
  images: {
    image: string;
    uses: { component: string; object: { kind: string; name: string }; field: string; how: string }[];
  }[];
  unaccounted: unknown[];
}

/** Hidden references the issue names, by release: each must be listed as hidden with its place. */
const HIDDEN: Record<string, [string, string, RegExp][]> = {
  'v1.10.2': [
    ['ghcr.io/kubeflow/kfp-driver:2.5.0', 'pipelines', /env\[V2_DRIVER_IMAGE\]/],
    ['quay.io/argoproj/argoexec:v3.5.14', 'pipelines', /args/],
    ['ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.18.0', 'katib', /katib-config\.yaml/],
    ['docker.io/kserve/storage-initializer:v0.15.0', 'kserve', /data\.storageInitializer/],
    ['gcr.io/istio-release/proxyv2:1.26.1', 'istio', /data\.values/],
  ],
  'v1.11.0': [
    ['ghcr.io/kubeflow/kfp-launcher:2.15.0', 'pipelines', /env\[V2_LAUNCHER_IMAGE\]/],
    ['quay.io/jetstack/cert-manager-acmesolver:v1.16.1', 'cert-manager', /args/],
    ['ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0', 'katib', /katib-config\.yaml/],
    ['docker.io/kserve/agent:v0.15.2', 'kserve', /data\.agent/],
    ['gcr.io/istio-release/proxyv2:1.28.0', 'istio', /data\.values/],
  ],
  '26.03': [
    ['ghcr.io/kubeflow/kfp-driver:2.16.0', 'pipelines', /env\[V2_DRIVER_IMAGE\]/],
    ['ghcr.io/kubeflow/kfp-launcher:2.16.0', 'pipelines', /env\[V2_LAUNCHER_IMAGE\]/],
    ['quay.io/argoproj/argoexec:v3.7.3', 'pipelines', /args/],
    ['quay.io/jetstack/cert-manager-acmesolver:v1.19.4', 'cert-manager', /args/],
    ['ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0', 'katib', /katib-config\.yaml/],
    ['ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0', 'katib', /katib-config\.yaml/],
    ['docker.io/kserve/storage-initializer:v0.16.0', 'kserve', /data\.storageInitializer/],
    ['docker.io/kserve/agent:v0.16.0', 'kserve', /data\.agent/],
    ['gcr.io/istio-release/proxyv2:1.29.0', 'istio', /data\.values/],
  ],
  '26.03.1-rc.2': [
    ['ghcr.io/kubeflow/kfp-driver:2.16.1', 'pipelines', /env\[V2_DRIVER_IMAGE\]/],
    ['quay.io/jetstack/cert-manager-acmesolver:v1.20.2', 'cert-manager', /args/],
    ['docker.io/kserve/storage-initializer:v0.18.0', 'kserve', /data\.storageInitializer/],
  ],
};

const NOTEBOOK_IMAGES: Record<string, number> = { 'v1.10.2': 8, 'v1.11.0': 8, '26.03': 8, '26.03.1-rc.2': 7 };

/** Argo CD's images at the pinned version: the image: fields of its Deployments and StatefulSet. */
const ARGOCD_IMAGES: [string, string, RegExp][] = [
  [`quay.io/argoproj/argocd:${ARGOCD_VERSION}`, 'argocd-application-controller', /containers\[[\w-]+\]\.image$/],
  [`quay.io/argoproj/argocd:${ARGOCD_VERSION}`, 'argocd-repo-server', /initContainers\[copyutil\]\.image$/],
  ['ghcr.io/dexidp/dex:v2.46.0', 'argocd-dex-server', /containers\[dex\]\.image$/],
  ['public.ecr.aws/docker/library/redis:8.10.1-alpine', 'argocd-redis', /containers\[redis\]\.image$/],
];

describe.skipIf(fixturesMissing())('images --components all accounts for every image-like string', () => {
  let env: ForkEnv;
  beforeAll(async () => {
    env = await startForkEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  it.each(Object.keys(HIDDEN))('%s', { timeout: 600_000 }, async (release) => {
    const r = await runCli(
      ['images', '--release', release, '--components', 'all', '--mirror', env.mirror, '--output', 'json'],
      { KFG_STATE_DIR: env.root, TMPDIR: env.root },
    );
    expect(r.stderr, r.stderr).not.toContain('Error');
    const out = JSON.parse(r.stdout) as ImagesJson;
    expect(out.unaccounted).toEqual([]);
    expect(r.code).toBe(0);
    for (const [image, component, field] of HIDDEN[release] ?? []) {
      const entry = out.images.find((e) => e.image === image);
      expect(entry, image).toBeDefined();
      expect(
        entry!.uses.some((u) => u.how === 'hidden' && u.component === component && field.test(u.field)),
        image,
      ).toBe(true);
    }
    // The Jupyter spawner's notebook images: eight, and seven in 26.03.1-rc.2 (Gaudi left).
    const notebooks = out.images.filter((e) => e.image.includes('/notebook-servers/'));
    expect(notebooks).toHaveLength(NOTEBOOK_IMAGES[release] ?? -1);
    // Argo CD's own, as component argocd, with object and field.
    for (const [image, object, field] of ARGOCD_IMAGES) {
      const uses = out.images.find((e) => e.image === image)?.uses ?? [];
      expect(
        uses.some((u) => u.component === 'argocd' && u.object.name === object && field.test(u.field)),
        `${image} in ${object}`,
      ).toBe(true);
    }
    expect(out.counts.fields).toBeGreaterThanOrEqual(release === 'v1.10.2' ? 67 : 72);
    expect(out.counts.hidden).toBeGreaterThanOrEqual(25);
  });

  it('--no-argocd leaves Argo CD out, for a cluster whose Argo CD install adopts', { timeout: 600_000 }, async () => {
    const args = ['images', '--release', '26.03', '--components', 'cert-manager', '--mirror', env.mirror];
    const r = await runCli([...args, '--no-argocd', '--output', 'json'], { KFG_STATE_DIR: env.root, TMPDIR: env.root });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as ImagesJson & { components: string[] };
    expect(out.components).toEqual(['cert-manager']);
    expect(out.images.flatMap((e) => e.uses).filter((u) => u.component === 'argocd')).toEqual([]);
    expect(out.images.some((e) => e.image.startsWith('quay.io/argoproj/argocd:'))).toBe(false);
  });
});
