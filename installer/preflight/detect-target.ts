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

const RULES: readonly { target: Target; test: (n: NodeFacts) => boolean }[] = [
  { target: 'local', test: (n) => n.annotations['kwok.x-k8s.io/node'] === 'fake' || n.labels.type === 'kwok' },
  { target: 'kind', test: (n) => n.providerID.startsWith('kind://') },
  { target: 'minikube', test: (n) => 'minikube.k8s.io/name' in n.labels },
  { target: 'microk8s', test: (n) => 'microk8s.io/cluster' in n.labels || 'node.kubernetes.io/microk8s-controlplane' in n.labels },
  { target: 'eks', test: (n) => n.providerID.startsWith('aws://') || 'eks.amazonaws.com/nodegroup' in n.labels },
  { target: 'gke', test: (n) => n.providerID.startsWith('gce://') || 'cloud.google.com/gke-nodepool' in n.labels },
  { target: 'aks', test: (n) => n.providerID.startsWith('azure://') || 'kubernetes.azure.com/cluster' in n.labels },
];

export function detectTarget(nodes: readonly NodeFacts[]): Target {
  for (const r of RULES) if (nodes.some(r.test)) return r.target;
  return 'generic';
}
