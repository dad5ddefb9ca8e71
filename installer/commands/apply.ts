/**
 * `apply` (and the second half of `install`): preflight, adopt or install Argo CD, create the
 * in-cluster secrets and the repository credential, server-side-apply the root app-of-apps, request a
 * refresh, and watch every component to Synced-at-the-pushed-revision and Healthy. Every step is an
 * ensure-step: re-running continues from wherever an earlier run stopped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARGOCD_NAMESPACE, ARGOCD_OVERLAY_DIR, LABEL_MANAGED_BY, ROOT_APP_NAME, TOOL } from '../constants.js';
import type { Deps } from '../deps.js';
import { ExitCode, InterruptedError, UserError } from '../errors.js';
import { appHealthLuaFrom, configureArgoCd, installArgoCd } from '../execute/ensure-argocd.js';
import { ensureClusterSecrets } from '../execute/ensure-cluster-secrets.js';
import { ensureInstallRecord, markArgoCdConfigured } from '../execute/install-record.js';
import { readForkApplications } from '../execute/read-fork-files.js';
import { finishRetirements, prepareRetirements } from '../execute/retire-applications.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import type { Located } from './fork.js';
import { clusterSecretsFor } from '../plan/build-fork-plan.js';
import { planRetirements } from '../plan/plan-retirements.js';
import { buildRootApplication } from '../plan/render-application.js';
import { runPreflight, type Check } from '../preflight/run-preflight.js';
import { listApplications, refreshApplication } from '../systems/argocd.js';
import type { Kube, KubeObject } from '../systems/kube.js';
import { displayUrl } from '../systems/git.js';
import { createProgressReporter, type ProgressMode } from '../ui/progress.js';
import { inWaveOrder } from '../plan/install-applications.js';
import { explainFromObjects } from '../watch/explain-from-objects.js';
import { waitForComponents, type WaitResult } from '../watch/wait-for-components.js';

export interface ClusterOptions {
  readonly configureArgocd: boolean;
  readonly componentTimeoutMs: number;
  readonly timeoutMs: number;
  readonly failureGraceMs: number;
  readonly progress: ProgressMode;
}

export interface ApplyResult {
  readonly exitCode: number;
  readonly revision: string;
  readonly wait?: WaitResult | undefined;
  readonly checks: readonly Check[];
}

interface ForkState {
  readonly revision: string;
  readonly components: { name: string; wave: number }[];
  readonly argocdObjects: () => Promise<KubeObject[]>;
  readonly cleanup: () => Promise<void>;
}

/** Reads the fork branch as pushed: its child Applications (with waves) and the commit to expect. */
async function readFork(
  opts: ForkOptions,
  deps: Deps,
  pushUrl: string,
  auth: Parameters<Deps['git']['cloneBranch']>[3],
): Promise<ForkState> {
  const base = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'kubeflow-gitops-apply-'));
  const dir = join(base, 'fork');
  const cleanup = () => rm(base, { recursive: true, force: true });
  try {
    await deps.git.cloneBranch(pushUrl, opts.branch, dir, auth);
    const components = inWaveOrder(await readForkApplications(dir));
    return {
      revision: await deps.git.headSha(dir),
      components,
      argocdObjects: () => deps.kustomize.build(join(dir, ARGOCD_OVERLAY_DIR)),
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export async function runApply(
  opts: ForkOptions,
  cluster: ClusterOptions,
  deps: Deps,
  kube: Kube,
  located: Located,
): Promise<ApplyResult> {
  deps.log.step(`cluster: context "${kube.target.context}" at ${kube.target.server}`);
  const fork = await readFork(opts, deps, located.pushUrl, located.auth);
  const token = located.auth.token;
  let removing: Promise<void> | undefined;
  try {
    const selection = fork.components.map((c) => c.name);
    const pre = await runPreflight(kube, {
      release: opts.release,
      target: opts.target,
      footprint: opts.footprint,
      components: selection,
    });
    for (const c of pre.checks)
      (c.status === 'ok'
        ? (m: string) => {
            deps.log.info(m);
          }
        : (m: string) => {
            deps.log.warn(m);
          })(
        `${c.status === 'ok' ? '✔' : c.status === 'warn' ? '!' : '✗'} ${c.name}: ${c.message}${c.fix ? ` — fix: ${c.fix}` : ''}`,
      );
    if (!pre.ok)
      throw new UserError(
        `preflight failed for context "${kube.target.context}"; nothing was changed:\n${pre.checks
          .filter((c) => c.status === 'fail')
          .map((c) => `  - ${c.message}${c.fix ? ` (fix: ${c.fix})` : ''}`)
          .join('\n')}`,
        ExitCode.preflight,
      );

    // Recorded before the first change, so uninstall knows what was here before (and after a kill here).
    const record = await ensureInstallRecord(kube, { argocdPresent: pre.argocd?.present !== false });
    if (pre.argocd?.present === false) {
      deps.log.step('installing Argo CD v3.2.12 from the fork');
      await installArgoCd(kube, await fork.argocdObjects(), deps.log);
    } else if (pre.argocd && (!pre.argocd.appHealthCheck || !pre.argocd.persistsHealth) && cluster.configureArgocd) {
      const lua = appHealthLuaFrom(await fork.argocdObjects());
      if (lua !== undefined) {
        deps.log.step('configuring the adopted Argo CD (--configure-argocd)');
        await markArgoCdConfigured(kube);
        await configureArgoCd(kube, lua);
      }
    }

    const secrets = await ensureClusterSecrets(kube, clusterSecretsFor(selection));
    if (secrets.length > 0) deps.log.step(`created secrets with fresh random values: ${secrets.join(', ')}`);
    if (token) {
      await kube.apply({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: {
          name: `${TOOL}-repo`,
          namespace: ARGOCD_NAMESPACE,
          labels: { 'argocd.argoproj.io/secret-type': 'repository', [LABEL_MANAGED_BY]: TOOL },
        },
        stringData: { type: 'git', url: located.repoURL, username: 'x-access-token', password: token.value },
      });
    }
    // Before the root sees the commit that drops an Application (an upgrade folds a component into another).
    const forkApps = new Set(selection);
    const live = await listApplications(kube);
    await prepareRetirements(kube, planRetirements(live, forkApps, opts.release), live, record, deps.log);
    deps.log.step(
      `applying the root Application "${ROOT_APP_NAME}" (${displayUrl(located.repoURL)} ${opts.branch} @ ${fork.revision.slice(0, 7)})`,
    );
    await kube.apply(buildRootApplication({ repoURL: located.repoURL, targetRevision: opts.branch }) as KubeObject);
    for (const name of [ROOT_APP_NAME, ...selection]) await refreshApplication(kube, name);
    // The clone is not needed any more: removing thousands of files takes seconds, so do it during
    // the watch rather than between the last component turning ready and the exit.
    removing = fork.cleanup();

    const reporter = createProgressReporter(cluster.progress);
    reporter.start(fork.components);
    const abort = new AbortController();
    const onSigint = () => {
      abort.abort();
    };
    process.once('SIGINT', onSigint);
    let wait: WaitResult;
    try {
      wait = await waitForComponents(kube, {
        components: fork.components,
        root: ROOT_APP_NAME,
        expectedRevision: fork.revision,
        componentTimeoutMs: cluster.componentTimeoutMs,
        overallTimeoutMs: cluster.timeoutMs,
        failureGraceMs: cluster.failureGraceMs,
        signal: abort.signal,
        onState: (n, s) => {
          reporter.update(n, s);
        },
        onNote: (m) => {
          reporter.note(m);
        },
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    // Said per workload when Argo CD keeps no per-resource health (see explain-from-objects).
    await reporter.finish(await explainFromObjects(kube, wait.states));
    if (wait.outcome.kind === 'ready') {
      const pending = await finishRetirements(kube, forkApps, record, deps.log, {
        timeoutMs: RETIRE_WAIT_MS,
        signal: abort.signal,
      });
      if (pending.length > 0)
        deps.log.warn(
          `the root has not pruned ${pending.join(', ')} yet; what they deployed is settled by the next run of this command`,
        );
    }
    return { exitCode: exitCodeOf(wait), revision: fork.revision, wait, checks: pre.checks };
  } finally {
    await (removing ?? fork.cleanup());
  }
}

/** How long a ready install waits for the root to prune the Applications the fork dropped. */
const RETIRE_WAIT_MS = 120_000;

export function exitCodeOf(wait: WaitResult): number {
  switch (wait.outcome.kind) {
    case 'ready':
      return ExitCode.ok;
    case 'failed':
      return ExitCode.degraded;
    case 'timeout':
      return ExitCode.timeout;
    case 'interrupted':
      throw new InterruptedError(
        'interrupted: the cluster and the fork are as they were; run the same command again to continue',
      );
    case 'error':
      throw wait.outcome.error;
  }
}
