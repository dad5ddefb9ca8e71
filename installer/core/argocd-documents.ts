/**
 * Argo CD's documents as the installer reads them: systems/ reads them from the cluster, plan/ judges
 * them, steps/ carry them between the two. Shapes and defaults only, no behaviour.
 */

export interface SyncWindow {
  readonly kind?: string;
  readonly schedule?: string;
  readonly duration?: string;
  readonly applications?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly clusters?: readonly string[];
  readonly timeZone?: string;
  readonly andOperator?: boolean;
  readonly manualSync?: boolean;
}

export interface GroupKindItem {
  readonly group?: string;
  readonly kind?: string;
  readonly name?: string;
}
export interface Destination {
  readonly server?: string;
  readonly name?: string;
  readonly namespace?: string;
}

export interface AppProject {
  readonly metadata?: { readonly name?: string };
  readonly spec?: {
    readonly sourceRepos?: readonly string[];
    readonly destinations?: readonly Destination[];
    readonly clusterResourceWhitelist?: readonly GroupKindItem[];
    readonly clusterResourceBlacklist?: readonly GroupKindItem[];
    /** Absent: every namespaced kind; an empty list: none (IsGroupKindNamePermitted). */
    readonly namespaceResourceWhitelist?: readonly GroupKindItem[] | null;
    readonly namespaceResourceBlacklist?: readonly GroupKindItem[];
    readonly syncWindows?: readonly SyncWindow[];
    readonly destinationServiceAccounts?: readonly (Destination & { readonly defaultServiceAccount?: string })[];
    readonly permitOnlyProjectScopedClusters?: boolean;
  };
}

/** One of Argo CD's cluster Secrets, decoded (util/db/cluster.go secretToCluster). */
export interface ArgoCluster {
  readonly name: string;
  readonly server: string;
  readonly project?: string | undefined;
  /** Namespaced mode: the only namespaces Argo CD manages there. */
  readonly namespaces?: readonly string[] | undefined;
  readonly clusterResources?: boolean | undefined;
}

export interface ArgoPolicy {
  /** The AppProjects the Applications name; undefined where the API server answered 404. */
  readonly projects: ReadonlyMap<string, AppProject | undefined>;
  /** `argocd-cm` data (empty when the ConfigMap is absent, as Argo CD reads it). */
  readonly cm: Readonly<Record<string, string>>;
  readonly clusters: readonly ArgoCluster[];
  /** Where the application controller runs (the namespace of its StatefulSet or Deployment), if found. */
  readonly controllerNamespace: string | undefined;
  /** `application.namespaces` of the controller's argocd-cmd-params-cm, for the reason when it is elsewhere. */
  readonly applicationNamespaces?: string | undefined;
}

/** How Argo CD marks what it manages (argocd-cm `application.resourceTrackingMethod`, `installationID`). */
export interface ArgoTracking {
  readonly method: string;
  readonly labelKey: string;
  readonly installationID?: string | undefined;
}

export const DEFAULT_TRACKING: ArgoTracking = { method: 'annotation', labelKey: 'app.kubernetes.io/instance' };
