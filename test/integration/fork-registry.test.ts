/**
 * `fork --registry registry.example.com/kf`, every target, 26.03 and 26.03.1-rc.2: a fresh clone of
 * the pushed branch renders every child Application offline, and no image reference in any render
 * (`image:` fields and every hidden place the release lists), Argo CD's overlay's included, points
 * outside the registry. A second run writes nothing new. Every release on every target runs, in CI too.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGOCD_IMAGE_LOCATIONS, IMAGE_LOCATIONS } from '../../installer/catalogue/image-locations.js';
import { TARGETS } from '../../installer/catalogue/targets.js';
import { runFork } from '../../installer/commands/fork/run-fork.js';
import { findImages } from '../../installer/images/find-images.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startForkEnv, type ForkEnv } from '../support/fork-env.js';
import { renderOffline, type RenderCache } from '../support/render-offline.js';

const REGISTRY = 'registry.example.com/kf';
const RELEASES = ['26.03', '26.03.1-rc.2'] as const;
describe.skipIf(fixturesMissing())(`fork --registry ${REGISTRY}`, () => {
  let env: ForkEnv;
  beforeAll(async () => {
    env = await startForkEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  /**
   * Every release on every target. One fork repository per release with a branch per target, and a
   * render cache keyed by what kustomize reads (renderInputKey): the rewrites are per component and a
   * target only moves the overlay they sit in, so most targets render nothing new. That keeps all
   * sixteen cases within CI's budget.
   */
  for (const release of RELEASES)
    it(`${release}: every target's images come from the registry`, { timeout: 1_800_000 }, async () => {
      const forkUrl = await env.newFork(`registry-${release}`);
      const cache: RenderCache = new Map();
      for (const target of TARGETS) {
        const where = `${release}/${target}`;
        const opts = env.options({
          fork: forkUrl,
          release,
          target,
          components: 'all',
          registry: REGISTRY,
          branch: `kf-${target}`,
        });
        const first = await runFork(opts, env.deps());
        expect(first.pushed, where).toBe(true);

        const clone = join(mkdtempSync(join(env.root, 'clone-')), 'fork');
        await env.git(['clone', '--quiet', '--branch', opts.branch, forkUrl, clone]);
        const apps = readdirSync(join(clone, 'kubeflow-apps'))
          .filter((f) => f.endsWith('.yaml'))
          .map(
            (f) =>
              parse(readFileSync(join(clone, 'kubeflow-apps', f), 'utf8')) as { spec: { source: { path: string } } },
          )
          .map((a) => a.spec.source.path);
        const renders = await renderOffline(clone, apps, cache);
        const outside: string[] = [];
        let references = 0;
        for (const [path, r] of renders) {
          expect(r.error, `${where} ${path}`).toBeUndefined();
          const objects = parseAllDocuments(r.yaml ?? '').map((d) => d.toJS() as unknown);
          const found = findImages(path, objects, IMAGE_LOCATIONS[release]);
          expect(found.unaccounted, `${where} ${path}`).toEqual([]);
          for (const u of found.uses) {
            references += 1;
            if (!u.reference.startsWith(`${REGISTRY}/`)) outside.push(`${path} ${u.field}: ${u.reference}`);
          }
          // Istio's proxy is assembled from the hub: the hub itself must be the registry's.
          for (const u of found.uses.filter((x) => x.hub !== undefined))
            expect(u.hub, `${where} ${path}`).toMatch(`${REGISTRY}/`);
        }
        expect(outside, where).toEqual([]);
        expect(references, where).toBeGreaterThan(100);
        // Argo CD's own overlay (applied where the cluster has none) pulls from the registry too.
        const argocd = (await renderOffline(clone, ['overlays/argocd'], cache)).get('overlays/argocd');
        expect(argocd?.error, where).toBeUndefined();
        const argocdUses = findImages(
          'argocd',
          parseAllDocuments(argocd?.yaml ?? '').map((d) => d.toJS() as unknown),
          ARGOCD_IMAGE_LOCATIONS,
        );
        expect(argocdUses.unaccounted, where).toEqual([]);
        expect(argocdUses.uses.length, where).toBeGreaterThan(2);
        expect(
          argocdUses.uses.map((u) => u.reference).filter((r) => !r.startsWith(`${REGISTRY}/`)),
          where,
        ).toEqual([]);

        // An ensure-step: the same run again commits nothing (once per release is enough).
        if (target === TARGETS[0]) {
          const again = await runFork(opts, env.deps());
          expect(again.revision, where).toBe(first.revision);
        }
      }
    });
});
