/**
 * `fork --registry registry.example.com/kf`, every target, 26.03 and 26.03.1-rc.2: a fresh clone of
 * the pushed branch renders every child Application offline, and no image reference in any render
 * (`image:` fields and every hidden place the release lists), Argo CD's overlay's included, points
 * outside the registry. A second
 * run writes nothing new.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGOCD_IMAGE_LOCATIONS, IMAGE_LOCATIONS } from '../../installer/catalogue/image-locations.js';
import { TARGETS, type Target } from '../../installer/catalogue/targets.js';
import { runFork } from '../../installer/commands/fork/run-fork.js';
import { findImages } from '../../installer/images/find-images.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startForkEnv, type ForkEnv } from '../support/fork-env.js';
import { renderOffline } from '../support/render-offline.js';

const REGISTRY = 'registry.example.com/kf';
const RELEASES = ['26.03', '26.03.1-rc.2'] as const;
/**
 * The rewrites are per component, and a target only moves the overlay they sit in: by default each
 * release runs on two targets, four of the eight in all, which
 * keeps CI in its budget; KFG_REGISTRY_MATRIX=all runs every release on every target (about 15 min).
 */
const CASES: readonly (readonly [(typeof RELEASES)[number], Target])[] =
  process.env.KFG_REGISTRY_MATRIX === 'all'
    ? RELEASES.flatMap((r) => TARGETS.map((t) => [r, t] as const))
    : [
        ['26.03', 'generic'],
        ['26.03', 'kind'],
        ['26.03.1-rc.2', 'local'],
        ['26.03.1-rc.2', 'eks'],
      ];

describe.skipIf(fixturesMissing())(`fork --registry ${REGISTRY}`, () => {
  let env: ForkEnv;
  beforeAll(async () => {
    env = await startForkEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  for (const [release, target] of CASES)
    it(`${release} ${target}: every image from the registry`, { timeout: 900_000 }, async () => {
      const forkUrl = await env.newFork(`registry-${release}-${target}`);
      const opts = env.options({ fork: forkUrl, release, target, components: 'all', registry: REGISTRY });
      const first = await runFork(opts, env.deps());
      expect(first.pushed).toBe(true);

      const clone = join(mkdtempSync(join(env.root, 'clone-')), 'fork');
      await env.git(['clone', '--quiet', '--branch', opts.branch, forkUrl, clone]);
      const apps = readdirSync(join(clone, 'kubeflow-apps'))
        .filter((f) => f.endsWith('.yaml'))
        .map(
          (f) => parse(readFileSync(join(clone, 'kubeflow-apps', f), 'utf8')) as { spec: { source: { path: string } } },
        )
        .map((a) => a.spec.source.path);
      const renders = await renderOffline(clone, apps);
      const outside: string[] = [];
      let references = 0;
      for (const [path, r] of renders) {
        expect(r.error, path).toBeUndefined();
        const objects = parseAllDocuments(r.yaml ?? '').map((d) => d.toJS() as unknown);
        const found = findImages(path, objects, IMAGE_LOCATIONS[release]);
        expect(found.unaccounted, path).toEqual([]);
        for (const u of found.uses) {
          references += 1;
          if (!u.reference.startsWith(`${REGISTRY}/`)) outside.push(`${path} ${u.field}: ${u.reference}`);
        }
        // Istio's proxy is assembled from the hub: the hub itself must be the registry's.
        for (const u of found.uses.filter((x) => x.hub !== undefined)) expect(u.hub, path).toMatch(`${REGISTRY}/`);
      }
      expect(outside).toEqual([]);
      expect(references).toBeGreaterThan(100);
      // Argo CD's own overlay (applied where the cluster has none) pulls from the registry too.
      const argocd = (await renderOffline(clone, ['overlays/argocd'])).get('overlays/argocd');
      expect(argocd?.error).toBeUndefined();
      const argocdUses = findImages(
        'argocd',
        parseAllDocuments(argocd?.yaml ?? '').map((d) => d.toJS() as unknown),
        ARGOCD_IMAGE_LOCATIONS,
      );
      expect(argocdUses.unaccounted).toEqual([]);
      expect(argocdUses.uses.length).toBeGreaterThan(2);
      expect(argocdUses.uses.map((u) => u.reference).filter((r) => !r.startsWith(`${REGISTRY}/`))).toEqual([]);

      // An ensure-step: the same run again commits nothing.
      const again = await runFork(opts, env.deps());
      expect(again.revision).toBe(first.revision);
    });
});
