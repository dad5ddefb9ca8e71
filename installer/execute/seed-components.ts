/**
 * Seeds a first install (plan/seed-components.ts says what and why). Each component goes as soon as
 * its render is in and its dependencies' workloads are available: its objects as Argo CD applies them,
 * then, once every CRD ahead is Established, its custom resources and its Application (a cluster cache
 * Argo CD builds earlier would reload once per CRD event). A component that cannot be seeded, or whose
 * dependency was not, is left to the root's sync waves as before; nothing here fails the run.
 */
import type { RenderedComponent } from '../plan/crds-ahead.js';
import {
  componentOf,
  crdScopes,
  customAsArgoCdApplies,
  DEFAULT_TRACKING,
  groupKind,
  mayApplyOver,
  planComponentSeed,
  workloadAvailable,
  type ArgoTracking,
  type ComponentSeed,
  type SeedDecision,
} from '../plan/seed-components.js';
import { COMPONENTS } from '../catalogue/components.js';
import type { Release } from '../catalogue/releases.js';
import { dependenciesIn } from '../catalogue/resolve-components.js';
import { LABEL_MANAGED_BY, ROOT_APP_NAME, TOOL } from '../constants.js';
import { applicationRef, ARGOCD_SSA_MANAGER, type ArgoCdFacts } from '../systems/argocd.js';
import type { ForkBranch } from './fork-branch.js';
import type { InstallRecord } from '../plan/install-record.js';
import { markSeeding } from './install-record.js';
import { awaitEach, limiter } from './pacing.js';
import type { Kube, KubeObject, ObjectRef, ResourceType } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';

export interface SeedInput {
  /** The fork's child Applications (kubeflow-apps/). */
  readonly applications: readonly KubeObject[];
  /** Every component's render (the scopes of the kinds they bring), and one component's. */
  readonly renders: readonly Promise<RenderedComponent>[];
  readonly renderOf: ForkBranch['renderOf'];
  readonly dependsOn: (component: string) => readonly string[];
  readonly rootName: string;
  readonly tracking: ArgoTracking;
  /** Settles once the CRDs ahead are Established, every render in; no Application is created before. */
  readonly crdsReady: Promise<unknown>;
}

export interface SeedOptions {
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a component's workloads may take to turn available before its dependents go the usual way. */
  readonly availableTimeoutMs?: number;
}

export interface SeedResult {
  readonly seeded: readonly string[];
  readonly left: readonly { component: string; reason: string }[];
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';

export interface FirstInstall {
  readonly fork: Pick<ForkBranch, 'applications' | 'renders' | 'renderOf'>;
  readonly release: Release;
  readonly argocd: ArgoCdFacts | undefined;
  /** The install record as this run read it. */
  readonly record: InstallRecord;
}

/** Seeds the fork's components when the root Application does not exist yet (a first install, or one killed before its root). */
export async function seedFirstInstall(
  kube: Kube,
  f: FirstInstall,
  crdsReady: Promise<unknown>,
  log: Logger,
): Promise<SeedResult | undefined> {
  if ((await kube.get(applicationRef(ROOT_APP_NAME))) !== undefined) return undefined;
  await markSeeding(
    kube,
    f.record,
    f.fork.applications.flatMap((a) => componentOf(a) ?? []),
  );
  // A dependency merged into another component in this release is that component.
  const home = (dep: string) => COMPONENTS.find((c) => c.name === dep)?.mergedInto?.[f.release] ?? dep;
  return seedComponents(
    kube,
    {
      applications: f.fork.applications,
      renders: f.fork.renders(),
      renderOf: f.fork.renderOf,
      dependsOn: (name) => dependenciesIn(name, f.release).map(home),
      rootName: ROOT_APP_NAME,
      tracking: f.argocd?.tracking ?? DEFAULT_TRACKING,
      crdsReady,
    },
    log,
  );
}

export async function seedComponents(
  kube: Kube,
  input: SeedInput,
  log: Logger,
  opts: SeedOptions = {},
): Promise<SeedResult> {
  const now = opts.now ?? Date.now;
  const t0 = now();
  const at = (t: number) => `${((t - t0) / 1000).toFixed(1)} s`;
  const served = new Map((await kube.resourceTypes()).map((t) => [groupKind(t), t]));
  const ctx = {
    rootName: input.rootName,
    tracking: input.tracking,
    namespaced: (apiVersion: string, kind: string) => served.get(groupKind({ apiVersion, kind }))?.namespaced,
  };
  const live = liveObjects(kube, served);
  // Every render once all are in (the CRDs ahead wait for them): the scopes of the kinds they bring.
  const scopes = Promise.all(input.renders.map((r) => r.catch(() => undefined))).then((all) =>
    crdScopes(all.filter((r): r is RenderedComponent => r !== undefined)),
  );
  const decisions = new Map<string, Promise<SeedDecision | undefined>>();
  for (const app of input.applications) {
    const name = componentOf(app);
    if (name === undefined) continue;
    decisions.set(
      name,
      input.renderOf(name).then((r) => (r === undefined ? undefined : planComponentSeed(app, r, ctx))),
    );
  }
  const needed = new Set([...decisions.keys()].flatMap((n) => input.dependsOn(n)));
  const seeded: string[] = [];
  const left: { component: string; reason: string }[] = [];
  const runs = new Map<string, Promise<boolean>>();
  const leave = (component: string, reason: string): false => {
    left.push({ component, reason });
    return false;
  };

  // Custom resources and Applications, which wait for the CRDs ahead; the dependents do not wait for them.
  const finishing: Promise<unknown>[] = [];
  const finish = (name: string, seed: ComponentSeed, incomplete: string | undefined): Promise<boolean> =>
    (async () => {
      const custom = await applyCustom(kube, seed, {
        live,
        scopes,
        crdsReady: input.crdsReady,
        tracking: input.tracking,
      });
      // Its dependencies are available: Argo CD may sync whatever seeding did not cover.
      await kube.createIfAbsent(seed.application);
      const why = incomplete ?? custom;
      if (why !== undefined) return leave(name, why);
      seeded.push(name);
      return true;
    })().catch((err: unknown) => leave(name, errorText(err)));

  // Resolves true once the component's objects are applied and, when another one needs it, its workloads available.
  const run = (name: string): Promise<boolean> => {
    const known = runs.get(name);
    if (known !== undefined) return known;
    const p = (async (): Promise<boolean> => {
      const deps = input.dependsOn(name).filter((n) => n !== name && decisions.has(n));
      const ok = await Promise.all(deps.map(run));
      const failed = deps.filter((_, i) => !ok[i]);
      if (failed.length > 0) return leave(name, `it needs ${failed.join(', ')}`);
      const d = await decisions.get(name);
      if (d === undefined) return leave(name, 'its render failed');
      if (d.kind === 'skip') return leave(name, d.reason);
      const incomplete = await applyObjects(kube, d.seed, live);
      finishing.push(finish(name, d.seed, incomplete));
      if (incomplete !== undefined) return false;
      if (!needed.has(name)) return true;
      const available = await awaitAvailable(kube, d.seed.workloads, opts);
      log.info(`${name}: workloads ${available ? 'available' : 'still not available'} at ${at(now())}`);
      return available;
    })().catch((err: unknown) => leave(name, errorText(err)));
    runs.set(name, p);
    return p;
  };
  await Promise.all([...decisions.keys()].map(run));
  await Promise.all(finishing);

  log.step(
    `seeded ${seeded.length} component${seeded.length === 1 ? '' : 's'} as Argo CD applies them in ${at(now())}`,
  );
  for (const l of left) log.info(`${l.component}: left to Argo CD's sync (${l.reason})`);
  return { seeded, left };
}

type LiveObjects = (o: KubeObject) => Promise<KubeObject | undefined>;

interface ApplyContext {
  readonly live: LiveObjects;
  readonly scopes: Promise<ReadonlyMap<string, boolean>>;
  readonly crdsReady: Promise<unknown>;
  readonly tracking: ArgoTracking;
}

/** The component's objects of kinds the cluster serves, namespaces first; why one was left to Argo CD, if one was. */
async function applyObjects(kube: Kube, seed: ComponentSeed, live: LiveObjects): Promise<string | undefined> {
  // What CreateNamespace=true does before a sync; a namespace of the render is applied below as any object.
  // Labelled as the installer's, so that the component shipping it may still seed it and uninstall removes it.
  if (!seed.objects.some((o) => o.kind === 'Namespace' && o.metadata?.name === seed.destNamespace))
    await kube.createIfAbsent({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: seed.destNamespace, labels: { [LABEL_MANAGED_BY]: TOOL } },
    });
  const namespaces = await applyAll(
    kube,
    live,
    seed.objects.filter((o) => o.kind === 'Namespace'),
  );
  return (
    namespaces ??
    (await applyAll(
      kube,
      live,
      seed.objects.filter((o) => o.kind !== 'Namespace'),
    ))
  );
}

/** Its custom resources, once every CRD ahead is Established. */
async function applyCustom(kube: Kube, seed: ComponentSeed, c: ApplyContext): Promise<string | undefined> {
  await c.crdsReady;
  const custom = customAsArgoCdApplies(seed, await c.scopes, c.tracking);
  return 'reason' in custom ? custom.reason : applyAll(kube, c.live, custom.objects);
}

async function applyAll(kube: Kube, live: LiveObjects, objects: readonly KubeObject[]): Promise<string | undefined> {
  const apply = limiter(12);
  const results = await Promise.all(
    objects.map((o) =>
      apply(async (): Promise<string | undefined> => {
        const what = `${o.kind ?? '?'} ${o.metadata?.name ?? '?'}`;
        const existing = await live(o);
        if (existing !== undefined && !mayApplyOver(existing, o)) return `${what} exists and is not the installer's`;
        return kube.apply(o, { fieldManager: ARGOCD_SSA_MANAGER, force: true }).then(
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
function liveObjects(
  kube: Kube,
  served: ReadonlyMap<string, ResourceType>,
): (o: KubeObject) => Promise<KubeObject | undefined> {
  const lists = new Map<string, Promise<Map<string, KubeObject>>>();
  const key = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  return async (o) => {
    const type = served.get(groupKind(o));
    if (type === undefined) return undefined;
    let list = lists.get(groupKind(o));
    if (list === undefined) {
      list = kube.list(type).then((items) => new Map(items.map((i) => [key(i), i])));
      lists.set(groupKind(o), list);
    }
    return (await list).get(key(o));
  };
}

async function awaitAvailable(kube: Kube, workloads: readonly ObjectRef[], opts: SeedOptions): Promise<boolean> {
  const pending = await awaitEach(workloads, async (w) => workloadAvailable(await kube.get(w)), {
    now: opts.now,
    sleep: opts.sleep,
    timeoutMs: opts.availableTimeoutMs ?? 180_000,
    intervalMs: 300,
  });
  return pending.length === 0;
}
