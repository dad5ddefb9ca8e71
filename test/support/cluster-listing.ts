/**
 * Every object in the cluster as "apiVersion Kind namespace/name" lines, for before/after comparisons
 * (uninstall must leave exactly what was there). Kinds the control plane churns on its own (events,
 * leases, endpoints) are left out: they say nothing about what an installer created.
 */
import type { Kube, KubeObject } from '../../installer/systems/kube.js';

const CHURN = new Set(['Event', 'Lease', 'Endpoints', 'EndpointSlice']);

export async function listEverything(kube: Kube): Promise<string[]> {
  const out: string[] = [];
  for (const t of await kube.resourceTypes()) {
    if (CHURN.has(t.kind)) continue;
    const base = t.apiVersion === 'v1' ? '/api/v1' : `/apis/${t.apiVersion}`;
    const items = await kube.request<{ items: KubeObject[] }>('GET', `${base}/${t.resource}`).then((l) => l.items, () => []);
    for (const o of items) out.push(`${t.apiVersion} ${t.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`);
  }
  return out.sort();
}

/**
 * The listing once nothing beyond `before` is left, or after `seconds`: the API server drops the
 * APIServices of deleted CRD groups, and provisioners their released volumes, a moment after.
 */
export async function listingSettledTo(kube: Kube, before: readonly string[], seconds = 30): Promise<string[]> {
  let after = await listEverything(kube);
  for (let i = 0; i < seconds && after.some((x) => !before.includes(x)); i++) {
    await new Promise((res) => setTimeout(res, 1000));
    after = await listEverything(kube);
  }
  return after;
}
