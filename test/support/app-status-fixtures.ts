/**
 * Where the captured Argo CD Application documents live: test/fixtures/app-status/<Argo CD version>/,
 * one folder per line the local cluster runs (test/tools/capture-app-status.ts writes them).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_VERSIONS, type ArgocdVersion } from '../../installer/systems/local-cluster/config.js';
import { projectRoot } from './fixtures.js';

export const APP_STATUS_ROOT = join(projectRoot, 'test', 'fixtures', 'app-status');

/** The captures of `version`, by default those of the Argo CD the cluster tier runs. */
export function appStatusDir(version: ArgocdVersion = ARGOCD_VERSIONS[0]): string {
  return join(APP_STATUS_ROOT, version);
}

/** The newest Argo CD line with a capture of `state` (some states exist only on older lines). */
export function newestShowing(state: string): ArgocdVersion {
  const found = ARGOCD_VERSIONS.find((v) => existsSync(join(appStatusDir(v), `${state}.json`)));
  if (found === undefined) throw new Error(`no Argo CD line has a capture of ${state} in ${APP_STATUS_ROOT}`);
  return found;
}

/**
 * Why a recipe's capture from `version` is not there yet (a recipe added since the last capture run),
 * or undefined. Outside CI the tests of that capture skip with this reason; in CI nothing is skipped
 * and the missing file fails them.
 */
export function uncaptured(state: string, version: ArgocdVersion = ARGOCD_VERSIONS[0]): string | undefined {
  if (existsSync(join(appStatusDir(version), `${state}.json`))) return undefined;
  const why = `no capture of ${state} from Argo CD ${version}; record it with: KFG_ARGOCD_VERSION=${version} npx tsx test/tools/capture-app-status.ts ${state}`;
  if (process.env.CI) return undefined;
  console.warn(`skipping: ${why}`);
  return why;
}
