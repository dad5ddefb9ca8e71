/**
 * The fork branch as the cluster steps need it: the commit Argo CD must sync, the child Applications
 * with their waves, and Argo CD's own manifests (rendered only when Argo CD is installed or
 * configured). Read from the working copy a run already has, or from one clone when it has none.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARGOCD_OVERLAY_DIR } from '../constants.js';
import type { Deps } from '../deps.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import { inWaveOrder } from '../plan/install-applications.js';
import type { KubeObject } from '../systems/kube.js';
import type { ForkRemote } from './locate-fork.js';
import { readForkApplications } from './read-fork-files.js';

export interface ForkBranch {
  readonly revision: string;
  readonly components: { name: string; wave: number }[];
  readonly argocdObjects: () => Promise<KubeObject[]>;
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
  return {
    revision,
    components: inWaveOrder(await readForkApplications(dir)),
    argocdObjects: () => deps.kustomize.build(join(dir, ARGOCD_OVERLAY_DIR)),
    cleanup,
  };
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
  return { ...read, argocdObjects: () => Promise.resolve(objects) };
}
