/**
 * The Kubeflow component catalogue: one entry per Argo CD Application, with its upstream path in each
 * release (taken from that release's example/kustomization.yaml), its dependency layer and what it
 * needs from Argo CD. Dependencies are data: resolve-components.ts turns a selection into the closure.
 */
import { RELEASES, RELEASE_INFO, type Layout, type Release } from './releases.js';

/** Dependency layers, in install order; a component's sync wave is derived from its layer. */
export const LAYERS = [
  'foundation',
  'cert-manager',
  'istio',
  'auth',
  'knative',
  'platform',
  'apps',
  'tenants',
] as const;
export type Layer = (typeof LAYERS)[number];

export type Group =
  'Platform' | 'Pipelines' | 'Notebooks' | 'Training' | 'Serving' | 'AutoML' | 'Dashboard' | 'Spark' | 'Hub';

export interface ComponentSpec {
  readonly name: string;
  readonly title: string;
  readonly group: Group;
  readonly layer: Layer;
  /** Destination namespace of the Application (where most of its namespaced objects live). */
  readonly namespace: string;
  /** The component does not ship its destination namespace. */
  readonly createNamespace: boolean;
  /**
   * Server-side apply. Every component uses it, as upstream installs Kubeflow (`kubectl apply
   * --server-side`): KServe, Spark, Trainer and Training Operator CRDs exceed the 262144-byte
   * client-side annotation limit, and client-side apply of older controller-gen CRDs (notebooks,
   * profiles) records their status in the annotation and never reaches Synced.
   */
  readonly serverSideApply: boolean;
  readonly dependsOn: readonly string[];
  /** Upstream path per release; a release without an entry does not have the component. */
  readonly paths: Partial<Readonly<Record<Release, string>>>;
  /** Releases whose upstream example installs it (`--components all`); default: every release it is in. */
  readonly defaultIn?: readonly Release[];
  /**
   * Where a component went in a release that no longer has it, for clear errors and upgrades: its
   * home ships its objects there, inherits its dependencies, and on upgrade takes over its objects
   * while the home's own Application moves in place. User-facing names stay stable this way.
   */
  readonly mergedInto?: Partial<Readonly<Record<Release, string>>>;
}

/** One value for every release with this layout of applications/ (releases.ts). */
function inLayout<T>(layout: Layout, value: T): Partial<Record<Release, T>> {
  return Object.fromEntries(RELEASES.filter((r) => RELEASE_INFO[r].layout === layout).map((r) => [r, value]));
}
/** v1.10.2 … 26.03: the 14 folders under applications/. */
const upTo2603 = <T>(value: T): Partial<Record<Release, T>> => inLayout('fourteen-folders', value);
/** 26.03.1 on: the 10 folders (dashboard, notebooks-v1, hub, …). */
const from26031 = <T>(value: T): Partial<Record<Release, T>> => inLayout('ten-folders', value);
/** The same path in every release. */
const all = (path: string): Partial<Record<Release, string>> => ({ ...upTo2603(path), ...from26031(path) });

const platform = (spec: Omit<ComponentSpec, 'group'>): ComponentSpec => ({ group: 'Platform', ...spec });

/** Everything Kubeflow web apps and controllers sit behind: gateway, auth, namespaces and roles. */
const KUBEFLOW_BASE = ['kubeflow-namespace', 'kubeflow-roles', 'kubeflow-istio-resources', 'kubeflow-issuer'];

export const COMPONENTS: readonly ComponentSpec[] = [
  platform({
    name: 'kubeflow-namespace',
    title: 'Kubeflow namespaces',
    layer: 'foundation',
    namespace: 'kubeflow',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: [],
    paths: all('common/kubeflow-namespace/base'),
  }),
  platform({
    name: 'istio-crds',
    title: 'Istio CRDs',
    layer: 'foundation',
    namespace: 'istio-system',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: [],
    paths: all('common/istio/istio-crds/base'),
  }),
  platform({
    name: 'istio-namespace',
    title: 'Istio namespace',
    layer: 'foundation',
    namespace: 'istio-system',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: [],
    paths: all('common/istio/istio-namespace/base'),
  }),
  platform({
    name: 'kubeflow-roles',
    title: 'Kubeflow cluster roles',
    layer: 'foundation',
    namespace: 'kubeflow',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: [],
    paths: all('common/kubeflow-roles/base'),
  }),
  platform({
    name: 'network-policies',
    title: 'Kubeflow NetworkPolicies',
    layer: 'foundation',
    namespace: 'kubeflow',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: ['kubeflow-namespace'],
    paths: { 'v1.10.2': 'common/networkpolicies/base', 'v1.11.0': 'common/networkpolicies/base' },
    mergedInto: { '26.03': 'kubeflow-namespace', ...from26031('kubeflow-namespace') },
  }),
  platform({
    name: 'cert-manager',
    title: 'cert-manager',
    layer: 'cert-manager',
    namespace: 'cert-manager',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: [],
    paths: {
      'v1.10.2': 'common/cert-manager/base',
      'v1.11.0': 'common/cert-manager/base',
      '26.03': 'common/cert-manager/overlays/kubeflow',
      // 26.03.1: overlays/kubeflow no longer includes the base; example lists both (kubeflow-issuer).
      ...from26031('common/cert-manager/base'),
    },
  }),
  platform({
    name: 'kubeflow-issuer',
    title: 'Kubeflow self-signed ClusterIssuer',
    layer: 'cert-manager',
    namespace: 'cert-manager',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: ['cert-manager'],
    paths: {
      'v1.10.2': 'common/cert-manager/kubeflow-issuer/base',
      'v1.11.0': 'common/cert-manager/kubeflow-issuer/base',
      // Its own entry again from 26.03.1 on, with cert-manager's NetworkPolicies.
      ...from26031('common/cert-manager/overlays/kubeflow'),
    },
    mergedInto: { '26.03': 'cert-manager' },
  }),
  platform({
    name: 'istio',
    title: 'Istio (with CNI)',
    layer: 'istio',
    namespace: 'istio-system',
    // It ships Sidecars into the kubeflow namespace.
    createNamespace: false,
    serverSideApply: true,
    dependsOn: ['istio-crds', 'istio-namespace', 'kubeflow-namespace'],
    paths: all('common/istio/istio-install/overlays/oauth2-proxy'),
  }),
  platform({
    name: 'cluster-local-gateway',
    title: 'Istio cluster-local gateway',
    layer: 'istio',
    namespace: 'istio-system',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: ['istio'],
    paths: all('common/istio/cluster-local-gateway/base'),
  }),
  platform({
    name: 'oauth2-proxy',
    title: 'oauth2-proxy',
    layer: 'auth',
    namespace: 'oauth2-proxy',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: ['istio'],
    paths: all('common/oauth2-proxy/overlays/m2m-dex-only'),
  }),
  platform({
    name: 'dex',
    title: 'Dex',
    layer: 'auth',
    namespace: 'auth',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: ['istio'],
    paths: all('common/dex/overlays/oauth2-proxy'),
  }),
  {
    name: 'knative-serving',
    title: 'Knative Serving',
    group: 'Serving',
    layer: 'knative',
    namespace: 'knative-serving',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: ['istio', 'cluster-local-gateway'],
    paths: all('common/knative/knative-serving/overlays/gateways'),
  },
  {
    name: 'knative-eventing',
    title: 'Knative Eventing',
    group: 'Serving',
    layer: 'knative',
    namespace: 'knative-eventing',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: ['knative-serving'],
    defaultIn: [],
    paths: all('common/knative/knative-eventing/base'),
  },
  platform({
    name: 'kubeflow-istio-resources',
    title: 'Kubeflow gateway and Istio roles',
    layer: 'platform',
    namespace: 'kubeflow',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: ['istio', 'kubeflow-namespace', 'oauth2-proxy', 'dex'],
    paths: all('common/istio/kubeflow-istio-resources/base'),
  }),
  platform({
    name: 'profiles',
    title: 'Profiles + KFAM (Pod Security Standards)',
    layer: 'platform',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: ['kubeflow-namespace', 'kubeflow-roles', 'kubeflow-istio-resources'],
    paths: upTo2603('applications/profiles/pss'),
    // The Profiles CRD: every profile namespace hangs on it (see plan-retirements.ts for the hand-over).
    mergedInto: from26031('central-dashboard'),
  }),
  {
    name: 'central-dashboard',
    title: 'Central Dashboard',
    group: 'Dashboard',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: [...KUBEFLOW_BASE, 'profiles'],
    paths: {
      ...upTo2603('applications/centraldashboard/overlays/oauth2-proxy'),
      // With the profile controller and the PodDefaults webhook, which merge into it.
      ...from26031('applications/dashboard/overlays/istio'),
    },
  },
  {
    name: 'admission-webhook',
    title: 'PodDefaults admission webhook',
    group: 'Notebooks',
    layer: 'platform',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: KUBEFLOW_BASE,
    paths: upTo2603('applications/admission-webhook/upstream/overlays/cert-manager'),
    mergedInto: from26031('central-dashboard'),
  },
  {
    name: 'pipelines',
    title: 'Kubeflow Pipelines',
    group: 'Pipelines',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: [...KUBEFLOW_BASE, 'profiles'],
    paths: {
      'v1.10.2': 'applications/pipeline/upstream/env/cert-manager/platform-agnostic-multi-user',
      'v1.11.0': 'applications/pipeline/upstream/env/cert-manager/platform-agnostic-multi-user',
      '26.03': 'applications/pipeline/overlays',
      ...from26031('applications/pipeline/overlays'),
    },
  },
  {
    name: 'katib',
    title: 'Katib',
    group: 'AutoML',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: KUBEFLOW_BASE,
    paths: all('applications/katib/upstream/installs/katib-with-kubeflow'),
  },
  {
    name: 'notebook-controller',
    title: 'Notebook Controller',
    group: 'Notebooks',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: KUBEFLOW_BASE,
    paths: {
      ...upTo2603('applications/jupyter/notebook-controller/upstream/overlays/kubeflow'),
      // Notebooks v1 as one folder: the web apps, PVC viewer and Tensorboards merge into it.
      ...from26031('applications/notebooks-v1/overlays/istio'),
    },
  },
  {
    name: 'jupyter-web-app',
    title: 'Jupyter Web App',
    group: 'Notebooks',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: [...KUBEFLOW_BASE, 'notebook-controller', 'admission-webhook', 'profiles'],
    paths: upTo2603('applications/jupyter/jupyter-web-app/upstream/overlays/istio'),
    mergedInto: from26031('notebook-controller'),
  },
  {
    name: 'pvcviewer-controller',
    title: 'PVC Viewer controller',
    group: 'Notebooks',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: KUBEFLOW_BASE,
    paths: upTo2603('applications/pvcviewer-controller/upstream/base'),
    mergedInto: from26031('notebook-controller'),
  },
  {
    name: 'volumes-web-app',
    title: 'Volumes Web App',
    group: 'Notebooks',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: [...KUBEFLOW_BASE, 'pvcviewer-controller', 'profiles'],
    paths: upTo2603('applications/volumes-web-app/upstream/overlays/istio'),
    mergedInto: from26031('notebook-controller'),
  },
  {
    name: 'tensorboard-controller',
    title: 'Tensorboard controller',
    group: 'Notebooks',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: KUBEFLOW_BASE,
    paths: upTo2603('applications/tensorboard/tensorboard-controller/upstream/overlays/kubeflow'),
    mergedInto: from26031('notebook-controller'),
  },
  {
    name: 'tensorboards-web-app',
    title: 'Tensorboards Web App',
    group: 'Notebooks',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: [...KUBEFLOW_BASE, 'tensorboard-controller', 'profiles'],
    paths: upTo2603('applications/tensorboard/tensorboards-web-app/upstream/overlays/istio'),
    mergedInto: from26031('notebook-controller'),
  },
  {
    // Training Operator v1: upstream's default in v1.10.2, replaced by Trainer (v2) from v1.11.0 on.
    name: 'training-operator',
    title: 'Training Operator (v1)',
    group: 'Training',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: KUBEFLOW_BASE,
    paths: all('applications/training-operator/upstream/overlays/kubeflow'),
    defaultIn: ['v1.10.2'],
  },
  {
    name: 'trainer',
    title: 'Trainer (Training Operator v2) + JobSet',
    group: 'Training',
    layer: 'apps',
    namespace: 'kubeflow-system',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: KUBEFLOW_BASE,
    paths: {
      'v1.11.0': 'applications/trainer/overlays',
      '26.03': 'applications/trainer/overlays',
      ...from26031('applications/trainer/overlays'),
    },
  },
  {
    name: 'kserve',
    title: 'KServe',
    group: 'Serving',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: [...KUBEFLOW_BASE, 'knative-serving', 'cluster-local-gateway'],
    paths: all('applications/kserve/kserve'),
  },
  {
    name: 'models-web-app',
    title: 'KServe Models Web App',
    group: 'Serving',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: [...KUBEFLOW_BASE, 'kserve', 'profiles'],
    paths: all('applications/kserve/models-web-app/overlays/kubeflow'),
  },
  {
    name: 'spark-operator',
    title: 'Spark Operator',
    group: 'Spark',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: KUBEFLOW_BASE,
    paths: all('applications/spark/spark-operator/overlays/kubeflow'),
  },
  platform({
    name: 'user-namespace',
    title: 'Default user profile (kubeflow-user-example-com)',
    layer: 'tenants',
    namespace: 'kubeflow',
    createNamespace: false,
    serverSideApply: true,
    dependsOn: ['profiles'],
    paths: all('common/user-namespace/base'),
  }),
  {
    // Upstream renamed Model Registry to Hub in 26.03.1 (applications/model-registry -> applications/hub);
    // the component keeps the name users know. Earlier examples did not install it.
    name: 'model-registry',
    title: 'Hub: Model Registry (in the example profile namespace)',
    group: 'Hub',
    layer: 'tenants',
    // Upstream deploys it per tenant, into the profile namespace user-namespace creates.
    namespace: 'kubeflow-user-example-com',
    // The profile controller owns that namespace and refuses one it did not create.
    createNamespace: false,
    serverSideApply: true,
    dependsOn: [...KUBEFLOW_BASE, 'profiles', 'user-namespace'],
    paths: from26031('applications/hub/overlays/model-registry'),
  },
  {
    name: 'model-catalog',
    title: 'Hub: Model Catalog',
    group: 'Hub',
    layer: 'apps',
    namespace: 'kubeflow',
    createNamespace: true,
    serverSideApply: true,
    dependsOn: ['kubeflow-namespace'],
    paths: from26031('applications/hub/overlays/model-catalog'),
  },
];

/** Whether `--components all` installs a component in a release (upstream's example does). */
export function isDefaultIn(spec: ComponentSpec, release: Release): boolean {
  return spec.paths[release] !== undefined && (spec.defaultIn ?? [release]).includes(release);
}

/** Friendly names that stand for several components. */
export const BUNDLES: Readonly<Record<string, readonly string[]>> = {
  notebooks: ['notebook-controller', 'jupyter-web-app', 'admission-webhook'],
  volumes: ['pvcviewer-controller', 'volumes-web-app'],
  tensorboards: ['tensorboard-controller', 'tensorboards-web-app'],
  dashboard: ['central-dashboard'],
  serving: ['kserve', 'models-web-app'],
  knative: ['knative-serving'],
  auth: ['oauth2-proxy', 'dex'],
  spark: ['spark-operator'],
  hub: ['model-registry', 'model-catalog'],
};
