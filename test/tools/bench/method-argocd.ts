/**
 * Plain Argo CD app-of-apps on the fork: the repository Secret, the two in-cluster secrets,
 * `kubectl apply -f kubeflow-apps/root/kubeflow.yaml`, no forced refresh; done when the bench's observer
 * sees every child Synced at the commit and Healthy with a Succeeded operation (the installer's
 * definition of ready).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { FORK_APPS_DIR } from '../../../installer/core/constants.js';
import { ensureClusterSecrets, repoCredentialSecret } from '../../../installer/steps/ensure-cluster-secrets.js';
import { clusterSecretsFor } from '../../../installer/plan/build-fork-plan.js';
import { createKube } from '../../../installer/systems/kube.js';
import type { ClusterInfo } from '../../../installer/systems/local-cluster/lifecycle.js';
import type { RunContext } from './context.js';
import { cloneFork, freshClusterWithFork, readComponents } from './fork-source.js';
import { readiness, startObserver, type Observer } from './observer.js';
import { round } from './stats.js';
import { lastDeploymentAvailable, type WorkloadsAvailable } from './workloads.js';

const run = promisify(execFile);

export interface ArgocdResult {
  readonly revision: string;
  readonly clusterUpSeconds: number;
  /** Until every component was ready (observer), or the timeout. */
  readonly wallSeconds: number;
  readonly timedOut: boolean;
  readonly lastComponent: string | undefined;
  readonly componentReadySeconds: Record<string, number | undefined>;
  readonly notReady: readonly string[];
  readonly workloadsAvailable?: WorkloadsAvailable | undefined;
}

/**
 * Something to run while Argo CD is busy syncing (the detection latency under an install's load):
 * it starts once `busy` holds for the observer (not after a fixed delay), and the method waits for it.
 */
export interface Alongside {
  readonly busy: (observer: Observer) => boolean;
  readonly run: (info: ClusterInfo) => Promise<void>;
}

export async function runArgocdMethod(ctx: RunContext, alongside?: Alongside): Promise<ArgocdResult> {
  const o = ctx.o;
  const { info, fork, upSeconds } = await freshClusterWithFork(ctx);
  const kube = createKube({ kubeconfig: info.kubeconfig });
  const work = mkdtempSync(join(tmpdir(), 'kfg-bench-argocd-'));
  ctx.defer(() => {
    rmSync(work, { recursive: true, force: true });
  });
  const env = { ...process.env, KUBECONFIG: info.kubeconfig };
  const dir = join(work, 'fork');
  await cloneFork(info, fork, dir);
  const names = readComponents(dir).map((c) => c.name);
  const observer = startObserver(kube, ctx.log);
  ctx.defer(() => {
    observer.stop();
  });
  const t0 = performance.now();
  const t0Epoch = Date.now();
  // What anyone installing from a private fork does first (the installer does the same).
  await kube.apply(repoCredentialSecret(fork.url, info.gitToken));
  await ensureClusterSecrets(kube, clusterSecretsFor(names));
  await run('kubectl', ['apply', '-f', join(dir, FORK_APPS_DIR, 'root', 'kubeflow.yaml')], { env });
  ctx.log(`argocd: root applied; waiting for ${names.length} components (no forced refresh)`);
  const side = alongside
    ? observer
        .until(() => alongside.busy(observer), o.timeoutMs)
        .then((at) => {
          if (at === undefined) throw new Error('argocd: Argo CD never got busy; nothing ran alongside');
          ctx.log(`argocd: Argo CD is syncing (${round((at - t0) / 1000, 1)} s after the root): running alongside`);
          return alongside.run(info);
        })
    : Promise.resolve();
  // Handled here so a failure alongside cannot end the process before it is awaited below.
  side.catch(() => undefined);
  const allReady = await observer.allReady(fork.revision, names, o.timeoutMs);
  await side;
  const end = allReady ?? performance.now();
  const r = readiness(observer, fork.revision, names);
  return {
    revision: fork.revision,
    clusterUpSeconds: upSeconds,
    wallSeconds: round((end - t0) / 1000, 2),
    timedOut: allReady === undefined,
    lastComponent: r.lastComponent,
    componentReadySeconds: Object.fromEntries(
      names.map((n) => [n, r.readyAt[n] !== undefined ? round(((r.readyAt[n] ?? 0) - t0) / 1000, 2) : undefined]),
    ),
    notReady: names.filter((n) => r.readyAt[n] === undefined),
    workloadsAvailable: await lastDeploymentAvailable(kube, t0Epoch),
  };
}
