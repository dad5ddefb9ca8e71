/**
 * `demo`: the whole GitOps install on the embedded local cluster, in one command. It checks what it
 * needs before doing anything, brings the local cluster up (building what is missing), forks into a
 * bare repository under the state directory, installs with `--target local` through the same steps
 * as install, and ends with the status, what is simulated and what to try next. Re-running it reuses
 * the cluster and the fork and, when everything is in place already, applies nothing.
 */
import type { Interruptible } from '../../core/interruptible.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveComponents, type ResolvedComponent } from '../../catalogue/resolve-components.js';
import type { Deps } from '../../deps.js';
import { ExitCode, UserError } from '../../core/errors.js';
import { passPreflight } from '../../steps/pass-preflight.js';
import { connectCluster } from '../../steps/connect-cluster.js';
import { clusterChoice } from '../../inputs/cluster-choice.js';
import { deliverToCluster, type ClusterOptions, type Delivery } from '../../steps/deliver-to-cluster.js';
import type { ForkBranch } from '../../steps/fork-branch.js';
import { locateFork } from '../../steps/locate-fork.js';
import { updateFork } from '../../steps/update-fork.js';
import { exitCodeOf, watchComponents } from '../../steps/watch-components.js';
import { clusterOptionsFrom } from '../../steps/cluster-options.js';
import { forkOptionsFrom, type ForkOptions } from '../../inputs/fork-options.js';
import type { MergedSettings } from '../../inputs/merge-settings.js';
import { listApplications } from '../../systems/argocd.js';
import type { Kube } from '../../systems/kube.js';
import type { LocalCluster, LocalClusterUp } from '../../systems/local-cluster.js';
import { CLUSTER_INTRO, IN_PLACE, closingNotes, clusterUpSentence, prerequisitesMessage } from './describe-demo.js';
import { demoForkPath, demoSettings } from '../../inputs/demo-settings.js';
import { installInPlace } from './install-in-place.js';

export interface DemoInvocation {
  readonly merged: MergedSettings;
  readonly stderr: { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly interruptible?: Interruptible | undefined;
}

export async function runDemo(inv: DemoInvocation, deps: Deps): Promise<number> {
  // Everything that can fail without a side effect comes first: the settings, then the tools.
  const demo = demoSettings(inv.merged, deps.stateDir);
  const opts = forkOptionsFrom(demo.settings, { yes: true, output: 'text' }, deps.env);
  const components = resolveComponents(opts.components, opts.release);
  const cluster = {
    ...clusterOptionsFrom(demo.settings, { output: 'text', isTTY: inv.stderr.isTTY === true, env: deps.env }),
    interruptible: inv.interruptible,
  };
  const localCluster = deps.localCluster;
  requirePrerequisites(localCluster, deps.env);
  for (const label of demo.ignored)
    deps.log.warn(`${label} is not used: demo installs on the local cluster from its own fork`);

  const up = await startLocalCluster(localCluster, deps);
  const kube = connectCluster(deps, clusterChoice({ kubeconfig: up.kubeconfig }));
  const preflight = await passPreflight(kube, preflightInputs(opts, components), deps.log, {
    unchanged: 'nothing was changed',
  });
  const forkPath = demoForkPath(deps.stateDir);
  deps.log.step(existsSync(forkPath) ? `reusing the demo fork ${forkPath}` : `creating the demo fork ${forkPath}`);
  const found = await locateFork(opts, deps);
  const { published, fork, remote } = await updateFork(opts, deps, found, components);

  const delivery = { remote, branch: opts.branch, release: opts.release, fork, preflight };
  const installed = await installUnlessInPlace(kube, delivery, published.pushed, cluster, deps);
  const status = await showStatus(kube, fork, cluster, deps);
  // A source checkout has the TypeScript and scripts/; an installed package has only dist/.
  const fromCheckout = existsSync(join(deps.packageRoot, 'installer', 'cli.ts'));
  for (const line of closingNotes({ kubeconfig: up.kubeconfig, clusterDir: up.stateDir, forkPath, fromCheckout }))
    deps.log.info(line);
  inv.stdout.write(`${remote.repoURL} ${opts.branch} ${fork.revision}\n`);
  return installed ?? status;
}

function requirePrerequisites(localCluster: LocalCluster, env: NodeJS.ProcessEnv): void {
  const missing = localCluster.missing(env);
  if (missing.length > 0) throw new UserError(prerequisitesMessage(missing), ExitCode.preflight);
}

async function startLocalCluster(localCluster: LocalCluster, deps: Deps): Promise<LocalClusterUp> {
  deps.log.step(CLUSTER_INTRO);
  const up = await localCluster.up((m) => {
    deps.log.info(m);
  });
  for (const line of clusterUpSentence(up)) deps.log.info(line);
  return up;
}

const preflightInputs = (opts: ForkOptions, components: readonly ResolvedComponent[]) => ({
  release: opts.release,
  target: opts.target,
  footprint: opts.footprint,
  components: components.map((c) => c.spec.name),
});

/**
 * The cluster half of install, unless an earlier run left everything as this one would (nothing
 * pushed now, the root at this commit, every component ready): then nothing is applied, and it says so.
 * Returns the delivery's exit code, or undefined when there was nothing to do.
 */
async function installUnlessInPlace(
  kube: Kube,
  d: Delivery,
  pushed: boolean,
  cluster: ClusterOptions,
  deps: Deps,
): Promise<number | undefined> {
  const expected = {
    repoURL: d.remote.repoURL,
    branch: d.branch,
    revision: d.fork.revision,
    components: d.fork.components.map((c) => c.name),
  };
  if (!pushed && installInPlace(await listApplications(kube), expected)) {
    await d.fork.cleanup();
    deps.log.step(IN_PLACE);
    return undefined;
  }
  return (await deliverToCluster(kube, d, cluster, deps)).exitCode;
}

/** What `status` reports: every component of the fork, assessed once at the fork's commit. */
async function showStatus(kube: Kube, fork: ForkBranch, cluster: ClusterOptions, deps: Deps): Promise<number> {
  const n = fork.components.length;
  deps.log.step(`status: ${n} component${n === 1 ? '' : 's'} at ${fork.revision.slice(0, 7)}`);
  const wait = await watchComponents(kube, {
    components: fork.components,
    revision: fork.revision,
    componentTimeoutMs: 0,
    timeoutMs: 0,
    failureGraceMs: 0,
    progress: cluster.progress,
    interruptible: cluster.interruptible,
  });
  return exitCodeOf(wait);
}
