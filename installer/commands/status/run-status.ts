/**
 * `status [--watch]`: the same assessment `install` makes, for an existing install. The root
 * Application says which fork and branch Argo CD follows; the branch's commit on the fork is the
 * revision every component must be synced at. Without --watch it reports once and exits; when
 * everything is ready it ends with how to open the dashboard.
 */
import type { Interruptible } from '../../core/interruptible.js';
import { ARGOCD_NAMESPACE, ROOT_APP_NAME } from '../../core/constants.js';
import type { Deps } from '../../deps.js';
import { ExitCode, UserError } from '../../core/errors.js';
import { tellHowToReach } from '../../steps/tell-how-to-reach.js';
import { exitCodeOf, watchComponents } from '../../steps/watch-components.js';
import { inWaveOrder, isInstallApplication } from '../../plan/install-applications.js';
import { applicationRef, argoCdServed, listApplications } from '../../systems/argocd.js';
import type { GitAuth } from '../../systems/git.js';
import type { Kube, KubeObject } from '../../systems/kube.js';
import type { ProgressMode } from '../../ui/progress.js';
import { checkPodImages } from '../../steps/check-pod-images.js';

export interface StatusOptions {
  readonly watch: boolean;
  readonly timeoutMs: number;
  readonly componentTimeoutMs: number;
  readonly failureGraceMs: number;
  readonly progress: ProgressMode;
  /** Expect this commit instead of the branch's current one. */
  readonly revision?: string | undefined;
  readonly auth: GitAuth;
  readonly interruptible?: Interruptible | undefined;
  /** `--registry`: also name every container whose image is not from there. */
  readonly registry?: string | undefined;
}

interface App extends KubeObject {
  spec?: { source?: { repoURL?: string; targetRevision?: string } };
}

export async function runStatus(opts: StatusOptions, deps: Deps, kube: Kube): Promise<number> {
  const root = await findRoot(kube);
  const repoURL = root.spec?.source?.repoURL ?? '';
  const branch = root.spec?.source?.targetRevision ?? '';
  const revision = opts.revision ?? (await branchHead(deps, repoURL, branch, opts.auth));
  const components = await installedComponents(kube);
  deps.log.step(
    `${components.length} components from ${repoURL} ${branch} @ ${revision.slice(0, 7)} (context "${kube.target.context}")`,
  );
  const wait = await watchComponents(kube, {
    components,
    revision,
    componentTimeoutMs: opts.watch ? opts.componentTimeoutMs : 0,
    timeoutMs: opts.watch ? opts.timeoutMs : 0,
    failureGraceMs: opts.watch ? opts.failureGraceMs : 0,
    progress: opts.progress,
    interruptible: opts.interruptible,
  });
  if (wait.outcome.kind === 'ready') await tellHowToReach(kube, deps, { json: opts.progress === 'json' });
  const foreign = opts.registry !== undefined ? await checkPodImages(kube, deps, opts.registry) : [];
  return foreign.length > 0 && exitCodeOf(wait) === ExitCode.ok ? ExitCode.degraded : exitCodeOf(wait);
}

/** The root app-of-apps, or a message saying there is no install here. */
async function findRoot(kube: Kube): Promise<App> {
  const where = `context "${kube.target.context}"`;
  if (!(await argoCdServed(kube)))
    throw new UserError(
      `Argo CD is not installed in ${where} (the argoproj.io API is not served), so there is no install to report on; run install`,
      ExitCode.preflight,
    );
  const root = await kube.get<App>(applicationRef(ROOT_APP_NAME));
  if (!root)
    throw new UserError(
      `no Kubeflow install found in ${where}: the root Application ${ARGOCD_NAMESPACE}/${ROOT_APP_NAME} does not exist (run install)`,
      ExitCode.preflight,
    );
  return root;
}

/** The commit the followed branch is at on the fork. */
async function branchHead(deps: Deps, repoURL: string, branch: string, auth: GitAuth): Promise<string> {
  const url = repoURL.startsWith('file://') ? repoURL.slice('file://'.length) : repoURL;
  const revision = await deps.git.remoteBranchSha(url, branch, auth);
  if (revision === undefined)
    throw new UserError(
      `branch ${branch} is not in ${repoURL}: the root Application follows a branch that does not exist`,
      ExitCode.failure,
    );
  return revision;
}

/**
 * The components, and any Application a team added to the fork's kubeflow-apps/: install waits for
 * every Application the root deploys, so status reports the same set.
 */
async function installedComponents(kube: Kube) {
  const apps = await listApplications(kube);
  return inWaveOrder(apps.filter((a) => isInstallApplication(a) && a.metadata?.name !== ROOT_APP_NAME));
}
