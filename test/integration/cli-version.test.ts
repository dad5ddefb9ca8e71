/**
 * `kubeflow-gitops --version` through the real CLI: the version from package.json, and with
 * `--output json` the Kubeflow releases and Argo CD versions, taken from the same data the
 * commands use (a release or an Argo CD line added there shows up here).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NEWEST_RELEASE, RELEASES, RELEASE_INFO } from '../../installer/catalogue/releases.js';
import { ARGOCD_VERSION } from '../../installer/core/constants.js';
import { ARGOCD_LINES, ARGOCD_MINIMUM, ARGOCD_TESTED } from '../../installer/preflight/argocd-version.js';
import { projectRoot } from '../support/fixtures.js';
import { runCli } from '../support/fork-env.js';

const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };

describe('--version', () => {
  it('prints the version from package.json', async () => {
    const r = await runCli(['--version'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('--output json: the version, the Kubeflow releases and the Argo CD versions', async () => {
    const r = await runCli(['--version', '--output', 'json'], {});
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      version: string;
      kubeflow: { default: string; releases: { tag: string; preRelease: boolean; default: boolean }[] };
      argocd: { installs: string; adopts: string[]; tested: string[]; minimum: string };
    };
    expect(json.version).toBe(pkg.version);
    expect(json.kubeflow.default).toBe(NEWEST_RELEASE);
    expect(json.kubeflow.releases.map(({ tag, preRelease, default: d }) => ({ tag, preRelease, default: d }))).toEqual(
      RELEASES.map((tag) => ({ tag, preRelease: RELEASE_INFO[tag].preRelease, default: tag === NEWEST_RELEASE })),
    );
    expect(json.kubeflow.releases.find((x) => x.tag === '26.03.1-rc.2')).toMatchObject({ preRelease: true });
    expect(json.argocd).toEqual({
      installs: ARGOCD_VERSION,
      adopts: ARGOCD_LINES.map((l) => l.line),
      tested: [...ARGOCD_TESTED],
      minimum: ARGOCD_MINIMUM,
    });
    expect(json.argocd.adopts).toEqual(['v3.6', 'v3.5', 'v3.4']);
    expect(json.argocd.tested[0]).toBe(json.argocd.installs);
  });

  it('an unknown command is still named as one', async () => {
    const r = await runCli(['no-such-command'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'no-such-command'");
  });
});
