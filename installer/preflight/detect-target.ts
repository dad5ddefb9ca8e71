/** Which kind of cluster this is, from what its nodes say about themselves. Pure. */
import type { Target } from '../catalogue/targets.js';

export interface NodeFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly providerID: string;
  readonly arch: string;
  readonly cpuMillis: number;
  readonly memoryMiB: number;
}

const RULES: readonly { target: Target; test: (n: NodeFacts) => boolean; why: string }[] = [
  {
    target: 'local',
    test: (n) => n.annotations['kwok.x-k8s.io/node'] === 'fake' || n.labels.type === 'kwok',
    why: 'kwok (fake) nodes',
  },
  { target: 'kind', test: (n) => n.providerID.startsWith('kind://'), why: 'node providerID kind://' },
  { target: 'minikube', test: (n) => 'minikube.k8s.io/name' in n.labels, why: 'node label minikube.k8s.io/name' },
  {
    target: 'microk8s',
    test: (n) => 'microk8s.io/cluster' in n.labels || 'node.kubernetes.io/microk8s-controlplane' in n.labels,
    why: 'MicroK8s node labels',
  },
  {
    target: 'eks',
    test: (n) => n.providerID.startsWith('aws://') || 'eks.amazonaws.com/nodegroup' in n.labels,
    why: 'node providerID aws:// or an EKS node group label',
  },
  {
    target: 'gke',
    test: (n) => n.providerID.startsWith('gce://') || 'cloud.google.com/gke-nodepool' in n.labels,
    why: 'node providerID gce:// or a GKE node pool label',
  },
  {
    target: 'aks',
    test: (n) => n.providerID.startsWith('azure://') || 'kubernetes.azure.com/cluster' in n.labels,
    why: 'node providerID azure:// or an AKS cluster label',
  },
];

export function detectTarget(nodes: readonly NodeFacts[]): Target {
  return explainTarget(nodes).target;
}

/** The cluster type and the node evidence for it, for the wizard to show why it is the default. */
export function explainTarget(nodes: readonly NodeFacts[]): { target: Target; why: string } {
  for (const r of RULES) if (nodes.some(r.test)) return { target: r.target, why: r.why };
  return { target: 'generic', why: nodes.length === 0 ? 'no nodes to look at' : 'no provider-specific node labels' };
}
