/**
 * `upgrade` keeps `--registry`: a 26.03 fork made with `--registry registry.example.com/kf`, upgraded
 * to 26.03.1-rc.2 with no registry given, renders every child offline with every image reference
 * (fields and hidden places) in the registry, derived again from the new release's own references.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_LOCATIONS } from '../../installer/catalogue/image-locations.js';
import { runFork } from '../../installer/commands/fork/run-fork.js';
import { findImages } from '../../installer/images/find-images.js';
import { runUpgrade } from '../../installer/commands/upgrade/run-upgrade.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startForkEnv, type ForkEnv } from '../support/fork-env.js';
import { renderOffline } from '../support/render-offline.js';

const REGISTRY = 'registry.example.com/kf';

describe.skipIf(fixturesMissing())('upgrade keeps --registry', () => {
  let env: ForkEnv;
  beforeAll(async () => {
    env = await startForkEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  it('26.03 -> 26.03.1-rc.2: every image still from the registry', { timeout: 1_200_000 }, async () => {
    const fork = await env.newFork('registry-upgrade');
    const target = 'kind';
    await runFork(env.options({ fork, release: '26.03', target, components: 'all', registry: REGISTRY }), env.deps());
    const r = await runUpgrade({ fork: env.options({ fork }), to: '26.03.1-rc.2', action: 'start' }, env.deps());
    expect(r.kind).toBe('upgraded');

    const clone = join(mkdtempSync(join(env.root, 'clone-')), 'fork');
    await env.git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, clone]);
    const paths = readdirSync(join(clone, 'kubeflow-apps'))
      .filter((f) => f.endsWith('.yaml'))
      .map(
        (f) =>
          (parse(readFileSync(join(clone, 'kubeflow-apps', f), 'utf8')) as { spec: { source: { path: string } } }).spec
            .source.path,
      );
    const outside: string[] = [];
    let hidden = 0;
    for (const [path, rendered] of await renderOffline(clone, paths)) {
      expect(rendered.error, path).toBeUndefined();
      const found = findImages(
        path,
        parseAllDocuments(rendered.yaml ?? '').map((d) => d.toJS() as unknown),
        IMAGE_LOCATIONS['26.03.1-rc.2'],
      );
      expect(found.unaccounted, path).toEqual([]);
      for (const u of found.uses) {
        if (u.how === 'hidden') hidden += 1;
        if (!u.reference.startsWith(`${REGISTRY}/`)) outside.push(`${path} ${u.field}: ${u.reference}`);
      }
    }
    expect(outside).toEqual([]);
    // rc.2's own references (KServe v0.18.0), not 26.03's carried over.
    expect(readFileSync(join(clone, 'overlays', target, 'kserve', 'registry', 'kustomization.yaml'), 'utf8')).toContain(
      `${REGISTRY}/docker.io/kserve/storage-initializer:v0.18.0`,
    );
    expect(hidden).toBeGreaterThan(25);
  });
});
