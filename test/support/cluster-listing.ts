/**
 * Every object in the cluster as "apiVersion Kind namespace/name" lines, for before/after comparisons
 * (uninstall must leave exactly what was there). Kinds the control plane churns on its own (events,
 * leases, endpoints) are left out: they say nothing about what an installer created.
 */
import { collectionPath, type Kube, type KubeObject } from '../../installer/systems/kube.js';
import { expect } from 'vitest';

const CHURN = new Set(['Event', 'Lease', 'Endpoints', 'EndpointSlice']);

interface Listing {
  readonly lines: string[];
  readonly deleting: string[];
}

async function list(kube: Kube): Promise<Listing> {
  const lines: string[] = [];
  const deleting: string[] = [];
  for (const t of await kube.resourceTypes()) {
    if (CHURN.has(t.kind)) continue;
    const items = await kube.request<{ items: KubeObject[] }>('GET', collectionPath(t)).then(
      (l) => l.items,
      () => [],
    );
    for (const o of items) {
      const line = `${t.apiVersion} ${t.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`;
      lines.push(line);
      if (o.metadata?.deletionTimestamp) deleting.push(line);
    }
  }
  return { lines: lines.sort(), deleting };
}

export async function listEverything(kube: Kube): Promise<string[]> {
  return (await list(kube)).lines;
}

/**
 * The listing to compare against later, taken once the cluster is quiet: nothing being deleted and
 * two listings 2 s apart equal. The control plane outlives test runs, so a run killed mid-cleanup
 * (an Application cascading, a namespace terminating) finishes its deletions when the cluster comes
 * back, in the middle of the next run's test; a "before" taken then would count them as ours.
 * After `seconds` it gives up waiting and returns the last listing, naming what still moved.
 */
export async function quietListing(kube: Kube, seconds = 180): Promise<string[]> {
  const end = Date.now() + seconds * 1000;
  let last = await list(kube);
  for (;;) {
    await new Promise((res) => setTimeout(res, 2000));
    const now = await list(kube);
    const same = now.lines.length === last.lines.length && now.lines.every((l, i) => l === last.lines[i]);
    if (same && now.deleting.length === 0) return now.lines;
    if (Date.now() > end) {
      console.warn(
        `[cluster-listing] not quiet after ${seconds}s; still deleting: ${now.deleting.slice(0, 10).join(', ') || 'none'}`,
      );
      return now.lines;
    }
    last = now;
  }
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

/** Asserts that once the cluster settles it lists exactly `before`: nothing left behind, nothing of others deleted. */
export async function expectListingAsBefore(kube: Kube, before: readonly string[]): Promise<void> {
  const after = await listingSettledTo(kube, before);
  expect(
    after.filter((x) => !before.includes(x)),
    'left behind',
  ).toEqual([]);
  expect(
    before.filter((x) => !after.includes(x)),
    'deleted but not ours',
  ).toEqual([]);
}
