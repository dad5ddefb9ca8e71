import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_VERSION } from '../../../installer/core/constants.js';
import { projectRoot } from '../../support/fixtures.js';
import {
  ARGOCD_LINES,
  ARGOCD_TESTED,
  cacheInvalidationSafe,
  judgeArgoCdVersion,
  parseArgoCdVersion,
} from '../../../installer/preflight/argocd-version.js';

describe('the Argo CD lines kubeflow-gitops supports', () => {
  it('installs v3.6.2 and adopts the three lines upstream patches, each tested at one release', () => {
    expect(ARGOCD_VERSION).toBe('v3.6.2');
    expect(ARGOCD_LINES).toEqual([
      { line: 'v3.6', tested: 'v3.6.2' },
      { line: 'v3.5', tested: 'v3.5.1' },
      { line: 'v3.4', tested: 'v3.4.7' },
    ]);
    expect(ARGOCD_TESTED).toEqual(['v3.6.2', 'v3.5.1', 'v3.4.7']);
  });

  it('names each tested release in its own line, newest line first', () => {
    const lines = ARGOCD_LINES.map(({ line, tested }) => {
      const v = parseArgoCdVersion(tested);
      expect(`v${v?.major ?? '?'}.${v?.minor ?? '?'}`, tested).toBe(line);
      return (v?.major ?? 0) * 1000 + (v?.minor ?? 0);
    });
    expect(lines).toEqual([...lines].sort((a, b) => b - a));
  });
});

describe('judgeArgoCdVersion', () => {
  it('accepts every tested release as it is', () => {
    for (const v of ARGOCD_TESTED)
      expect(judgeArgoCdVersion(v)).toEqual({ status: 'ok', message: `Argo CD ${v} is tested` });
  });

  it('warns on another patch of a supported line, naming the line and the tested releases', () => {
    for (const [version, line] of [
      ['v3.6.0', 'v3.6'],
      ['v3.5.8', 'v3.5'],
      ['v3.4.14', 'v3.4'],
      ['v3.6.3-rc1', 'v3.6'],
    ] as const) {
      const v = judgeArgoCdVersion(version);
      expect(v.status, version).toBe('warn');
      expect(v.message).toBe(`Argo CD ${version} is a supported line (${line}); the tests run v3.6.2, v3.5.1, v3.4.7`);
      expect(v.fix).toBeUndefined();
    }
  });

  it('warns that v3.3 and older are end of life, naming the supported lines', () => {
    for (const version of ['v3.3.14', 'v3.3.0', 'v3.0.0', 'v2.14.9', 'v2.5.0']) {
      const v = judgeArgoCdVersion(version);
      expect(v.status, version).toBe('warn');
      expect(v.message).toContain(`Argo CD ${version} is end of life`);
      expect(v.message).toContain('upstream patches only v3.6, v3.5, v3.4');
      expect(v.message).toContain('tested: v3.6.2, v3.5.1, v3.4.7');
      expect(v.fix).toBe('upgrade Argo CD to a supported line (v3.6, v3.5, v3.4)');
    }
  });

  it('warns on a line newer than any tested', () => {
    for (const version of ['v3.7.0', 'v3.7.0-rc1', 'v4.0.1']) {
      const v = judgeArgoCdVersion(version);
      expect(v).toEqual({
        status: 'warn',
        message: `Argo CD ${version} is newer than kubeflow-gitops is tested on (v3.6.2, v3.5.1, v3.4.7)`,
      });
    }
  });

  it('warns when the version cannot be read', () => {
    expect(judgeArgoCdVersion(undefined)).toMatchObject({ status: 'warn' });
    expect(judgeArgoCdVersion(undefined).message).toContain('could not be read');
    expect(judgeArgoCdVersion('latest').message).toContain('"latest" is not a release');
  });

  it('refuses an Argo CD that cannot server-side apply, with what to do', () => {
    for (const version of ['v2.4.28', 'v1.8.7']) {
      const v = judgeArgoCdVersion(version);
      expect(v.status, version).toBe('fail');
      expect(v.message).toContain('ServerSideApply');
      expect(v.fix).toBe('upgrade Argo CD to a supported line (v3.6, v3.5, v3.4; tested: v3.6.2, v3.5.1, v3.4.7)');
    }
  });

  it('reads versions from image tags', () => {
    expect(parseArgoCdVersion('v3.6.2')).toEqual({ major: 3, minor: 6, patch: 2 });
    expect(parseArgoCdVersion('3.4.7@sha256:abc')).toEqual({ major: 3, minor: 4, patch: 7 });
    expect(parseArgoCdVersion('latest')).toBeUndefined();
  });
});

describe('the Argo CD the fork installs', () => {
  it('is the version the installer names (overlays/argocd pins the same tag)', () => {
    const kustomization = readFileSync(join(projectRoot, 'overlays', 'argocd', 'kustomization.yaml'), 'utf8');
    expect(kustomization).toContain(`manifests/cluster-install?ref=${ARGOCD_VERSION}`);
    expect(ARGOCD_TESTED[0]).toBe(ARGOCD_VERSION);
  });
});

describe('cacheInvalidationSafe', () => {
  it('is safe before v3.5 only: from v3.5 (v3.6.2 included) an invalidation can meet an APIService reconcile and panic', () => {
    expect(cacheInvalidationSafe('v3.4.7')).toBe(true);
    expect(cacheInvalidationSafe('v3.3.14')).toBe(true);
    expect(cacheInvalidationSafe('v3.5.1')).toBe(false);
    expect(cacheInvalidationSafe('v3.6.2')).toBe(false);
    expect(cacheInvalidationSafe('v3.7.0')).toBe(false);
    expect(cacheInvalidationSafe('latest')).toBe(false);
    expect(cacheInvalidationSafe(undefined)).toBe(false);
  });
});
