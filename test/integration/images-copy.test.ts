/**
 * `images --copy-to` between two real registries (Debian's docker-registry on loopback): one holds
 * small synthetic images under the upstream names and stands for ghcr.io, quay.io and docker.io
 * through a containers-registries.conf; the other is the user's. The copy resolves each tag to a
 * digest, writes the lock to the fork, skips everything on a second run, and `fork --registry`
 * then pins every reference of the render to the locked digests. Without skopeo: exit 3, nothing
 * changed.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGOCD_IMAGE_LOCATIONS, IMAGE_LOCATIONS } from '../../installer/catalogue/image-locations.js';
import { ARGOCD_VERSION } from '../../installer/core/constants.js';
import { runFork } from '../../installer/commands/fork/run-fork.js';
import { findImages } from '../../installer/images/find-images.js';
import { IMAGE_LOCK_FILE } from '../../installer/images/image-lock.js';
import { fixturesMissing } from '../support/fixtures.js';
import { run, runCli, startForkEnv, TOKEN, type ForkEnv } from '../support/fork-env.js';
import { pushSyntheticImages, registriesConf, startRegistry, type Registry } from '../support/registry.js';
import { renderOffline } from '../support/render-offline.js';
import { toolMissing } from '../support/require-tool.js';

// public.ecr.aws: Argo CD's redis.
const UPSTREAMS = ['ghcr.io', 'quay.io', 'docker.io', 'gcr.io', 'registry.k8s.io', 'public.ecr.aws'];
const missing =
  fixturesMissing() ||
  toolMissing('skopeo', 'images --copy-to') !== undefined ||
  toolMissing('docker-registry', 'the air-gap test registries') !== undefined;

interface ImagesJson {
  images: { image: string }[];
  copy?: { copied: number; skipped: number; lock: { name: string; tag?: string; digest: string }[] };
}

describe.skipIf(missing)('images --copy-to', () => {
  let env: ForkEnv;
  let source: Registry;
  let mirror: Registry;
  let vars: Record<string, string>;
  let fork: string;
  const args = () => [
    'images',
    '--release',
    '26.03',
    '--components',
    'cert-manager',
    '--target',
    'local',
    '--mirror',
    env.mirror,
  ];

  beforeAll(async () => {
    env = await startForkEnv();
    source = await startRegistry(env.root);
    mirror = await startRegistry(env.root);
    const auth = join(env.root, 'auth.json');
    writeFileSync(auth, '{"auths":{}}\n');
    // skopeo reads ~/.config/containers/registries.conf before /etc's: a HOME of the test's own.
    const home = join(env.root, 'home');
    mkdirSync(join(home, '.config', 'containers'), { recursive: true });
    registriesConf(join(home, '.config', 'containers'), source.host, mirror.host, UPSTREAMS);
    vars = {
      HOME: home,
      REGISTRY_AUTH_FILE: auth,
      KFG_GIT_TOKEN: TOKEN,
      KFG_STATE_DIR: env.root,
    };
    fork = await env.newFork('copy');
    await runFork(env.options({ fork, release: '26.03', target: 'local', components: 'cert-manager' }), env.deps());
  }, 300_000);
  afterAll(async () => {
    await source.close();
    await mirror.close();
    await env.close();
  });

  it('refuses without skopeo before anything is copied or pushed', async () => {
    const before = await env.git(['ls-remote', fork]);
    const r = await runCli([...args(), '--copy-to', `${mirror.host}/kf`, '--fork', fork], {
      ...vars,
      PATH: `${join(process.execPath, '..')}:/usr/bin/git-only-not-here`,
    });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('apt-get install skopeo');
    expect(await env.git(['ls-remote', fork])).toBe(before);
  });

  it(
    'copies every image by digest, locks it in the fork, and skips it all the second time',
    { timeout: 600_000 },
    async () => {
      const listed = await runCli([...args(), '--output', 'json'], vars);
      expect(listed.code, listed.stderr).toBe(0);
      const images = (JSON.parse(listed.stdout) as ImagesJson).images.map((i) => i.image);
      expect(images).toContain('quay.io/jetstack/cert-manager-acmesolver:v1.19.4');
      // Argo CD's own, installed where the cluster has none, are copied and locked like the rest.
      expect(images).toContain(`quay.io/argoproj/argocd:${ARGOCD_VERSION}`);
      await pushSyntheticImages(source.host, images, { ...process.env, ...vars });

      const first = await runCli(
        [...args(), '--copy-to', `${mirror.host}/kf`, '--fork', fork, '--output', 'json'],
        vars,
      );
      expect(first.code, first.stderr).toBe(0);
      const copy = (JSON.parse(first.stdout) as ImagesJson).copy!;
      expect(copy.copied).toBe(images.length);
      expect(copy.lock).toHaveLength(images.length);

      const clone = join(mkdtempSync(join(env.root, 'clone-')), 'fork');
      await env.git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, clone]);
      const lock = parse(readFileSync(join(clone, IMAGE_LOCK_FILE), 'utf8')) as {
        registry: string;
        images: { name: string; tag?: string; digest: string }[];
      };
      expect(lock.registry).toBe(`${mirror.host}/kf`);
      for (const e of lock.images) {
        // The digest locked is the one the mirror serves for the upstream name's path, and the source's.
        const at = `${mirror.host}/kf/${e.name}@${e.digest}`;
        await run('skopeo', ['inspect', '--raw', `docker://${at}`], { env: { ...process.env, ...vars } });
        const upstream = await run('skopeo', ['inspect', '--raw', `docker://${e.name}:${e.tag ?? ''}`], {
          env: { ...process.env, ...vars },
          encoding: 'buffer',
        });
        expect(e.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(upstream.stdout.length).toBeGreaterThan(0);
      }
      const head = (await env.git(['ls-remote', fork, 'kubeflow-gitops'])).split('\t')[0];

      const second = await runCli(
        [...args(), '--copy-to', `${mirror.host}/kf`, '--fork', fork, '--output', 'json'],
        vars,
      );
      expect(second.code, second.stderr).toBe(0);
      expect((JSON.parse(second.stdout) as ImagesJson).copy).toMatchObject({ copied: 0, skipped: images.length });
      expect((await env.git(['ls-remote', fork, 'kubeflow-gitops'])).split('\t')[0]).toBe(head);

      // fork --registry pins every reference to the locked digest.
      await runFork(
        env.options({
          fork,
          release: '26.03',
          target: 'local',
          components: 'cert-manager',
          registry: `${mirror.host}/kf`,
        }),
        env.deps(),
      );
      const pinned = join(mkdtempSync(join(env.root, 'clone-')), 'fork');
      await env.git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, pinned]);
      const digests = new Set(lock.images.map((e) => `${mirror.host}/kf/${e.name}@${e.digest}`));
      const rendered = (await renderOffline(pinned, ['overlays/local/cert-manager'])).get(
        'overlays/local/cert-manager',
      );
      expect(rendered?.error).toBeUndefined();
      const found = findImages(
        'cert-manager',
        parseAllDocuments(rendered?.yaml ?? '').map((d) => d.toJS() as unknown),
        IMAGE_LOCATIONS['26.03'],
      );
      expect(found.uses.length).toBeGreaterThan(0);
      for (const u of found.uses) expect(digests.has(u.reference), `${u.field}: ${u.reference}`).toBe(true);
      // And Argo CD's overlay, which install applies where the cluster has none.
      const argocd = (await renderOffline(pinned, ['overlays/argocd'])).get('overlays/argocd');
      expect(argocd?.error).toBeUndefined();
      const argocdUses = findImages(
        'argocd',
        parseAllDocuments(argocd?.yaml ?? '').map((d) => d.toJS() as unknown),
        ARGOCD_IMAGE_LOCATIONS,
      ).uses;
      expect(argocdUses.length).toBeGreaterThan(2);
      for (const u of argocdUses) expect(digests.has(u.reference), `${u.field}: ${u.reference}`).toBe(true);
    },
  );
});
