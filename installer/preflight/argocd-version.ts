/**
 * Which Argo CD versions the installer installs, adopts and is tested on, and what it says about the
 * one a cluster runs. Pure: preflight passes in the version it detected.
 */
import { ARGOCD_VERSION } from '../constants.js';

/** Each line upstream still patches, at the release the test suite runs (newest first). */
export const ARGOCD_TESTED = [ARGOCD_VERSION, 'v3.4.7', 'v3.3.14'] as const;

/**
 * The oldest Argo CD whose result is right: every child Application syncs with ServerSideApply=true
 * (Kubeflow's CRDs are too large for client-side apply's annotation), which Argo CD has since v2.5.
 */
export const ARGOCD_MINIMUM = 'v2.5.0';

export interface ArgoCdVersionVerdict {
  readonly status: 'ok' | 'warn' | 'fail';
  readonly message: string;
  readonly fix?: string | undefined;
}

interface Semver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** `v3.4.7`, `3.4.7`, `v3.5.0-rc1` or an image digest suffix; undefined for anything else (`latest`). */
export function parseArgoCdVersion(version: string | undefined): Semver | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

const compare = (a: Semver, b: Semver): number => a.major - b.major || a.minor - b.minor || a.patch - b.patch;
const line = (v: Semver): string => `v${v.major}.${v.minor}`;
const tested = ARGOCD_TESTED.join(', ');

/** What preflight says about adopting the Argo CD at `version` (undefined: it could not be read). */
export function judgeArgoCdVersion(version: string | undefined): ArgoCdVersionVerdict {
  const v = parseArgoCdVersion(version);
  if (v === undefined) {
    const seen = version === undefined ? 'its version could not be read' : `its version "${version}" is not a release`;
    return { status: 'warn', message: `${seen}; kubeflow-gitops is tested on Argo CD ${tested}` };
  }
  const minimum = parseArgoCdVersion(ARGOCD_MINIMUM);
  if (minimum !== undefined && compare(v, minimum) < 0) {
    return {
      status: 'fail',
      message: `Argo CD ${version ?? ''} cannot sync Kubeflow: it has no ServerSideApply sync option (${ARGOCD_MINIMUM}+)`,
      fix: `upgrade Argo CD to one of ${tested}`,
    };
  }
  if (ARGOCD_TESTED.some((t) => line(parseArgoCdVersion(t) ?? v) === line(v))) {
    const exact = (ARGOCD_TESTED as readonly string[]).includes(`v${v.major}.${v.minor}.${v.patch}`);
    return exact
      ? { status: 'ok', message: `Argo CD ${version ?? ''} is tested` }
      : { status: 'warn', message: `Argo CD ${version ?? ''} is a supported line; the tests run ${tested}` };
  }
  const newest = parseArgoCdVersion(ARGOCD_TESTED[0]);
  const newer = newest !== undefined && compare(v, newest) > 0;
  return {
    status: 'warn',
    message: newer
      ? `Argo CD ${version ?? ''} is newer than kubeflow-gitops is tested on (${tested})`
      : `Argo CD ${version ?? ''} no longer gets fixes upstream and is not tested here (tested: ${tested})`,
  };
}

/**
 * Whether asking this Argo CD to rebuild its cluster cache is safe. From v3.5 gitops-engine starts
 * watches again in a goroutine after each APIService event, and creating CRDs registers APIServices:
 * an invalidation in that window leaves the goroutine a nil map, and the controller panics ("assignment
 * to entry in nil map" in startMissingWatches, seen on v3.5.1). Unknown versions are not risked.
 */
export function cacheInvalidationSafe(version: string | undefined): boolean {
  const v = parseArgoCdVersion(version);
  return v !== undefined && compare(v, { major: 3, minor: 5, patch: 0 }) < 0;
}
