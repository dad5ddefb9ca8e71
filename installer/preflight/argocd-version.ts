/**
 * Which Argo CD versions the installer installs, adopts and is tested on, and what it says about the
 * one a cluster runs. Pure: preflight passes in the version it detected.
 */
import { ARGOCD_VERSION } from '../core/constants.js';

/**
 * The lines Argo CD still patches (its three newest minors), newest first, each with the release the
 * test suite runs: the installed one by the whole cluster tier, the others by `npm run test:adopt`.
 * kubeflow-gitops adopts these as they are; an older line gets an end-of-life warning.
 */
export const ARGOCD_LINES = [
  { line: 'v3.6', tested: ARGOCD_VERSION },
  { line: 'v3.5', tested: 'v3.5.1' },
  { line: 'v3.4', tested: 'v3.4.7' },
] as const;

/** Each supported line at the release the test suite runs (newest first). */
export const ARGOCD_TESTED = ARGOCD_LINES.map((l) => l.tested);

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
const lineOf = (v: Semver): string => `v${v.major}.${v.minor}`;
const tested = ARGOCD_TESTED.join(', ');
const supported = ARGOCD_LINES.map((l) => l.line).join(', ');
/** The oldest supported line at patch 0: anything below it is past its end of life upstream. */
const oldestSupported = parseArgoCdVersion(`${ARGOCD_LINES[ARGOCD_LINES.length - 1]?.line ?? 'v0.0'}.0`);

/** What preflight says about adopting the Argo CD at `version` (undefined: it could not be read). */
export function judgeArgoCdVersion(version: string | undefined): ArgoCdVersionVerdict {
  const v = parseArgoCdVersion(version);
  if (v === undefined) {
    const seen = version === undefined ? 'its version could not be read' : `its version "${version}" is not a release`;
    return { status: 'warn', message: `${seen}; kubeflow-gitops is tested on Argo CD ${tested}` };
  }
  const shown = version ?? '';
  const minimum = parseArgoCdVersion(ARGOCD_MINIMUM);
  if (minimum !== undefined && compare(v, minimum) < 0) {
    return {
      status: 'fail',
      message: `Argo CD ${shown} cannot sync Kubeflow: it has no ServerSideApply sync option (${ARGOCD_MINIMUM}+)`,
      fix: `upgrade Argo CD to a supported line (${supported}; tested: ${tested})`,
    };
  }
  const line = ARGOCD_LINES.find((l) => l.line === lineOf(v));
  if (line !== undefined) {
    return line.tested === `v${v.major}.${v.minor}.${v.patch}`
      ? { status: 'ok', message: `Argo CD ${shown} is tested` }
      : { status: 'warn', message: `Argo CD ${shown} is a supported line (${line.line}); the tests run ${tested}` };
  }
  if (oldestSupported !== undefined && compare(v, oldestSupported) < 0) {
    return {
      status: 'warn',
      message: `Argo CD ${shown} is end of life: upstream patches only ${supported}, and kubeflow-gitops is not tested on ${lineOf(v)} (tested: ${tested})`,
      fix: `upgrade Argo CD to a supported line (${supported})`,
    };
  }
  // Not a supported line and not older than one: newer than the suite has run.
  return { status: 'warn', message: `Argo CD ${shown} is newer than kubeflow-gitops is tested on (${tested})` };
}

/**
 * Whether asking this Argo CD to rebuild its cluster cache is safe. From v3.5 gitops-engine starts
 * watches again in a goroutine after each APIService event, and creating CRDs registers APIServices:
 * an invalidation in that window leaves the goroutine a nil map, and the controller panics ("assignment
 * to entry in nil map" in startMissingWatches, seen on v3.5.1). v3.6.2's gitops-engine has the same
 * code (Invalidate still sets apisMeta to nil, reconcileAPIServiceWatches still retries
 * startMissingWatches for ~25 s without a check), so v3.6 is not safe either. Unknown versions are not risked.
 */
export function cacheInvalidationSafe(version: string | undefined): boolean {
  const v = parseArgoCdVersion(version);
  return v !== undefined && compare(v, { major: 3, minor: 5, patch: 0 }) < 0;
}
