/**
 * doctor's registry check: the selection laid out as install would write it into the fork (the
 * fork's own branch and image lock when --fork is given, else the upstream release), with the
 * registry's rewrites, rendered, and every image it pulls looked up in the registry. All in a
 * temporary copy: nothing is pushed, and the fork is only read.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedComponent } from '../../catalogue/resolve-components.js';
import type { Deps } from '../../deps.js';
import type { ForkOptions } from '../../inputs/fork-options.js';
import type { Check } from '../../preflight/check.js';
import { checkSelectionImages, REGISTRY_CHECK, skopeoMissing } from '../../steps/check-registry-images.js';
import { openForkWorkspace, writeForkChanges } from '../../steps/fork-workspace.js';
import { locateFork, type ForkRemote } from '../../steps/locate-fork.js';
import { renderArgoCd, renderComponents } from '../../steps/render-components.js';

export async function checkRegistryForSelection(
  opts: ForkOptions & { readonly registry: string },
  forkGiven: boolean,
  components: readonly ResolvedComponent[],
  deps: Deps,
  argocdImages: boolean,
): Promise<Check> {
  // Before the release is read and rendered: without skopeo there is nothing to look up with.
  const skopeo = deps.skopeo();
  const noSkopeo = await skopeoMissing(skopeo);
  if (noSkopeo !== undefined) return noSkopeo;
  const scratch = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'kubeflow-gitops-doctor-'));
  try {
    const remote: ForkRemote = forkGiven
      ? await locateFork(opts, deps)
      : {
          pushUrl: join(scratch, 'none'),
          repoURL: `file://${join(scratch, 'none')}`,
          auth: { tokenHint: opts.tokenEnv },
          missing: 'doctor reads the upstream release',
        };
    const ws = await openForkWorkspace(opts, deps, remote);
    try {
      await writeForkChanges(opts, deps, ws, remote, components, { vendoring: 'fetch' });
      const names = components.map((c) => c.spec.name);
      const rendered = await renderComponents(deps, ws.dir, opts.target, names);
      return await checkSelectionImages(skopeo, deps.log, {
        registry: opts.registry,
        release: opts.release,
        dir: ws.dir,
        rendered: [...rendered].map(([component, objects]) => ({ component, objects })),
        argocd: argocdImages ? await renderArgoCd(deps, ws.dir) : undefined,
      });
    } finally {
      await ws.cleanup();
    }
  } catch (err) {
    // The selection could not be laid out (upstream unreachable, a fork that cannot be read): say so
    // as this check's failure; the cluster checks stand on their own.
    return {
      name: REGISTRY_CHECK,
      status: 'fail',
      message: `cannot list the selection's images: ${err instanceof Error ? err.message : String(err)}`,
      fix: 'check --upstream, --mirror and --fork (kubeflow-gitops images lists them with the same flags)',
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
