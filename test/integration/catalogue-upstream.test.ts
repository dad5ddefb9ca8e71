import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPONENTS } from '../../installer/catalogue/components.js';
import { RELEASES } from '../../installer/catalogue/releases.js';
import { TARGET_INFO } from '../../installer/catalogue/targets.js';
import { fixturesDir, fixturesMissing } from '../support/fixtures.js';

const run = promisify(execFile);

/** The catalogue is checked against the real releases: paths come from each example/kustomization.yaml. */
describe.skipIf(fixturesMissing())('catalogue against the real Kubeflow releases', () => {
  let repo: string;
  beforeAll(async () => {
    repo = join(mkdtempSync(join(tmpdir(), 'kfg-cat-')), 'manifests');
    await run('git', ['clone', '--quiet', '--bare', join(fixturesDir, 'git', 'kubeflow-manifests.bundle'), repo]);
  });
  const dirs = async (release: string) =>
    new Set(
      (
        await run('git', ['-C', repo, 'ls-tree', '-r', '-d', '--name-only', release], { maxBuffer: 1 << 26 })
      ).stdout.split('\n'),
    );

  for (const release of RELEASES) {
    it(`${release}: every component path and target variant exists`, async () => {
      const present = await dirs(release);
      for (const c of COMPONENTS) {
        const path = c.paths[release];
        if (path !== undefined) expect(present.has(path), `${c.name}: ${path}`).toBe(true);
      }
      for (const t of Object.values(TARGET_INFO)) {
        for (const v of Object.values(t.variants)) expect(present.has(v.to), `${t.name}: ${v.to}`).toBe(true);
      }
    });

    it(`${release}: every resource of example/kustomization.yaml is exactly one default component`, async () => {
      const { stdout } = await run('git', ['-C', repo, 'show', `${release}:example/kustomization.yaml`]);
      const entries = (parse(stdout) as { resources: string[] }).resources.map((r) => r.replace(/^\.\.\//, ''));
      const defaults = COMPONENTS.filter(
        (c) => c.paths[release] !== undefined && (c.defaultIn ?? [release]).includes(release),
      );
      expect(defaults.map((c) => c.paths[release]).sort()).toEqual([...entries].sort());
    });
  }
});
