/**
 * Renders each component's overlay in a working copy of the fork, as Argo CD's repo-server will:
 * `kubectl kustomize overlays/<target>/<component>`, two at a time (kustomize is CPU-bound).
 */
import { join } from 'node:path';
import type { Target } from '../catalogue/targets.js';
import { ARGOCD_OVERLAY_DIR } from '../core/constants.js';
import type { Deps } from '../deps.js';
import { overlayDir } from '../plan/render-overlay.js';
import type { KubeObject } from '../systems/kube.js';

export async function renderComponents(
  deps: Pick<Deps, 'kustomize' | 'log'>,
  dir: string,
  target: Target,
  components: readonly string[],
): Promise<Map<string, KubeObject[]>> {
  deps.log.step(`rendering ${components.length} components for target ${target}`);
  const out = new Map<string, KubeObject[]>();
  const queue = [...components];
  const worker = async () => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift())
      out.set(c, await deps.kustomize.build(join(dir, overlayDir(target, c))));
  };
  await Promise.all([worker(), worker()]);
  // In the selection's order, whatever order the renders finished in.
  return new Map(components.map((c) => [c, out.get(c) ?? []]));
}

/** The fork's Argo CD overlay as install applies it where the cluster has no Argo CD (ensure-argocd.ts). */
export async function renderArgoCd(deps: Pick<Deps, 'kustomize' | 'log'>, dir: string): Promise<KubeObject[]> {
  deps.log.step('rendering Argo CD');
  return deps.kustomize.build(join(dir, ARGOCD_OVERLAY_DIR));
}
