/**
 * The cluster half of install, apply and upgrade, once the fork branch holds the commit to run and
 * the preflight has passed: record what is here, adopt or install Argo CD, create the secrets,
 * retire what the fork dropped, create the missing CRDs (a failure stops the run before any seed),
 * seed a first install where Argo CD would sync it itself, apply the root, watch every component, and once
 * all are ready say how to open the dashboard. Every step is an ensure-step: re-running continues from
 * wherever an earlier run stopped.
 */
import type { ArgoPolicy } from '../core/argocd-documents.js';
import type { Interruptible } from '../core/interruptible.js';
import type { Release } from '../catalogue/releases.js';
import type { Deps } from '../deps.js';
import type { PreflightResult } from '../preflight/preflight.js';
import type { Kube, KubeObject } from '../systems/kube.js';
import { buildRootApplication } from '../plan/render-application.js';
import { crdsAheadRefusal } from '../plan/plan-component-seed.js';
import { readArgoPolicy } from '../systems/argocd-policy.js';
import type { ProgressMode } from '../ui/progress.js';
import type { WaitResult } from '../watch/wait-for-components.js';
import { applyRoot } from './apply-root.js';
import { refreshAndAwaitCompare } from '../systems/argocd.js';
import { seedFirstInstall, type SeedResult } from './seed-components.js';
import { ensureArgoCd } from './ensure-argocd.js';
import { ensureCredentials } from './ensure-cluster-secrets.js';
import { ensureLoginSecrets, type LoginSecret } from './ensure-login-secrets.js';
import { applyCrdsAhead, settleCrdsAhead } from './ensure-crds-ahead.js';
import { cacheInvalidationSafe } from '../preflight/argocd-version.js';
import type { ForkBranch } from './fork-branch.js';
import { crdRecorder, ensureInstallRecord } from './ensure-install-record.js';
import type { ForkRemote } from './locate-fork.js';
import { planUpgradeSteps } from '../plan/plan-upgrade-steps.js';
import { retireDroppedApplications, settleRetirements, thawPrunedRetirements } from './retire-applications.js';
import { tellHowToReach } from './tell-how-to-reach.js';
import { finishUpgradeSteps, prepareUpgradeSteps } from './upgrade-steps.js';
import { exitCodeOf, watchComponents } from './watch-components.js';

/** How the cluster half runs: flags of install, apply and upgrade. */
export interface ClusterOptions {
  readonly configureArgocd: boolean;
  /** Seed a first install (false: --no-seed, leave every component to Argo CD's own sync). */
  readonly seed: boolean;
  readonly componentTimeoutMs: number;
  readonly timeoutMs: number;
  readonly failureGraceMs: number;
  readonly progress: ProgressMode;
  /** How Ctrl-C reaches the watch (the CLI's withInterrupt); without it the watch runs to its end. */
  readonly interruptible?: Interruptible | undefined;
}

export interface Delivery {
  readonly remote: ForkRemote;
  readonly branch: string;
  readonly release: Release;
  readonly fork: ForkBranch;
  readonly preflight: PreflightResult;
  /** The identity provider's secrets, read before the first side effect (none without a provider). */
  readonly loginSecrets?: readonly LoginSecret[] | undefined;
}

export interface DeliveryResult {
  readonly exitCode: number;
  readonly revision: string;
  readonly wait: WaitResult;
}

/** The policy documents, or why they could not be read (seeding and the CRDs ahead then leave everything to Argo CD). */
async function readPolicy(kube: Kube, fork: ForkBranch, installedNow: boolean): Promise<ArgoPolicy | Error> {
  // The root's project is `default` (plan/render-application.ts); each child names its own.
  const projects = [
    'default',
    ...fork.applications.map((a) => (a.spec as { project?: string } | undefined)?.project || 'default'),
  ];
  return readArgoPolicy(kube, projects, { installedNow }).catch(
    (err: unknown) =>
      new Error(`what Argo CD would refuse could not be read: ${err instanceof Error ? err.message : String(err)}`),
  );
}

const rootApplication = (remote: ForkRemote, branch: string): KubeObject =>
  buildRootApplication({ repoURL: remote.repoURL, targetRevision: branch }) as KubeObject;

export async function deliverToCluster(
  kube: Kube,
  d: Delivery,
  cluster: ClusterOptions,
  deps: Deps,
): Promise<DeliveryResult> {
  const { fork, remote } = d;
  const forkApps = new Set(fork.components.map((c) => c.name));
  let removing: Promise<void> | undefined;
  const renders = fork.renders();
  let crdsAhead: Promise<unknown> | undefined;
  const watching = new AbortController();
  let thawing: Promise<void> | undefined;
  try {
    // Recorded before the first change, so uninstall knows what was here before (and after a kill here).
    const record = await ensureInstallRecord(kube, { argocdPresent: d.preflight.argocd?.present !== false });
    // What an adopted Argo CD would refuse, read before the CRDs ahead, which are part of its syncs too.
    const adopted = d.preflight.argocd?.present === true;
    const policy = adopted ? await readPolicy(kube, fork, false) : undefined;
    const root = rootApplication(remote, d.branch);
    const crdOptions = {
      // Argo CD installed now starts with every CRD there; an adopted one may hold a cache to rebuild.
      invalidate: adopted && cacheInvalidationSafe(d.preflight.argocd.version),
      beforeCreate: crdRecorder(kube, record),
      refuse:
        policy === undefined
          ? undefined
          : policy instanceof Error
            ? () => policy.message
            : crdsAheadRefusal(policy, root, fork.applications, Date.now()),
    };
    // Renders and CRD creation run while the next steps talk to the cluster.
    const applied = applyCrdsAhead(kube, renders, deps.log, crdOptions);
    // Awaited below; settled here so that a failure while the next steps run is not unhandled.
    crdsAhead = applied.catch(() => undefined);
    await ensureArgoCd(kube, d.preflight.argocd, fork.argocdObjects, { configure: cluster.configureArgocd }, deps.log);
    await ensureCredentials(kube, [...forkApps], remote, deps.log);
    await ensureLoginSecrets(kube, d.loginSecrets ?? [], deps.log);
    await retireDroppedApplications(kube, forkApps, d.release, record, deps.log);
    // Upstream's manual steps for any release this one follows, each only where the live object needs
    // it: a fork upgraded elsewhere (--no-apply) or a run killed after its push gets them here.
    const steps = planUpgradeSteps(undefined, d.release, forkApps, { holdData: false });
    await prepareUpgradeSteps(kube, steps, deps.log);
    // A CRD ahead that the cluster refused to record or list stops the run here, before any seed.
    const established = settleCrdsAhead(kube, await applied, deps.log, crdOptions);
    crdsAhead = established;
    // A first install (no root yet) is seeded: Argo CD's first comparisons find it Synced.
    let seeding: SeedResult | undefined;
    if (cluster.seed)
      seeding = await seedFirstInstall(
        kube,
        {
          fork,
          release: d.release,
          argocd: d.preflight.argocd,
          record,
          root,
          // An Argo CD installed by this run is read now that it is there.
          policy: policy ?? (await readPolicy(kube, fork, true)),
        },
        established,
        deps.log,
      );
    await established;
    await applyRoot(kube, remote, d.branch, fork, deps.log);
    // Beside the watch: the root is Synced only once the retired Applications it prunes are gone.
    thawing = thawPrunedRetirements(kube, deps.log, { timeoutMs: cluster.timeoutMs, signal: watching.signal }).catch(
      (err: unknown) => {
        deps.log.warn(`could not let Argo CD finish deleting a retired Application: ${String(err)}`);
      },
    );
    // The working copy is not needed any more: removing thousands of files takes seconds, so do it
    // during the watch rather than between the last component turning ready and the exit.
    removing = fork.cleanup();
    const watch = () =>
      watchComponents(kube, { ...cluster, components: fork.components, revision: fork.revision, seeding });
    let wait = await watch();
    if (wait.outcome.kind === 'ready') {
      await settleRetirements(kube, forkApps, record, deps.log);
      if (await finishUpgradeSteps(kube, steps, forkApps, deps.log)) {
        // Taking off a one-time option or a hold, or deleting an old object, is a change Argo CD compares
        // again: the run ends on what that comparison says, not on the one from before.
        deps.log.step('checking every component again after the upgrade steps');
        await refreshAndAwaitCompare(kube, [...forkApps]);
        wait = await watch();
      }
    }
    if (wait.outcome.kind === 'ready') await tellHowToReach(kube, deps, { json: cluster.progress === 'json' });
    return { exitCode: exitCodeOf(wait), revision: fork.revision, wait };
  } finally {
    watching.abort();
    await thawing;
    await crdsAhead;
    await (removing ?? fork.cleanup());
  }
}
