/**
 * Would Argo CD itself run an automated sync of this Application and apply these objects, right now?
 * A pure function of documents read from the cluster (systems/argocd.ts readArgoPolicy): the
 * Application's AppProject, `argocd-cm`, Argo CD's cluster Secrets and where its controller runs.
 * Seeding applies a component only when the answer is yes (plan/plan-component-seed.ts); every rule
 * names the Argo CD source it follows, read at v3.5.1 and v3.6.2.
 */
import type { AppProject, ArgoCluster, ArgoPolicy, Destination, GroupKindItem } from '../core/argocd-documents.js';
import { ARGOCD_NAMESPACE, IN_CLUSTER } from '../core/constants.js';
import { argoGlobMatch, globMatch, isDenyPattern, pathMatch } from './argocd-glob.js';
import { excluded, matchesFilter, resourceFilter } from './argocd-resource-filter.js';
import { autoSyncVerdict, matchingWindows } from './sync-windows.js';

/** An object as Argo CD would apply it: final namespace, and whether its kind is namespaced. */
export interface PolicyObject {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly namespaced: boolean;
}

export interface PolicyApplication {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly project?: string;
    readonly source?: { readonly repoURL?: string };
    readonly destination?: Destination;
    readonly syncPolicy?: { readonly automated?: { readonly enabled?: boolean } | null };
  };
}

export type PolicyVerdict =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'refused'; readonly reason: string }
  /** A sync window refuses the sync now; it opens at `opensAt` (undefined: not within a year). */
  | { readonly kind: 'window'; readonly reason: string; readonly opensAt: number | undefined };

const refused = (reason: string): PolicyVerdict => ({ kind: 'refused', reason });

export function judgeAutoSync(
  app: PolicyApplication,
  objects: readonly PolicyObject[],
  policy: ArgoPolicy,
  now: number,
): PolicyVerdict {
  const name = app.metadata?.name ?? '';
  const dest = app.spec?.destination ?? {};
  // controller/appcontroller.go autoSync: SyncPolicy.IsAutomatedSyncEnabled (types.go).
  const automated = app.spec?.syncPolicy?.automated;
  if (automated === undefined || automated === null) return refused('its Application does not sync automatically');
  if (automated.enabled === false) return refused('its Application sets syncPolicy.automated.enabled: false');
  const where = whereWatched(app, policy);
  if (where !== undefined) return refused(where);
  // util/argo/argo.go GetAppProject merges global projects chosen by label selectors: not evaluated here.
  if ((policy.cm.globalProjects ?? '').trim() !== '')
    return refused('argocd-cm sets globalProjects, which the installer does not evaluate');
  const projectName = app.spec?.project || 'default';
  const project = policy.projects.get(projectName);
  if (project === undefined) return refused(`AppProject ${projectName} does not exist`);
  const repo = app.spec?.source?.repoURL ?? '';
  if (!sourcePermitted(project, repo))
    return refused(`AppProject ${projectName} does not permit the repository ${repo} (sourceRepos)`);
  const cluster = destinationCluster(dest, policy);
  if (typeof cluster === 'string') return refused(cluster);
  if (!destinationPermitted(project, cluster, dest.namespace ?? '', policy))
    return refused(`AppProject ${projectName} does not permit the destination namespace ${dest.namespace ?? ''}`);

  const windows = matchingWindows(project.spec?.syncWindows ?? [], { name, destination: dest });
  const verdict = autoSyncVerdict(windows, now);
  if (verdict.kind === 'invalid')
    return refused(`Argo CD does not sync while a sync window is invalid: ${verdict.why}`);
  if (verdict.kind === 'closed')
    return {
      kind: 'window',
      reason: `sync window of AppProject ${projectName}: ${verdict.why}`,
      opensAt: verdict.opensAt,
    };

  const impersonation = impersonated(project, cluster, dest.namespace ?? '', policy.cm);
  if (impersonation !== undefined) return refused(impersonation);

  const filter = resourceFilter(policy.cm);
  if (typeof filter === 'string') return refused(filter);
  for (const o of objects) {
    const what = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name} (group "${o.group}")`;
    if (excluded(filter, o.group, o.kind, cluster.server))
      return refused(`${what} is excluded by argocd-cm resource.exclusions or resource.inclusions`);
    if (filter.selectors.some((s) => matchesFilter(s, o.group, o.kind, cluster.server)))
      return refused(
        `Argo CD watches ${o.kind} (group "${o.group}") only by a label selector (argocd-cm resource.selectors)`,
      );
    if (!groupKindPermitted(project, o))
      return refused(`AppProject ${projectName} does not permit ${what} (its resource allow and deny lists)`);
    if (o.namespaced && !destinationPermitted(project, cluster, o.namespace ?? '', policy))
      return refused(`AppProject ${projectName} does not permit the namespace of ${what}`);
    // gitops-engine pkg/cache/cluster.go GetManagedLiveObjs: a cluster Secret in namespaced mode.
    if (cluster.namespaces !== undefined && cluster.namespaces.length > 0) {
      if (!o.namespaced && cluster.clusterResources !== true)
        return refused(`Argo CD manages ${cluster.server} in namespaced mode and cannot apply ${what}`);
      if (o.namespaced && !cluster.namespaces.includes(o.namespace ?? ''))
        return refused(`Argo CD does not manage the namespace of ${what} (cluster Secret namespaces)`);
    }
  }
  return { kind: 'allowed' };
}

/**
 * The controller reconciles Applications in its own namespace, and in `application.namespaces` only
 * as "apps in any namespace" (tracking ids then name `<namespace>_<app>`, and the project must list
 * the namespace in sourceNamespaces: Application.InstanceName, AppProject.IsAppNamespacePermitted).
 * The installer's Applications live in `argocd`; it seeds only for a controller running there.
 */
function whereWatched(app: PolicyApplication, policy: ArgoPolicy): string | undefined {
  const ns = app.metadata?.namespace ?? ARGOCD_NAMESPACE;
  if (policy.controllerNamespace === undefined) return 'no Argo CD application controller was found in the cluster';
  if (policy.controllerNamespace === ns) return undefined;
  const extra = policy.applicationNamespaces ? ` (application.namespaces: ${policy.applicationNamespaces})` : '';
  return `Argo CD's controller runs in namespace ${policy.controllerNamespace}${extra}, not in ${ns} where the Application is`;
}

/** util/git NormalizeGitURL, as far as comparing URLs needs it. */
export function normalizeGitUrl(url: string): string {
  let repo = url.trim().toLowerCase();
  if (/^(ssh:\/\/)?([^/:]*?)@[^@]+$/.test(repo) && !repo.startsWith('ssh://')) repo = `ssh://${repo.replace(':', '/')}`;
  if (repo.endsWith('.git')) repo = repo.slice(0, -4);
  return repo.startsWith('ssh://') ? repo.slice(6) : repo;
}

/** AppProject.IsSourcePermitted (app_project_types.go). */
function sourcePermitted(project: AppProject, repoURL: string): boolean {
  const src = normalizeGitUrl(repoURL);
  let any = false;
  for (const pattern of project.spec?.sourceRepos ?? []) {
    const normalized = isDenyPattern(pattern) ? `!${normalizeGitUrl(pattern.slice(1))}` : normalizeGitUrl(pattern);
    const matched = argoGlobMatch(normalized, src, true, '/');
    if (matched) any = true;
    else if (isDenyPattern(normalized)) return false;
  }
  return any;
}

/**
 * util/argo GetDestinationCluster and util/db GetCluster: the in-cluster address is refused when
 * argocd-cm sets cluster.inClusterEnabled "false", else its cluster Secret or the built-in "in-cluster".
 */
function destinationCluster(dest: Destination, policy: ArgoPolicy): ArgoCluster | string {
  if (dest.server !== IN_CLUSTER) return `its destination is not ${IN_CLUSTER}`;
  if (policy.cm['cluster.inClusterEnabled'] === 'false')
    return 'argocd-cm sets cluster.inClusterEnabled to false: Argo CD refuses the in-cluster destination';
  return policy.clusters.find((c) => c.server === IN_CLUSTER) ?? { name: 'in-cluster', server: IN_CLUSTER };
}

/**
 * AppProject.IsDestinationPermitted and isDestinationMatched. v3.6 fixed the precedence of the deny
 * case and added a veto: a `!pattern` on name or server that the cluster does match refuses the
 * entry even when the other identifier allows it. Both lines are followed: a destination is
 * permitted only when both would permit it.
 */
function destinationPermitted(
  project: AppProject,
  cluster: ArgoCluster,
  namespace: string,
  policy: ArgoPolicy,
): boolean {
  const v35 = destinationMatched(project, cluster, namespace, false);
  const v36 = destinationMatched(project, cluster, namespace, true);
  if (!v35 || !v36) return false;
  if (project.spec?.permitOnlyProjectScopedClusters !== true) return true;
  const projectName = project.metadata?.name ?? '';
  return policy.clusters.some(
    (c) => c.project === projectName && (c.name === cluster.name || c.server === cluster.server),
  );
}

function destinationMatched(project: AppProject, dst: ArgoCluster, namespace: string, v36: boolean): boolean {
  let any = false;
  for (const item of project.spec?.destinations ?? []) {
    const nameMatched = dst.name !== '' && argoGlobMatch(item.name ?? '', dst.name, true);
    const serverMatched = dst.server !== '' && argoGlobMatch(item.server ?? '', dst.server, true);
    const nsMatched = argoGlobMatch(item.namespace ?? '', namespace, true);
    if (v36 && nsMatched) {
      if (isDenyPattern(item.name) && dst.name !== '' && globMatch((item.name ?? '').slice(1), dst.name)) return false;
      if (isDenyPattern(item.server) && globMatch((item.server ?? '').slice(1), dst.server)) return false;
    }
    const nameDeny = !nameMatched && isDenyPattern(item.name);
    const serverDeny = !serverMatched && isDenyPattern(item.server);
    if ((serverMatched || nameMatched) && nsMatched) any = true;
    else if (v36 ? (nameDeny || serverDeny) && nsMatched : nameDeny || (serverDeny && nsMatched)) return false;
    else if (!nsMatched && isDenyPattern(item.namespace) && serverMatched) return false;
  }
  return any;
}

/** AppProject.IsGroupKindNamePermitted with isResourceInList / isNamedResourceInList (filepath.Match). */
function groupKindPermitted(project: AppProject, o: PolicyObject): boolean {
  const inList = (list: readonly GroupKindItem[], named: boolean) =>
    list.some(
      (i) =>
        pathMatch(i.kind ?? '', o.kind) &&
        pathMatch(i.group ?? '', o.group) &&
        (!named || !i.name || pathMatch(i.name, o.name)),
    );
  const s = project.spec ?? {};
  if (o.namespaced) {
    const white = s.namespaceResourceWhitelist;
    const allowed = white === undefined || white === null || (white.length > 0 && inList(white, false));
    return allowed && !inList(s.namespaceResourceBlacklist ?? [], false);
  }
  return inList(s.clusterResourceWhitelist ?? [], true) && !inList(s.clusterResourceBlacklist ?? [], true);
}

/**
 * util/settings/impersonation.go DeriveServiceAccountToImpersonate and controller/sync.go: with
 * application.sync.impersonation.enabled "true", Argo CD applies as the first matching
 * destinationServiceAccounts entry's account, and refuses when none matches and enforcement
 * (application.sync.impersonation.enforced, on unless "false") is on.
 */
function impersonated(
  project: AppProject,
  cluster: ArgoCluster,
  namespace: string,
  cm: Readonly<Record<string, string>>,
): string | undefined {
  if (cm['application.sync.impersonation.enabled'] !== 'true') return undefined;
  const entry = (project.spec?.destinationServiceAccounts ?? []).find(
    (e) => globMatch(e.server ?? '', cluster.server) && globMatch(e.namespace ?? '', namespace),
  );
  if (entry !== undefined)
    return `Argo CD syncs it as the service account ${entry.defaultServiceAccount ?? '?'} (sync impersonation); the installer would apply with your credentials`;
  if (cm['application.sync.impersonation.enforced'] === 'false') return undefined;
  return 'sync impersonation is enforced and no destinationServiceAccounts entry matches: Argo CD refuses the sync';
}
