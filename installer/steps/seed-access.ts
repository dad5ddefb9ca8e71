/**
 * The cluster operations seeding uses (the boundary its tests inject), and the access check that
 * runs before its first apply: SelfSubjectAccessReviews for every create and patch the seeds take.
 */
import { accessNeeded, ALL_ACCESS, describeAccess, type AccessNeed } from '../plan/access-needed.js';
import type { SeedDecision } from '../plan/plan-component-seed.js';
import type { ApplyOptions, Collection, Kube, KubeObject, ObjectRef, ResourceType } from '../systems/kube.js';
import { limiter } from './pacing.js';

/** What seeding asks of the cluster: the boundary its tests inject. */
export interface SeedOps {
  resourceTypes(): Promise<ResourceType[]>;
  list(collection: Collection): Promise<KubeObject[]>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  apply(obj: KubeObject, opts: ApplyOptions): Promise<unknown>;
  createIfAbsent(obj: KubeObject): Promise<'created' | 'exists'>;
  /** A SelfSubjectAccessReview: may the caller do this? */
  allowed(need: AccessNeed | typeof ALL_ACCESS): Promise<boolean>;
}

export function seedOpsOf(kube: Kube): SeedOps {
  return {
    resourceTypes: () => kube.resourceTypes(),
    list: (c) => kube.list(c),
    get: (ref) => kube.get(ref),
    apply: (obj, opts) => kube.apply(obj, opts),
    createIfAbsent: (obj) => kube.createIfAbsent(obj),
    allowed: async (n) => {
      const review = await kube.create<KubeObject & { status?: { allowed?: boolean } }>({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: n.verb, group: n.group, resource: n.resource, namespace: n.namespace } },
      });
      return review.status?.allowed === true;
    },
  };
}

/**
 * Every permission the seeds take, checked before the first apply: a component whose apply the
 * caller may not make is left to Argo CD, with the permission named. One review of "everything"
 * answers for a cluster admin; otherwise each distinct need is asked once.
 */
export async function refuseWithoutAccess(
  ops: SeedOps,
  decisions: Map<string, SeedDecision>,
  resourceOf: (apiVersion: string, kind: string) => string | undefined,
): Promise<void> {
  const seeds = [...decisions.values()].flatMap((d) => (d.kind === 'seed' ? [d.seed] : []));
  if (seeds.length === 0 || (await ops.allowed(ALL_ACCESS))) return;
  const needs = new Map(seeds.map((s) => [s.component, accessNeeded(s, resourceOf)]));
  const answers = new Map<string, Promise<boolean>>();
  const ask = limiter(8);
  for (const list of needs.values())
    for (const n of list)
      if (!answers.has(describeAccess(n)))
        answers.set(
          describeAccess(n),
          ask(() => ops.allowed(n)),
        );
  for (const [component, list] of needs) {
    const denied: string[] = [];
    for (const n of list) if (!(await answers.get(describeAccess(n)))) denied.push(describeAccess(n));
    if (denied.length > 0)
      decisions.set(component, {
        kind: 'skip',
        component,
        reason: `you may not ${denied.slice(0, 3).join(', ')}${denied.length > 3 ? ` (and ${denied.length - 3} more)` : ''} (SelfSubjectAccessReview)`,
      });
  }
}
