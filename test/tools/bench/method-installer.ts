/**
 * The installer method: `kubeflow-gitops install` into an empty fork, from process start to exit, on a
 * fresh cluster. With `argocd: 'adopted'` the cluster runs Argo CD as the local cluster does and the
 * installer adopts it; with `argocd: 'absent'` the cluster is empty and the installer installs Argo CD
 * from the fork too (its processes start once its pods run: argocd-pods.ts). The installer's API
 * requests go through a counting proxy, its memory is sampled, and the bench's own observer (a
 * separate watch) times each component; afterwards every Application's operation state is read.
 */
import { ARGOCD_NAMESPACE, LABEL_MANAGED_BY, TOOL } from '../../../installer/core/constants.js';
import { createKube, type Kube, type KubeObject } from '../../../installer/systems/kube.js';
import type { ClusterInfo } from '../../../installer/systems/local-cluster/lifecycle.js';
import { startArgocdWhenItsPodsRun, type ArgocdStart } from './argocd-pods.js';
import { keepLog, tail } from './cli-log.js';
import { freshCluster, saveFork, startProxy } from './cluster.js';
import type { RunContext } from './context.js';
import { forkArgs, newForkRepo } from './fork-source.js';
import { installerResult, type InstallerResult } from './installer-result.js';
import { componentWaves, observedComponents, observeWhenServed, readiness, type Observer } from './observer.js';
import { seedingFromLog, summarizeOperations, type ApplicationStatusView } from './operation-state.js';
import { runCli } from './run-cli.js';
import { round } from './stats.js';
import { lastDeploymentAvailable } from './workloads.js';

/** How long the observer may take to receive the events up to a list made after the installer exited. */
const CATCH_UP_MS = 30_000;

export async function runInstallerMethod(
  ctx: RunContext,
  opts: { readonly argocd: 'adopted' | 'absent' },
): Promise<{ result: InstallerResult; info: ClusterInfo }> {
  const o = ctx.o;
  const { info, seconds: upSeconds } = await freshCluster(ctx.log, {
    argocd: opts.argocd === 'absent' ? 'absent' : 'bootstrap',
  });
  const kube = createKube({ kubeconfig: info.kubeconfig });
  const { name, url } = newForkRepo(info);
  const abort = new AbortController();
  ctx.defer(() => {
    abort.abort();
  });

  // Both run beside the installer; their failures are raised once it has exited.
  const argocdStart: Promise<ArgocdStart | undefined> =
    opts.argocd === 'absent'
      ? startArgocdWhenItsPodsRun(kube, { timeoutMs: o.timeoutMs, signal: abort.signal, log: ctx.log })
      : Promise.resolve(undefined);
  const observing = observeWhenServed(kube, { log: ctx.log, timeoutMs: o.timeoutMs, signal: abort.signal }).then(
    (obs) => {
      // Started as the run was being torn down: nothing will stop it later.
      if (obs && abort.signal.aborted) obs.stop();
      else if (obs)
        ctx.defer(() => {
          obs.stop();
        });
      return obs;
    },
  );
  argocdStart.catch(() => undefined);
  observing.catch(() => undefined);

  const proxy = await startProxy(info);
  ctx.defer(() => proxy.close());
  ctx.log(`installer: install ${o.components} into ${url}${opts.argocd === 'absent' ? ', Argo CD absent' : ''}`);
  const cli = await runCli(
    [
      'install',
      ...forkArgs(ctx, info, url),
      '--timeout',
      `${Math.round(o.timeoutMs / 60_000)}m`,
      ...o.installArgs,
      '--kubeconfig',
      proxy.kubeconfig,
    ],
    {
      flavour: o.flavour,
      env: ctx.cliEnv({ KFG_GIT_TOKEN: info.gitToken }),
      sampleMemory: true,
      onLine: (l) => {
        if (/ready —|watching|►/.test(l.text)) ctx.log(`  | ${l.text}`);
      },
    },
  );
  const logFile = keepLog(opts.argocd === 'absent' ? 'install-empty' : 'install', cli);
  ctx.log(`installer: exit ${cli.code} after ${round(cli.seconds, 1)} s; output in ${logFile}`);
  const [, branch, revision] = cli.stdout.trim().split('\n').at(-1)?.split(' ') ?? [];
  if (revision === undefined || branch === undefined)
    throw new Error(`install exited ${cli.code} and printed no revision (output in ${logFile}):\n${tail(cli, 30)}`);
  saveFork(info, {
    name,
    gitUrl: info.gitUrl,
    url,
    branch,
    revision,
    release: o.release,
    components: o.components,
    target: o.target,
  });

  const started = await argocdStart;
  const observer = await observing;
  if (observer === undefined) throw new Error('installer: the Application CRD never appeared');
  const apps = await applications(kube);
  const observerCaughtUp = await catchUp(observer, apps);
  if (!observerCaughtUp) ctx.log(`observer: not caught up with the final list after ${CATCH_UP_MS / 1000} s`);
  const names = observedComponents(observer);
  return {
    info,
    result: installerResult({
      cli,
      proxy,
      revision,
      log: logFile,
      clusterUpSeconds: upSeconds,
      argocd: opts.argocd === 'absent' ? 'installed' : 'adopted',
      argocdStart: started,
      names,
      readiness: readiness(observer, revision, names),
      waves: componentWaves(observer),
      workloadsAvailable: await lastDeploymentAvailable(kube, cli.startedAtEpoch),
      operations: summarizeOperations(apps, revision, cli.startedAtEpoch, seedingFromLog(cli.lines.map((l) => l.text))),
      observerCaughtUp,
      observerWatch: { ...observer.stats },
      nodeOptions: o.nodeOptions,
    }),
  };
}

type ListedApplication = KubeObject & ApplicationStatusView & { metadata?: { resourceVersion?: string } };

/** The managed Applications as the API server has them now (the bench's own connection, not the proxy). */
async function applications(kube: Kube): Promise<ListedApplication[]> {
  const selector = encodeURIComponent(`${LABEL_MANAGED_BY}=${TOOL}`);
  return (
    await kube.request<{ items: ListedApplication[] }>(
      'GET',
      `/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications?labelSelector=${selector}`,
    )
  ).items;
}

/** Waits until the observer has had the event of every listed Application's state (bounded). */
async function catchUp(observer: Observer, apps: readonly ListedApplication[]): Promise<boolean> {
  const items = apps.map((a) => ({ name: a.metadata?.name ?? '', resourceVersion: a.metadata?.resourceVersion ?? '' }));
  return (await observer.until(() => observer.hasSeen(items), CATCH_UP_MS)) !== undefined;
}
