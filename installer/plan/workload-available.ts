/** When a seeded component's workloads are up, so that what depends on it may go next. */
import type { KubeObject } from '../systems/kube.js';

interface Workload extends KubeObject {
  metadata?: KubeObject['metadata'] & { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    readyReplicas?: number;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

/** A workload has rolled out and is available, as `kubectl rollout status` and Argo CD's health checks see it. */
export function workloadAvailable(w: Workload | undefined): boolean {
  if (w === undefined) return false;
  const st = w.status ?? {};
  if ((st.observedGeneration ?? 0) < (w.metadata?.generation ?? 1)) return false;
  if (w.kind === 'DaemonSet')
    return (
      (st.updatedNumberScheduled ?? 0) >= (st.desiredNumberScheduled ?? 0) &&
      (st.numberAvailable ?? 0) >= (st.desiredNumberScheduled ?? 0)
    );
  const want = w.spec?.replicas ?? 1;
  if (w.kind === 'StatefulSet') return (st.readyReplicas ?? 0) >= want && (st.updatedReplicas ?? 0) >= want;
  return (st.updatedReplicas ?? 0) >= want && (st.availableReplicas ?? 0) >= want && (st.replicas ?? 0) <= want;
}
