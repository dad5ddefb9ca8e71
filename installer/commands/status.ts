/**
 * `status [--watch]`: the same assessment `install` makes, for an existing install. The root
 * Application says which fork and branch Argo CD follows; the branch's commit on the fork is the
 * revision every component must be synced at. Without --watch it reports once and exits.
 */
import { ARGOCD_NAMESPACE, ROOT_APP_NAME } from '../constants.js';
import { inWaveOrder, isInstallApplication } from '../plan/install-applications.js';
import type { Deps } from '../deps.js';
import { ExitCode, UserError } from '../errors.js';
import type { GitAuth } from '../systems/git.js';
import { argoCdServed, listApplications } from '../systems/argocd.js';
import type { Kube, KubeObject } from '../systems/kube.js';
import { createProgressReporter, type ProgressMode } from '../ui/progress.js';
import { explainFromObjects } from '../watch/explain-from-objects.js';
import { waitForComponents } from '../watch/wait-for-components.js';
import { exitCodeOf } from './apply.js';

export interface StatusOptions {
  readonly watch: boolean;
  readonly timeoutMs: number;
  readonly componentTimeoutMs: number;
  readonly failureGraceMs: number;
  readonly progress: ProgressMode;
  /** Expect this commit instead of the branch's current one. */
  readonly revision?: string | undefined;
  readonly auth: GitAuth;
}

interface App extends KubeObject {
  spec?: { source?: { repoURL?: string; targetRevision?: string } };
}

export async function runStatus(opts: StatusOptions, deps: Deps, kube: Kube): Promise<number> {
  if (!(await argoCdServed(kube)))
    throw new UserError(
      `Argo CD is not installed in context "${kube.target.context}" (the argoproj.io API is not served), so there is no install to report on; run install`,
      ExitCode.preflight,
    );
  const root = await kube.get<App>({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    namespace: ARGOCD_NAMESPACE,
    name: ROOT_APP_NAME,
  });
  if (!root)
    throw new UserError(
      `no Kubeflow install found in context "${kube.target.context}": the root Application ${ARGOCD_NAMESPACE}/${ROOT_APP_NAME} does not exist (run install)`,
      ExitCode.preflight,
    );
  const repoURL = root.spec?.source?.repoURL ?? '';
  const branch = root.spec?.source?.targetRevision ?? '';
  let revision = opts.revision;
  if (revision === undefined) {
    const url = repoURL.startsWith('file://') ? repoURL.slice('file://'.length) : repoURL;
    revision = await deps.git.remoteBranchSha(url, branch, opts.auth);
    if (revision === undefined)
      throw new UserError(
        `branch ${branch} is not in ${repoURL}: the root Application follows a branch that does not exist`,
        ExitCode.failure,
      );
  }
  // The components, and any Application a team added to the fork's kubeflow-apps/: install waits for
  // every Application the root deploys, so status reports the same set.
  const components = inWaveOrder(
    (await listApplications(kube)).filter((a) => isInstallApplication(a) && a.metadata?.name !== ROOT_APP_NAME),
  );
  deps.log.step(
    `${components.length} components from ${repoURL} ${branch} @ ${revision.slice(0, 7)} (context "${kube.target.context}")`,
  );

  const reporter = createProgressReporter(opts.progress);
  reporter.start(components);
  const abort = new AbortController();
  const onSigint = () => {
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    const wait = await waitForComponents(kube, {
      components,
      root: ROOT_APP_NAME,
      expectedRevision: revision,
      signal: abort.signal,
      componentTimeoutMs: opts.watch ? opts.componentTimeoutMs : 0,
      overallTimeoutMs: opts.watch ? opts.timeoutMs : 0,
      failureGraceMs: opts.watch ? opts.failureGraceMs : 0,
      onState: (n, s) => {
        reporter.update(n, s);
      },
      onNote: (m) => {
        reporter.note(m);
      },
    });
    // Said per workload when Argo CD keeps no per-resource health (see explain-from-objects).
    await reporter.finish(await explainFromObjects(kube, wait.states));
    return exitCodeOf(wait);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
