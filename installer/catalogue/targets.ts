/**
 * Cluster targets. What really differs between them is data here: which upstream variant a component
 * uses, and which kustomize Component from `overlays/` is layered on top. Every line says why.
 */
export const TARGETS = ['kind', 'minikube', 'microk8s', 'eks', 'gke', 'aks', 'generic', 'local'] as const;
export type Target = (typeof TARGETS)[number];

export type Footprint = 'small' | 'full';

export interface TargetInfo {
  readonly name: Target;
  readonly description: string;
  /** Laptop-sized clusters default to the small-footprint overlay. */
  readonly defaultFootprint: Footprint;
  /** Upstream overlay to use instead of the component's default path (component -> path suffix swap). */
  readonly variants: Readonly<Record<string, { readonly from: string; readonly to: string; readonly why: string }>>;
  /** `overlays/<dir>` kustomize Components layered onto these components ('*' = every component). */
  readonly patches: readonly {
    readonly overlay: string;
    readonly components: readonly string[] | '*';
    readonly why: string;
  }[];
  /** Shown by `plan` and the wizard: things the user must do outside the fork. */
  readonly notes: readonly string[];
}

const OAUTH2_DEFAULT = 'common/oauth2-proxy/overlays/m2m-dex-only';

export const TARGET_INFO: Readonly<Record<Target, TargetInfo>> = {
  kind: {
    name: 'kind',
    description: 'kind (Kubernetes in Docker) on a workstation',
    defaultFootprint: 'small',
    variants: {
      'oauth2-proxy': {
        from: OAUTH2_DEFAULT,
        to: 'common/oauth2-proxy/overlays/m2m-dex-and-kind',
        why: "kind's API server issues service-account JWTs under its own issuer; this variant lets the gateway accept them for machine-to-machine access",
      },
    },
    patches: [],
    notes: [
      'kind needs the API server flags service-account-issuer and service-account-signing-key-file (see the Kubeflow README), and inotify limits raised: fs.inotify.max_user_instances=2280, max_user_watches=1255360.',
    ],
  },
  minikube: {
    name: 'minikube',
    description: 'minikube on a workstation',
    defaultFootprint: 'small',
    variants: {},
    patches: [],
    notes: ['Start minikube with at least 4 CPUs and 12 GiB memory for the default component set.'],
  },
  microk8s: {
    name: 'microk8s',
    description: 'Canonical MicroK8s',
    defaultFootprint: 'small',
    variants: {},
    patches: [
      {
        overlay: 'microk8s-istio-cni',
        components: ['istio'],
        why: 'MicroK8s keeps CNI binaries and config under /var/snap/microk8s, not /opt/cni/bin and /etc/cni/net.d',
      },
    ],
    notes: ['Enable the dns, storage and rbac add-ons first.'],
  },
  eks: {
    name: 'eks',
    description: 'Amazon EKS',
    defaultFootprint: 'full',
    variants: {
      'oauth2-proxy': {
        from: OAUTH2_DEFAULT,
        to: 'common/oauth2-proxy/overlays/m2m-dex-and-eks',
        why: "EKS service-account tokens are issued by the cluster's OIDC provider; this variant trusts it for machine-to-machine access",
      },
    },
    patches: [],
    notes: [
      "Pass --oidc-issuer with the cluster's issuer (aws eks describe-cluster --query cluster.identity.oidc.issuer) so machine-to-machine tokens are accepted.",
    ],
  },
  gke: {
    name: 'gke',
    description: 'Google Kubernetes Engine',
    defaultFootprint: 'full',
    variants: {},
    patches: [
      {
        overlay: 'gke-istio-cni',
        components: ['istio'],
        why: 'GKE mounts /opt/cni/bin read-only; the Istio CNI plugin goes to /home/kubernetes/bin',
      },
    ],
    notes: [],
  },
  aks: {
    name: 'aks',
    description: 'Azure Kubernetes Service',
    defaultFootprint: 'full',
    variants: {},
    patches: [
      {
        overlay: 'aks-admissions-enforcer',
        components: '*',
        why: "AKS's admissions enforcer rewrites every webhook's namespaceSelector, which Argo CD then sees as drift forever",
      },
    ],
    notes: [],
  },
  generic: {
    name: 'generic',
    description: 'any conformant Kubernetes cluster',
    defaultFootprint: 'full',
    variants: {},
    patches: [],
    notes: [],
  },
  local: {
    name: 'local',
    description: 'the local control plane from scripts/local-cluster (kwok nodes: no kubelet, no data plane)',
    defaultFootprint: 'small',
    variants: {},
    patches: [
      {
        overlay: 'local-no-data-plane',
        components: '*',
        why: 'kwok pods run no containers: admission webhooks are removed and Argo CD does not wait on cert-manager objects (see overlays/README.md)',
      },
    ],
    notes: ['For tests and demos only.'],
  },
};

export function isTarget(value: string): value is Target {
  return (TARGETS as readonly string[]).includes(value);
}
