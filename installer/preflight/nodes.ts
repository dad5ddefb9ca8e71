/** The cluster's nodes as preflight and the wizard read them: labels, architecture, allocatable capacity. */
import type { Kube, KubeObject } from '../systems/kube.js';
import type { NodeFacts } from './detect-target.js';

/** Every node with what preflight and the wizard need: labels for the cluster type, allocatable capacity. */
export async function readNodes(kube: Kube): Promise<NodeFacts[]> {
  const nodes = await kube.list<
    KubeObject & {
      spec?: { providerID?: string };
      status?: { allocatable?: Record<string, string>; nodeInfo?: { architecture?: string } };
    }
  >({ apiVersion: 'v1', resource: 'nodes' });
  return nodes.map((n) => ({
    name: n.metadata?.name ?? '',
    labels: n.metadata?.labels ?? {},
    annotations: n.metadata?.annotations ?? {},
    providerID: n.spec?.providerID ?? '',
    arch: n.status?.nodeInfo?.architecture ?? n.metadata?.labels?.['kubernetes.io/arch'] ?? '',
    cpuMillis: parseCpu(n.status?.allocatable?.cpu),
    memoryMiB: parseMemMiB(n.status?.allocatable?.memory),
  }));
}

/** A Kubernetes quantity (e.g. 500m, 1k, 2Gi, 1.5) in base units. */
export function parseQuantity(v: string | undefined): number {
  const m = /^([+-]?\d+(?:\.\d+)?)(?:e(\d+))?([numkMGTPE]|[KMGTPE]i)?$/.exec(v ?? '');
  if (!m) return 0;
  const factor: Record<string, number> = {
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  };
  return Number.parseFloat(m[1] ?? '0') * 10 ** Number.parseInt(m[2] ?? '0', 10) * (m[3] ? (factor[m[3]] ?? 1) : 1);
}

function parseCpu(v: string | undefined): number {
  return Math.round(parseQuantity(v) * 1000);
}

function parseMemMiB(v: string | undefined): number {
  return parseQuantity(v) / 2 ** 20;
}
