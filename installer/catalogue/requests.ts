/**
 * Summed container requests per component (CPU millicores, memory MiB), measured by rendering
 * Kubeflow 26.03 with kubectl kustomize; components not listed request nothing explicitly. Used by
 * preflight and the wizard to compare a selection with what the cluster can allocate.
 * test/integration/fork-matrix.test.ts renders every component and holds this table to it.
 */
import type { Footprint } from './targets.js';

const FULL: Readonly<Record<string, readonly [number, number]>> = {
  istio: [700, 2276],
  'cluster-local-gateway': [100, 128],
  'knative-serving': [650, 420],
  pipelines: [742, 3254],
  'pvcviewer-controller': [15, 128],
  'tensorboard-controller': [15, 128],
  kserve: [300, 700],
  trainer: [500, 128],
};

/** The same with overlays/components/small-footprint applied. */
const SMALL: Readonly<Record<string, readonly [number, number]>> = {
  ...FULL,
  istio: [300, 484],
  'knative-serving': [400, 420],
  pipelines: [322, 1158],
};

export function requestsOf(
  components: readonly string[],
  footprint: Footprint,
): { cpuMillis: number; memoryMiB: number } {
  const table = footprint === 'small' ? SMALL : FULL;
  let cpuMillis = 0;
  let memoryMiB = 0;
  for (const c of components) {
    const r = table[c];
    if (r) {
      cpuMillis += r[0];
      memoryMiB += r[1];
    }
  }
  return { cpuMillis, memoryMiB };
}
