import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_VERSION } from '../../../installer/constants.js';
import { projectRoot } from '../../support/fixtures.js';
import {
  ARGOCD_TESTED,
  cacheInvalidationSafe,
  judgeArgoCdVersion,
  parseArgoCdVersion,
} from '../../../installer/preflight/argocd-version.js';

describe('judgeArgoCdVersion', () => {
  it('accepts every tested release as it is', () => {
    for (const v of ARGOCD_TESTED)
      expect(judgeArgoCdVersion(v)).toEqual({ status: 'ok', message: `Argo CD ${v} is tested` });
  });

  it('warns on another patch of a supported line, naming the tested releases', () => {
    const v = judgeArgoCdVersion('v3.4.2');
    expect(v.status).toBe('warn');
    expect(v.message).toContain('v3.4.2 is a supported line');
    expect(v.message).toContain('v3.5.1, v3.4.7, v3.3.14');
  });

  it('warns on a line upstream no longer patches and on one newer than tested', () => {
    const old = judgeArgoCdVersion('v3.2.12');
    expect(old.status).toBe('warn');
    expect(old.message).toContain('no longer gets fixes');
    expect(judgeArgoCdVersion('v2.14.9').status).toBe('warn');
    const next = judgeArgoCdVersion('v3.6.0-rc1');
    expect(next.status).toBe('warn');
    expect(next.message).toContain('newer than');
  });

  it('warns when the version cannot be read', () => {
    expect(judgeArgoCdVersion(undefined).message).toContain('could not be read');
    expect(judgeArgoCdVersion('latest').message).toContain('"latest" is not a release');
  });

  it('refuses an Argo CD that cannot server-side apply, with what to do', () => {
    const v = judgeArgoCdVersion('v2.4.28');
    expect(v.status).toBe('fail');
    expect(v.message).toContain('ServerSideApply');
    expect(v.fix).toContain('upgrade Argo CD');
  });

  it('reads versions from image tags', () => {
    expect(parseArgoCdVersion('v3.5.1')).toEqual({ major: 3, minor: 5, patch: 1 });
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
  it('is safe before v3.5 only: v3.5 panics when an invalidation meets an APIService reconcile', () => {
    expect(cacheInvalidationSafe('v3.4.7')).toBe(true);
    expect(cacheInvalidationSafe('v3.3.14')).toBe(true);
    expect(cacheInvalidationSafe('v3.5.1')).toBe(false);
    expect(cacheInvalidationSafe('latest')).toBe(false);
    expect(cacheInvalidationSafe(undefined)).toBe(false);
  });
});
