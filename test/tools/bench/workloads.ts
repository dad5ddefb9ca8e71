/**
 * When the last Deployment in the cluster became Available: the official method's notion of done
 * (`kubectl wait --for=condition=Available`), measured the same way for every method from each
 * Deployment's own condition (whole seconds).
 */
import type { Kube } from '../../../installer/systems/kube.js';
import { round } from './stats.js';

export interface WorkloadsAvailable {
  /** Seconds after the method's start; undefined while any Deployment is not Available. */
  readonly seconds: number | undefined;
  readonly deployments: number;
  readonly notAvailable: number;
}

interface Deployment {
  status?: { conditions?: { type?: string; status?: string; lastTransitionTime?: string }[] };
}

/** Pure: from the Deployments and the method's start (epoch ms). */
export function workloadsAvailable(items: readonly Deployment[], startEpochMs: number): WorkloadsAvailable {
  let last = Number.NEGATIVE_INFINITY;
  let notAvailable = 0;
  for (const d of items) {
    const c = d.status?.conditions?.find((x) => x.type === 'Available');
    if (c?.status !== 'True' || c.lastTransitionTime === undefined) {
      notAvailable += 1;
      continue;
    }
    last = Math.max(last, Date.parse(c.lastTransitionTime));
  }
  const seconds = Number.isFinite(last) && notAvailable === 0 ? round((last - startEpochMs) / 1000, 1) : undefined;
  return { seconds, deployments: items.length, notAvailable };
}

/** `startEpochMs`: Date.now() at the method's start (the API server's times are wall-clock times). */
export async function lastDeploymentAvailable(kube: Kube, startEpochMs: number): Promise<WorkloadsAvailable> {
  const list = await kube.request<{ items: Deployment[] }>('GET', '/apis/apps/v1/deployments');
  return workloadsAvailable(list.items, startEpochMs);
}
