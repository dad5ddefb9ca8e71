/**
 * `images`: every image an install of the selection can run, `image:` fields and the references
 * hidden in environment variables, arguments and ConfigMaps alike, each with where it is used.
 * It reads the upstream release (through --upstream and --mirror), lays out the fork's files and
 * vendored bases in a temporary copy and renders every component, and Argo CD's overlay (the Argo CD
 * install puts in where the cluster has none) unless `--no-argocd`. With `--copy-to`, it then copies
 * each image to that registry with skopeo and commits the lock (name, tag, digest) to the fork.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARGOCD_IMAGE_LOCATIONS, IMAGE_LOCATIONS } from '../../catalogue/image-locations.js';
import { resolveComponents } from '../../catalogue/resolve-components.js';
import type { Deps } from '../../deps.js';
import { locateFork, type ForkRemote } from '../../steps/locate-fork.js';
import { openForkWorkspace, writeForkChanges } from '../../steps/fork-workspace.js';
import { mergeLock, planCopies } from '../../images/copy-plan.js';
import { findImages, type FoundImages } from '../../images/find-images.js';
import { buildImageReport, type ImageReport } from '../../images/image-list.js';
import { REGISTRY } from '../../inputs/settings.js';
import type { ForkOptions } from '../../inputs/fork-options.js';
import { UserError } from '../../core/errors.js';
import type { Skopeo } from '../../systems/skopeo.js';
import { copyImages, type CopyResult } from '../../steps/copy-images.js';
import { ARGOCD_COMPONENT } from '../../core/constants.js';
import { renderArgoCd, renderComponents } from '../../steps/render-components.js';
import { publishImageLock, readForkLock, requireForkBranch } from '../../steps/write-image-lock.js';

export interface ImagesOptions {
  readonly fork: ForkOptions;
  /** `--copy-to`: copy every image there and lock the digests in the fork. */
  readonly copyTo?: string | undefined;
  /**
   * Argo CD's own images (component `argocd`): true unless `--no-argocd`. Whether install adopts the
   * cluster's Argo CD or installs the fork's is only known at install time, from the cluster, so the
   * list includes them by default; `--no-argocd` is for a cluster that already runs Argo CD.
   */
  readonly argocd?: boolean | undefined;
  readonly skopeo: () => Skopeo;
}

export interface ImagesResult {
  readonly report: ImageReport;
  readonly copy?: (CopyResult & { readonly lockPushed: boolean }) | undefined;
}

export async function runImages(o: ImagesOptions, deps: Deps): Promise<ImagesResult> {
  const opts = o.fork;
  const components = resolveComponents(opts.components, opts.release);
  // Checks that can fail without side effects first: the registry's spelling, skopeo, the fork's branch.
  let copy: { skopeo: Skopeo; remote: ForkRemote; registry: string } | undefined;
  if (o.copyTo !== undefined) {
    if (!REGISTRY.test(o.copyTo))
      throw new UserError(`--copy-to "${o.copyTo}" must be <host>[:port][/prefix], e.g. registry.example.com/kf`);
    const skopeo = o.skopeo();
    deps.log.step(`using ${await skopeo.version()}`);
    const remote = await locateFork(opts, deps);
    await requireForkBranch(opts, deps, remote);
    copy = { skopeo, remote, registry: o.copyTo };
  }

  const report = await listImages(opts, deps, components, o.argocd !== false);
  if (copy === undefined) return { report };

  const base = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'kubeflow-gitops-lock-'));
  try {
    const dir = join(base, 'fork');
    await deps.git.cloneBranch(copy.remote.pushUrl, opts.branch, dir, copy.remote.auth);
    const before = await readForkLock(dir);
    const items = planCopies(report, copy.registry, before?.registry === copy.registry ? before : undefined);
    deps.log.step(`copying ${items.length} images to ${copy.registry}`);
    const copied = await copyImages(copy.skopeo, deps.log, items);
    const lock = mergeLock(before, copy.registry, copied.entries);
    const lockPushed = await publishImageLock(opts, deps, dir, copy.remote, lock);
    return { report, copy: { ...copied, lockPushed } };
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

/** Renders the release as a new fork would hold it: nothing is read from or written to the user's fork. */
async function listImages(
  opts: ForkOptions,
  deps: Deps,
  components: ReturnType<typeof resolveComponents>,
  argocd: boolean,
): Promise<ImageReport> {
  const scratch = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'kubeflow-gitops-images-'));
  try {
    const path = join(scratch, 'fork');
    const remote: ForkRemote = {
      pushUrl: path,
      repoURL: `file://${path}`,
      auth: { tokenHint: opts.tokenEnv },
      missing: 'images reads the upstream release',
    };
    const release = { ...opts, registry: undefined };
    const ws = await openForkWorkspace(release, deps, remote);
    try {
      await writeForkChanges(release, deps, ws, remote, components, { vendoring: 'fetch' });
      const names = components.map((c) => c.spec.name);
      const rendered = await renderComponents(deps, ws.dir, opts.target, names);
      const locations = IMAGE_LOCATIONS[opts.release];
      const found = new Map<string, FoundImages>(
        [...rendered].map(([name, objects]) => [name, findImages(name, objects, locations)]),
      );
      if (argocd)
        found.set(
          ARGOCD_COMPONENT,
          findImages(ARGOCD_COMPONENT, await renderArgoCd(deps, ws.dir), ARGOCD_IMAGE_LOCATIONS),
        );
      return buildImageReport(
        { release: opts.release, target: opts.target, surveyed: locations.surveyed !== false },
        found,
      );
    } finally {
      await ws.cleanup();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
