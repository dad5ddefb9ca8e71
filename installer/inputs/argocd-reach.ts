/**
 * Argo CD reads the fork from inside the cluster, so the fork must be somewhere its repo-server can
 * reach. A local path is readable only by the `local` target's repo-server, which runs on this
 * machine; on every other target a local path needs --argocd-repo-url saying where Argo CD reads the
 * same repository (the Applications are then written with that URL). Pure: checked before anything.
 */
import type { Target } from '../catalogue/targets.js';
import { ExitCode, UserError } from '../core/errors.js';
import type { ForkSpec } from './fork-options.js';

export interface ForkReach {
  readonly fork: ForkSpec;
  readonly target: Target;
  readonly argocdRepoUrl?: string | undefined;
}

/** Refuses (exit 2) a local path fork that Argo CD on the target could not read. */
export function refuseUnreadableFork(o: ForkReach): void {
  if (o.fork.kind !== 'local' || o.target === 'local' || o.argocdRepoUrl !== undefined) return;
  throw new UserError(
    `--fork ${o.fork.path} is a local path: Argo CD's repo-server runs in the ${o.target} cluster and cannot read it ` +
      '(a local path works only with --target local, whose repo-server runs on this machine). Nothing was changed.\n' +
      'Use a fork Argo CD can reach: --github-fork <owner>, or an HTTPS or SSH remote ' +
      '(--fork https://git.example.com/you/manifests.git or --fork git@git.example.com:you/manifests.git); ' +
      'or keep the path and pass --argocd-repo-url <url> (config key argocd-repo-url) saying where Argo CD reads the same repository.',
    ExitCode.usage,
  );
}
