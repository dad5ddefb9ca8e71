/** How seeding applies a component: its namespaces as Argo CD makes them, then its objects, never over someone else's. */
import { mayApplyOver, groupKind, type ComponentSeed } from '../plan/plan-component-seed.js';
import { workloadAvailable } from '../plan/workload-available.js';
import { ARGOCD_SSA_MANAGER } from '../systems/argocd.js';
import type { ApplyOptions, KubeObject, ObjectRef, ResourceType } from '../systems/kube.js';
import { awaitEach, limiter } from './pacing.js';
import type { SeedOps } from './seed-access.js';

export interface AvailableOptions {
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly availableTimeoutMs?: number;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';

export type LiveObjects = (o: KubeObject) => Promise<KubeObject | undefined>;

export const applyOptions = (seed: ComponentSeed): ApplyOptions => ({
  fieldManager: ARGOCD_SSA_MANAGER,
  force: true,
  fieldValidation: seed.validate ? 'Strict' : 'Ignore',
});

/** A namespace its objects go to that nothing creates: Argo CD's sync would fail on it, so nothing is applied. */
export async function missingNamespace(ops: SeedOps, seed: ComponentSeed): Promise<string | undefined> {
  for (const name of seed.needsNamespaces)
    if ((await ops.get({ apiVersion: 'v1', kind: 'Namespace', name })) === undefined)
      return `namespace ${name} does not exist and nothing in the component creates it`;
  return undefined;
}

/** The component's objects of kinds the cluster serves, namespaces first; why one was left to Argo CD, if one was. */
export async function applyObjects(ops: SeedOps, seed: ComponentSeed, live: LiveObjects): Promise<string | undefined> {
  if (seed.namespace !== undefined) {
    const { object, evenIfPresent } = seed.namespace;
    const exists =
      (await ops.get({ apiVersion: 'v1', kind: 'Namespace', name: object.metadata?.name ?? '' })) !== undefined;
    if (!exists || evenIfPresent) await ops.apply(object, applyOptions(seed));
  }
  const namespaces = await applyAll(
    ops,
    live,
    seed.objects.filter((o) => o.kind === 'Namespace'),
    applyOptions(seed),
  );
  return (
    namespaces ??
    (await applyAll(
      ops,
      live,
      seed.objects.filter((o) => o.kind !== 'Namespace'),
      applyOptions(seed),
    ))
  );
}

export async function applyAll(
  ops: SeedOps,
  live: LiveObjects,
  objects: readonly KubeObject[],
  options: ApplyOptions,
): Promise<string | undefined> {
  const apply = limiter(12);
  const results = await Promise.all(
    objects.map((o) =>
      apply(async (): Promise<string | undefined> => {
        const what = `${o.kind ?? '?'} ${o.metadata?.name ?? '?'}`;
        const existing = await live(o);
        if (existing !== undefined && !mayApplyOver(existing, o)) return `${what} exists and is not the installer's`;
        return ops.apply(o, options).then(
          () => undefined,
          (err: unknown) => `${what}: ${errorText(err)}`,
        );
      }),
    ),
  );
  return results.find((r) => r !== undefined);
}

/**
 * What exists of an object's kind, listed once per kind the cluster served when seeding began (a
 * kind that comes with a CRD ahead has no objects yet); one list instead of a GET per object.
 */
export function liveObjects(ops: SeedOps, served: ReadonlyMap<string, ResourceType>): LiveObjects {
  const lists = new Map<string, Promise<Map<string, KubeObject>>>();
  const key = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  return async (o) => {
    const type = served.get(groupKind(o));
    if (type === undefined) return undefined;
    let list = lists.get(groupKind(o));
    if (list === undefined) {
      list = ops.list(type).then((items) => new Map(items.map((i) => [key(i), i])));
      lists.set(groupKind(o), list);
    }
    return (await list).get(key(o));
  };
}

export async function awaitAvailable(
  ops: SeedOps,
  workloads: readonly ObjectRef[],
  opts: AvailableOptions,
): Promise<boolean> {
  const pending = await awaitEach(workloads, async (w) => workloadAvailable(await ops.get(w)), {
    now: opts.now,
    sleep: opts.sleep,
    timeoutMs: opts.availableTimeoutMs ?? 180_000,
    intervalMs: 300,
  });
  return pending.length === 0;
}
