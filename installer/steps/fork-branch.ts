/**
 * The fork branch as the cluster steps need it: the commit Argo CD must sync, the child Applications
 * with their waves, and Argo CD's own manifests (rendered only when Argo CD is installed or
 * configured). Read from the working copy a run already has, or from one clone when it has none.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANNOTATION_COMPONENT, ARGOCD_OVERLAY_DIR } from '../core/constants.js';
import type { Deps } from '../deps.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import type { RenderedComponent } from '../plan/crds-ahead.js';
import { inWaveOrder, syncWave } from '../plan/install-applications.js';
import { describeUnresolved, findUnresolvedVars } from '../plan/unresolved-vars.js';
import type { KubeObject } from '../systems/kube.js';
import type { ForkRemote } from './locate-fork.js';
import { readForkApplications } from './read-fork-files.js';

export interface ForkBranch {
  readonly revision: string;
  readonly components: { name: string; wave: number }[];
  /** The child Applications as the fork's kubeflow-apps/ holds them, what the root creates. */
  readonly applications: readonly KubeObject[];
  readonly argocdObjects: () => Promise<KubeObject[]>;
  /**
   * Each component rendered as Argo CD will render it (kustomize of its path), one promise per component
   * so a caller can act on each as it lands; started once, on first call. A failed render rejects its own.
   */
  readonly renders: () => readonly Promise<RenderedComponent>[];
  /** One component's render from `renders()`, undefined when it failed or no component has that name. */
  readonly renderOf: (component: string) => Promise<RenderedComponent | undefined>;
  /** Removes the working copy it was read from; safe to call more than once. */
  readonly cleanup: () => Promise<void>;
}

/** The branch in a working copy at `revision` (install: the one it just pushed). */
export async function forkBranchIn(
  dir: string,
  revision: string,
  deps: Deps,
  cleanup: () => Promise<void>,
): Promise<ForkBranch> {
  const apps = await readForkApplications(dir);
  let rendering: readonly Render[] | undefined;
  const started = () => (rendering ??= renderComponents(dir, apps, deps));
  return {
    revision,
    components: inWaveOrder(apps),
    applications: apps,
    argocdObjects: () => deps.kustomize.build(join(dir, ARGOCD_OVERLAY_DIR)),
    renders: () => started().map((r) => r.render),
    renderOf: (component) =>
      started()
        .find((r) => r.component === component)
        ?.render.catch(() => undefined) ?? Promise.resolve(undefined),
    cleanup,
  };
}

interface Render {
  readonly component: string;
  readonly render: Promise<RenderedComponent>;
}

/** The installer's components whose source is a path in the fork, two renders at a time (kustomize is CPU-bound). */
function renderComponents(dir: string, apps: readonly KubeObject[], deps: Deps): Render[] {
  // In wave order: the first components to seed (seed-components.ts) are rendered first.
  const ordered = [...apps].sort((a, b) => (syncWave(a) ?? 0) - (syncWave(b) ?? 0));
  const jobs = ordered.flatMap((a) => {
    const path = (a as { spec?: { source?: { path?: unknown } } }).spec?.source?.path;
    const component = a.metadata?.annotations?.[ANNOTATION_COMPONENT];
    return typeof path === 'string' && component !== undefined ? [{ component, path }] : [];
  });
  let running = Promise.resolve();
  let other = Promise.resolve();
  return jobs.map((job, i) => {
    // Two lanes: each render waits for the one two places before it.
    const after = i % 2 === 0 ? running : other;
    const p = after.then(async () => {
      const objects = await deps.kustomize.build(join(dir, job.path));
      // Argo CD would apply a kustomize var left unresolved as written: say so while there is time to fix it.
      for (const v of findUnresolvedVars(objects))
        deps.log.warn(`${job.component} (${job.path}): ${describeUnresolved(v)}; Argo CD applies it as written`);
      return { component: job.component, objects };
    });
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    if (i % 2 === 0) running = settled;
    else other = settled;
    return { component: job.component, render: p };
  });
}

/** Clones the fork branch as pushed (apply: the fork exists already). */
export async function cloneForkBranch(opts: ForkOptions, deps: Deps, remote: ForkRemote): Promise<ForkBranch> {
  const base = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'kubeflow-gitops-apply-'));
  const dir = join(base, 'fork');
  const cleanup = () => rm(base, { recursive: true, force: true });
  try {
    await deps.git.cloneBranch(remote.pushUrl, opts.branch, dir, remote.auth);
    return await forkBranchIn(dir, await deps.git.headSha(dir), deps, cleanup);
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export interface SnapshotOptions {
  /** Render Argo CD's manifests now (the cluster steps will install or configure it). */
  readonly renderArgoCd: boolean;
}

/** The branch from a working copy that goes before the cluster steps run (upgrade's, under its lock). */
export async function snapshotForkBranch(
  dir: string,
  revision: string,
  deps: Deps,
  how: SnapshotOptions,
): Promise<ForkBranch> {
  const read = await forkBranchIn(dir, revision, deps, () => Promise.resolve());
  const objects = how.renderArgoCd ? await read.argocdObjects() : [];
  // Rendered now, while the working copy is certainly there; a failed render is left to Argo CD to report.
  const rendered = (await Promise.allSettled(read.renders())).flatMap((r) =>
    r.status === 'fulfilled' ? [r.value] : [],
  );
  const done = rendered.map((r) => Promise.resolve(r));
  return {
    ...read,
    argocdObjects: () => Promise.resolve(objects),
    renders: () => done,
    renderOf: (component) => Promise.resolve(rendered.find((r) => r.component === component)),
  };
}
