/** Names, labels and defaults shared across the installer; nothing else hard-codes them. */
export const TOOL = 'kubeflow-gitops';
export const FIELD_MANAGER = 'kubeflow-gitops';
export const DEFAULT_UPSTREAM = 'https://github.com/kubeflow/manifests';
export const DEFAULT_BRANCH = 'kubeflow-gitops';
export const ARGOCD_NAMESPACE = 'argocd';
/** The Argo CD installed where there is none: the newest line upstream patches. */
export const ARGOCD_VERSION = 'v3.6.2';
export const ROOT_APP_NAME = 'kubeflow';
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Folders the installer owns in the fork. */
export const FORK_APPS_DIR = 'kubeflow-apps';
export const FORK_ROOT_APP_FILE = 'kubeflow-apps/root/kubeflow.yaml';
export const FORK_OVERLAYS_DIR = 'overlays';
export const FORK_VENDOR_DIR = 'vendor';
/** Argo CD's own install, applied only when the cluster has none. */
export const ARGOCD_OVERLAY_DIR = 'overlays/argocd';
/** The component name Argo CD's own images are listed and rewritten under (`images`, `--registry`). */
export const ARGOCD_COMPONENT = 'argocd';

export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const ANNOTATION_COMPONENT = 'kubeflow-gitops.io/component';
export const ANNOTATION_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const ANNOTATION_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const ANNOTATION_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
/** On an object that existed before the install, during uninstall: its sync-options before we added Delete=false. */
export const ANNOTATION_KEPT = 'kubeflow-gitops.io/kept-on-uninstall';
/** On an object a retiring Application hands to its successor: its sync-options before we added Delete=false. */
export const ANNOTATION_HELD = 'kubeflow-gitops.io/held-for-successor';
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
/** Asks Argo CD to compare an Application with git now. */
export const ANNOTATION_REFRESH = 'argocd.argoproj.io/refresh';
/**
 * Set with ANNOTATION_REFRESH (Argo CD v3.6+ reads it): names one refresh request, so a request made
 * while the controller still processes an earlier one is kept instead of dropped with it.
 */
export const ANNOTATION_REFRESH_TIMESTAMP = 'argocd.argoproj.io/refresh-timestamp';
/** Argo CD's controller leaves an Application with this set to a true value alone (deletion included). */
export const ANNOTATION_SKIP_RECONCILE = 'argocd.argoproj.io/skip-reconcile';
/** Put on a CRD and taken off again at once: the CRD event makes Argo CD reload its API schema. */
export const ANNOTATION_SCHEMA_RELOAD = 'kubeflow-gitops.io/reload-argocd-schema';
/** Marks a Secret as an Argo CD repository credential. */
export const LABEL_SECRET_TYPE = 'argocd.argoproj.io/secret-type';

/** The Dex static user of upstream's manifests, kept unless --admin-email says otherwise. */
export const DEFAULT_ADMIN_EMAIL = 'user@example.com';
/** Where the HTTPS token for the fork is read from by default, and for --github-fork. */
export const DEFAULT_TOKEN_ENV = 'KFG_GIT_TOKEN';
export const GITHUB_TOKEN_ENV = 'GITHUB_TOKEN';
/** Argo CD's API group version (Applications). */
export const ARGOCD_API_VERSION = 'argoproj.io/v1alpha1';
/** LABEL_PART_OF values: what the installer labels as Kubeflow's, and what Argo CD's own manifests carry. */
export const PART_OF_KUBEFLOW = 'kubeflow';
export const PART_OF_ARGOCD = 'argocd';

/** The Istio ingress gateway every Kubeflow page is served through, and the local port `open` forwards to it. */
export const GATEWAY_NAMESPACE = 'istio-system';
export const GATEWAY_SERVICE = 'istio-ingressgateway';
export const OPEN_DEFAULT_PORT = 8080;
