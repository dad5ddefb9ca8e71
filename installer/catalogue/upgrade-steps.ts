/**
 * What upstream's README asks people to do by hand between two releases, and what users' data hangs on,
 * as data. Each step names objects exactly (found by diffing `kubectl kustomize` renders of both
 * releases' forks, component by component); plan/plan-upgrade-steps.ts turns them into a plan and
 * steps/upgrade-steps.ts carries it out, each action guarded by the live object's state so any
 * run, on any release pair, may repeat it. Adding a release of a known layout needs no edit here.
 */
import { RELEASES, RELEASE_INFO, type Layout, type Release } from './releases.js';

/** One Kubernetes object by name: group '' is the core group; no namespace for cluster-scoped ones. */
export interface ObjectName {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name: string;
}

/**
 * - `replace`: a field the API server will not change in place (a Deployment's selector, a binding's
 *   roleRef) differs; while the live object still has one of the `stale` values it gets Argo CD's
 *   `Replace=true,Force=true` (delete and create in the sync), never a failing sync.
 * - `remove`: objects of the old release that no component ships any more; Argo CD deletes them with
 *   their Application (they are not held for a successor), and anything of ours left is deleted.
 * - `hand-over`: objects one kept Application shipped and another ships now: held (`Prune=false`) so
 *   the first never prunes them, adopted in place (same uid) by the second.
 */
export type ReleaseStep =
  | {
      readonly action: 'replace';
      readonly component: string;
      readonly object: ObjectName;
      /** Path of the field that cannot change, and the values older releases shipped there. */
      readonly field: readonly string[];
      readonly stale: readonly unknown[];
      readonly why: string;
    }
  | {
      readonly action: 'remove';
      /** The components (old names) whose Applications deployed them. */
      readonly components: readonly string[];
      readonly objects: readonly ObjectName[];
      readonly why: string;
    }
  | {
      readonly action: 'hand-over';
      readonly from: string;
      readonly to: string;
      readonly objects: readonly ObjectName[];
      readonly why: string;
    };

export interface ReleasePair {
  /** Upgrades from any of these releases … */
  readonly from: readonly Release[];
  /** … to any of these. */
  readonly to: readonly Release[];
  readonly steps: readonly ReleaseStep[];
}

const inLayout = (layout: Layout): Release[] => RELEASES.filter((r) => RELEASE_INFO[r].layout === layout);
const core = (kind: string, name: string, namespace?: string): ObjectName => ({
  group: '',
  version: 'v1',
  kind,
  namespace,
  name,
});
const rbac = (kind: string, name: string, namespace?: string): ObjectName => ({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind,
  namespace,
  name,
});
const deployment = (namespace: string, name: string): ObjectName => ({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  namespace,
  name,
});
const networkPolicy = (namespace: string, name: string): ObjectName => ({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  namespace,
  name,
});

/** 26.03 (and v1.11.0) -> 26.03.1: upstream README, "26.03 -> next release", and the render diff. */
const TO_TEN_FOLDERS: ReleasePair = {
  from: inLayout('fourteen-folders'),
  to: inLayout('ten-folders'),
  steps: [
    {
      action: 'replace',
      component: 'trainer',
      object: deployment('kubeflow-system', 'jobset-controller-manager'),
      field: ['spec', 'selector'],
      stale: [{ matchLabels: { 'control-plane': 'controller-manager' } }],
      why: 'JobSet v0.10.1 -> v0.11.0 changed its immutable selector (upstream kubeflow/manifests#3428: delete the Deployment before applying)',
    },
    {
      action: 'replace',
      component: 'kserve',
      object: rbac('ClusterRoleBinding', 'llmisvc-manager-rolebinding'),
      field: ['roleRef'],
      stale: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'llmisvc-manager-role' }],
      why: 'KServe 0.17 binds it to kserve-llmisvc-manager-role and a roleRef cannot change (upstream: delete the old binding)',
    },
    {
      action: 'replace',
      component: 'central-dashboard',
      object: deployment('kubeflow', 'profiles-deployment'),
      field: ['spec', 'selector'],
      stale: [{ matchLabels: { 'kustomize.component': 'profiles' } }],
      why: 'the profile controller, now part of the dashboard, has a new immutable selector (upstream: remove the old profiles objects)',
    },
    {
      action: 'remove',
      // Its NetworkPolicy came with the namespace (26.03) or with network-policies (v1.11.0).
      components: ['central-dashboard', 'kubeflow-namespace', 'network-policies'],
      objects: [
        core('ConfigMap', 'centraldashboard-config', 'kubeflow'),
        core('ConfigMap', 'centraldashboard-parameters', 'kubeflow'),
        core('Service', 'centraldashboard', 'kubeflow'),
        core('ServiceAccount', 'centraldashboard', 'kubeflow'),
        deployment('kubeflow', 'centraldashboard'),
        {
          group: 'networking.istio.io',
          version: 'v1',
          kind: 'VirtualService',
          namespace: 'kubeflow',
          name: 'centraldashboard',
        },
        {
          group: 'security.istio.io',
          version: 'v1',
          kind: 'AuthorizationPolicy',
          namespace: 'kubeflow',
          name: 'central-dashboard',
        },
        rbac('ClusterRole', 'centraldashboard'),
        rbac('ClusterRoleBinding', 'centraldashboard'),
        rbac('Role', 'centraldashboard', 'kubeflow'),
        rbac('RoleBinding', 'centraldashboard', 'kubeflow'),
        networkPolicy('kubeflow', 'centraldashboard'),
      ],
      why: 'the old central dashboard: 26.03.1 ships it as "dashboard"',
    },
    {
      action: 'remove',
      components: ['profiles'],
      objects: [core('ConfigMap', 'namespace-labels-data-2k29b64d74', 'kubeflow')],
      why: 'the old profiles objects: the profile controller is part of the dashboard now',
    },
    {
      action: 'remove',
      components: ['admission-webhook'],
      objects: [
        {
          group: 'admissionregistration.k8s.io',
          version: 'v1',
          kind: 'MutatingWebhookConfiguration',
          name: 'admission-webhook-mutating-webhook-configuration',
        },
        deployment('kubeflow', 'admission-webhook-deployment'),
        core('Service', 'admission-webhook-service', 'kubeflow'),
        core('ServiceAccount', 'admission-webhook-service-account', 'kubeflow'),
        {
          group: 'cert-manager.io',
          version: 'v1',
          kind: 'Certificate',
          namespace: 'kubeflow',
          name: 'admission-webhook-cert',
        },
        {
          group: 'cert-manager.io',
          version: 'v1',
          kind: 'Issuer',
          namespace: 'kubeflow',
          name: 'admission-webhook-selfsigned-issuer',
        },
        rbac('ClusterRole', 'admission-webhook-cluster-role'),
        rbac('ClusterRole', 'admission-webhook-kubeflow-poddefaults-admin'),
        rbac('ClusterRole', 'admission-webhook-kubeflow-poddefaults-edit'),
        rbac('ClusterRole', 'admission-webhook-kubeflow-poddefaults-view'),
        rbac('ClusterRoleBinding', 'admission-webhook-cluster-role-binding'),
      ],
      why: 'the old PodDefaults webhook: the dashboard ships it as poddefaults-webhook, and two webhooks would inject every PodDefault twice',
    },
    {
      action: 'hand-over',
      from: 'cert-manager',
      to: 'kubeflow-issuer',
      objects: [
        { group: 'cert-manager.io', version: 'v1', kind: 'ClusterIssuer', name: 'kubeflow-self-signing-issuer' },
        networkPolicy('cert-manager', 'cert-manager-webhook'),
        networkPolicy('cert-manager', 'default-allow-same-namespace-cert-manager'),
      ],
      why: 'kubeflow-issuer has its own folder again',
    },
    {
      action: 'hand-over',
      from: 'kubeflow-namespace',
      to: 'central-dashboard',
      objects: [networkPolicy('kubeflow', 'poddefaults')],
      why: "the PodDefaults webhook's NetworkPolicy ships with the dashboard",
    },
  ],
};

export const RELEASE_PAIRS: readonly ReleasePair[] = [TO_TEN_FOLDERS];

/**
 * CRDs whose objects are users' work: deleting one deletes every such object in the cluster (a
 * Profile's deletion takes its namespace, and with it the Notebooks and PVCs in it). Held through
 * every upgrade, whatever happens to the component that ships it.
 */
export const USER_DATA_CRDS: readonly string[] = [
  // Profiles: every profile namespace hangs on these.
  'profiles.kubeflow.org',
  'poddefaults.kubeflow.org',
  // Notebooks
  'notebooks.kubeflow.org',
  'tensorboards.tensorboard.kubeflow.org',
  'pvcviewers.kubeflow.org',
  // Pipelines: runs, recurring runs, and the Argo Workflows they run as
  'scheduledworkflows.kubeflow.org',
  'workflows.argoproj.io',
  'cronworkflows.argoproj.io',
  'workflowtemplates.argoproj.io',
  'clusterworkflowtemplates.argoproj.io',
  'workflowtaskresults.argoproj.io',
  'workflowartifactgctasks.argoproj.io',
  // KServe
  'inferenceservices.serving.kserve.io',
  'inferencegraphs.serving.kserve.io',
  'servingruntimes.serving.kserve.io',
  'trainedmodels.serving.kserve.io',
  'llminferenceservices.serving.kserve.io',
  'inferencemodels.inference.networking.x-k8s.io',
  // Katib
  'experiments.kubeflow.org',
  'suggestions.kubeflow.org',
  'trials.kubeflow.org',
  // Trainer and Training Operator
  'trainjobs.trainer.kubeflow.org',
  'trainingruntimes.trainer.kubeflow.org',
  'jobsets.jobset.x-k8s.io',
  'pytorchjobs.kubeflow.org',
  'tfjobs.kubeflow.org',
  'mpijobs.kubeflow.org',
  'jaxjobs.kubeflow.org',
  'paddlejobs.kubeflow.org',
  'xgboostjobs.kubeflow.org',
  // Spark
  'sparkapplications.sparkoperator.k8s.io',
  'scheduledsparkapplications.sparkoperator.k8s.io',
];
