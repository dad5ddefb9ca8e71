/** The root app-of-apps, server-side applied, and a refresh of it and every child so Argo CD reads the new commit now. */
import { ROOT_APP_NAME } from '../core/constants.js';
import { buildRootApplication } from '../plan/render-application.js';
import { refreshApplication } from '../systems/argocd.js';
import { displayUrl } from '../systems/git.js';
import type { Kube, KubeObject } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';
import type { ForkBranch } from './fork-branch.js';
import type { ForkRemote } from './locate-fork.js';

export async function applyRoot(
  kube: Kube,
  remote: ForkRemote,
  branchName: string,
  fork: ForkBranch,
  log: Logger,
): Promise<void> {
  log.step(
    `applying the root Application "${ROOT_APP_NAME}" (${displayUrl(remote.repoURL)} ${branchName} @ ${fork.revision.slice(0, 7)})`,
  );
  await kube.apply(buildRootApplication({ repoURL: remote.repoURL, targetRevision: branchName }) as KubeObject);
  // At once: on a first install most children do not exist yet and each answer is a quick 404.
  await Promise.all([ROOT_APP_NAME, ...fork.components.map((c) => c.name)].map((n) => refreshApplication(kube, n)));
}
