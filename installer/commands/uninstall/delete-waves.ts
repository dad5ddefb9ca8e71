/**
 * Deletes the Applications wave by wave, highest wave first, each cascading through Argo CD while it
 * still runs; waits for every wave to be gone before the next. Returns why the first stuck wave is stuck.
 */
import type { Deps } from '../../deps.js';
import type { UninstallPlan } from '../../plan/build-uninstall-plan.js';
import { APPLICATIONS_PATH, applicationRef } from '../../systems/argocd.js';
import type { Kube } from '../../systems/kube.js';
import { waitUntilGone } from '../../watch/wait-until-gone.js';
import { describeStuck } from './describe-stuck.js';
import { stopIfInterrupted, type UninstallOptions } from './uninstall-steps.js';

export async function deleteWaves(
  kube: Kube,
  plan: UninstallPlan,
  opts: UninstallOptions,
  deps: Deps,
  deleted: string[],
): Promise<string[]> {
  for (const w of plan.waves) {
    deps.log.step(`wave ${w.wave}: deleting ${w.apps.join(', ')}`);
    for (const name of w.apps) await kube.delete(applicationRef(name));
    const r = await waitUntilGone(kube, APPLICATIONS_PATH, w.apps, {
      timeoutMs: opts.waveTimeoutMs,
      signal: opts.signal,
      onDone: (n) => {
        deps.log.info(`✔ ${n} and its resources are gone`);
        deleted.push(`Application ${n}`);
      },
    });
    stopIfInterrupted(r);
    if (r.remaining.length > 0) return describeStuck(kube, r.remaining);
  }
  return [];
}
