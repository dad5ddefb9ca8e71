/**
 * Summed container requests per component (CPU millicores, memory MiB), measured by rendering
 * Kubeflow 26.03 and 26.03.1-rc.2 with kubectl kustomize; components not listed request nothing
 * explicitly. A component that others merge into in a release (notebook-controller in 26.03.1) requests
 * what they did as well. Used by preflight and the wizard to compare a selection with what the cluster
 * can allocate. test/integration/fork-matrix.test.ts renders every component and holds this table to it.
 */
import { COMPONENTS } from './components.js';
import type { Release } from './releases.js';
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
  // Its web UI requests 500m / 2 GiB upstream.
  'model-registry': [500, 2048],
};

/** The same with overlays/components/small-footprint applied. */
const SMALL: Readonly<Record<string, readonly [number, number]>> = {
  ...FULL,
  istio: [300, 484],
  'knative-serving': [400, 420],
  pipelines: [322, 1158],
  'model-registry': [50, 256],
};

export function requestsOf(
  components: readonly string[],
  footprint: Footprint,
  release: Release,
): { cpuMillis: number; memoryMiB: number } {
  const table = footprint === 'small' ? SMALL : FULL;
  let cpuMillis = 0;
  let memoryMiB = 0;
  for (const c of components) {
    for (const part of [c, ...mergedInto(c, release)]) {
      const r = table[part];
      if (r) {
        cpuMillis += r[0];
        memoryMiB += r[1];
      }
    }
  }
  return { cpuMillis, memoryMiB };
}

function mergedInto(component: string, release: Release): string[] {
  return COMPONENTS.filter((c) => c.paths[release] === undefined && c.mergedInto?.[release] === component).map(
    (c) => c.name,
  );
}
