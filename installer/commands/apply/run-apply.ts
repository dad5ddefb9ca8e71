/**
 * `apply`: for a fork that exists, the cluster half of install: read the fork branch as pushed,
 * check the cluster, then adopt or install Argo CD, apply the root app-of-apps and watch every
 * component to Synced-at-the-pushed-revision and Healthy.
 */
import type { Interruptible } from '../../core/interruptible.js';
import type { Deps } from '../../deps.js';
import { passPreflight } from '../../steps/pass-preflight.js';
import { connectCluster } from '../../steps/connect-cluster.js';
import { clusterChoice } from '../../inputs/cluster-choice.js';
import { deliverToCluster } from '../../steps/deliver-to-cluster.js';
import { cloneForkBranch, type ForkBranch } from '../../steps/fork-branch.js';
import { locateFork } from '../../steps/locate-fork.js';
import { refuseUnreadableFork } from '../../inputs/argocd-reach.js';
import { clusterOptionsFrom } from '../../steps/cluster-options.js';
import { forkOptionsFrom, type ForkOptions } from '../../inputs/fork-options.js';
import type { MergedSettings } from '../../inputs/merge-settings.js';
import { checkLoginIssuer } from '../../steps/check-login-issuer.js';
import { loginSecretsFor } from '../../steps/ensure-login-secrets.js';

export interface ApplyInvocation {
  readonly merged: MergedSettings;
  readonly yes: boolean;
  readonly output: 'text' | 'json';
  readonly stderr: { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly interruptible?: Interruptible | undefined;
}

export async function runApply(inv: ApplyInvocation, deps: Deps): Promise<number> {
  const settings = inv.merged.values;
  const opts = forkOptionsFrom(settings, inv, deps.env);
  refuseUnreadableFork(opts);
  const kube = connectCluster(deps, clusterChoice(settings, inv.merged.origins));
  const cluster = clusterOptionsFrom(settings, {
    output: opts.output,
    isTTY: inv.stderr.isTTY === true,
    env: deps.env,
  });
  const loginSecrets = await loginSecretsFor(opts.login, deps.env);
  await checkLoginIssuer(opts.login, deps.log);
  const remote = await locateFork(opts, deps);
  const fork = await cloneForkBranch(opts, deps, remote);
  const preflight = await passPreflight(kube, preflightInputs(opts, fork), deps.log, {
    unchanged: 'nothing was changed',
  }).catch(async (err: unknown) => {
    await fork.cleanup();
    throw err;
  });
  const delivered = await deliverToCluster(
    kube,
    { remote, branch: opts.branch, release: opts.release, fork, preflight, loginSecrets },
    { ...cluster, interruptible: inv.interruptible },
    deps,
  );
  if (opts.output !== 'json') inv.stdout.write(`${remote.repoURL} ${opts.branch} ${delivered.revision}\n`);
  return delivered.exitCode;
}

/** The fork's Applications are the selection: they size the capacity check. */
const preflightInputs = (opts: ForkOptions, fork: ForkBranch) => ({
  release: opts.release,
  target: opts.target,
  footprint: opts.footprint,
  components: fork.components.map((c) => c.name),
});
