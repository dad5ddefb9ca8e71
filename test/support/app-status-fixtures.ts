/**
 * Where the captured Argo CD Application documents live: test/fixtures/app-status/<Argo CD version>/,
 * one folder per line the local cluster runs (test/tools/capture-app-status.ts writes them), and the
 * captures of lines it ran before (FROZEN_LINES).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_VERSIONS } from '../../installer/systems/local-cluster/config.js';
import { projectRoot } from './fixtures.js';

export const APP_STATUS_ROOT = join(projectRoot, 'test', 'fixtures', 'app-status');

/**
 * Lines the local cluster no longer builds, whose captures stay as they were recorded: v3.3 is end of
 * life, but an adopted 3.3 is still watched with the same readiness function, and only 3.3 ever showed
 * awaits-deleted. Nothing can re-capture them; a recipe added later has no capture from them.
 */
export const FROZEN_LINES = ['v3.3.14'] as const;

/** Every line with captures, newest first. */
export const CAPTURED_LINES = [...ARGOCD_VERSIONS, ...FROZEN_LINES] as const;
export type CapturedLine = (typeof CAPTURED_LINES)[number];

const isFrozen = (version: CapturedLine): boolean => (FROZEN_LINES as readonly string[]).includes(version);

/** The captures of `version`, by default those of the Argo CD the cluster tier runs. */
export function appStatusDir(version: CapturedLine = ARGOCD_VERSIONS[0]): string {
  return join(APP_STATUS_ROOT, version);
}

/** The newest Argo CD line with a capture of `state` (some states exist only on older lines). */
export function newestShowing(state: string): CapturedLine {
  const found = CAPTURED_LINES.find((v) => existsSync(join(appStatusDir(v), `${state}.json`)));
  if (found === undefined) throw new Error(`no Argo CD line has a capture of ${state} in ${APP_STATUS_ROOT}`);
  return found;
}

/**
 * Why a recipe's capture from `version` is not there yet (a recipe added since the last capture run),
 * or undefined. Outside CI the tests of that capture skip with this reason; in CI nothing is skipped
 * and the missing file fails them. A frozen line cannot be captured again, so a state it lacks is
 * simply not one of its cases, in CI too.
 */
export function uncaptured(state: string, version: CapturedLine = ARGOCD_VERSIONS[0]): string | undefined {
  if (existsSync(join(appStatusDir(version), `${state}.json`))) return undefined;
  if (isFrozen(version)) return `Argo CD ${version} is end of life and was never captured showing ${state}`;
  const why = `no capture of ${state} from Argo CD ${version}; record it with: KFG_ARGOCD_VERSION=${version} npx tsx test/tools/capture-app-status.ts ${state}`;
  if (process.env.CI) return undefined;
  console.warn(`skipping: ${why}`);
  return why;
}
