/**
 * Seeds a first install (plan/plan-component-seed.ts says what and why). It starts once every render is
 * in and the CRDs ahead are applied; what Argo CD would refuse (plan/argocd-policy.ts) and what the
 * caller may not do (SelfSubjectAccessReviews) are decided before the first apply. Each component
 * then goes as soon as its dependencies' workloads are available: its objects as Argo CD applies
 * them, then, once every CRD ahead is Established, its custom resources and its Application. A
 * component that is not seeded, or whose dependency was not, is left to Argo CD's own sync with the
 * reason named; nothing here fails the run.
 */
import { type ArgoPolicy, DEFAULT_TRACKING, type ArgoTracking } from '../core/argocd-documents.js';
import type { RenderedComponent } from '../plan/crds-ahead.js';
import {
  componentOf,
  crdKinds,
  groupKind,
  judgeRootSync,
  planComponentSeed,
  type ComponentSeed,
  type SeedContext,
  type SeedDecision,
} from '../plan/plan-component-seed.js';
import { COMPONENTS } from '../catalogue/components.js';
import type { Release } from '../catalogue/releases.js';
import { dependenciesIn } from '../catalogue/resolve-components.js';
import { ROOT_APP_NAME } from '../core/constants.js';
import { applicationRef, type ArgoCdFacts } from '../systems/argocd.js';
import type { Kube, KubeObject } from '../systems/kube.js';
import type { ForkBranch } from './fork-branch.js';
import type { InstallRecord } from '../plan/parse-install-record.js';
import { markSeeding } from './ensure-install-record.js';
import { refuseWithoutAccess, seedOpsOf, type SeedOps } from './seed-access.js';
import { applyAll, applyObjects, applyOptions, awaitAvailable, liveObjects, missingNamespace } from './seed-apply.js';

export type { SeedOps } from './seed-access.js';
import type { Logger } from '../ui/logger.js';

export interface SeedInput {
  /** The fork's child Applications (kubeflow-apps/). */
  readonly applications: readonly KubeObject[];
  /** The root Application: seeding creates its children, which is its sync's work. */
  readonly root: KubeObject;
  /** Every component's render, settled (an Error where it failed). */
  readonly renders: readonly (RenderedComponent | Error)[];
  readonly dependsOn: (component: string) => readonly string[];
  readonly tracking: ArgoTracking;
  readonly policy: ArgoPolicy;
  /** Settles once the CRDs ahead are Established; no custom resource or Application is created before. */
  readonly crdsReady: Promise<unknown>;
}

export interface SeedOptions {
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a component's workloads may take to turn available before its dependents go the usual way. */
  readonly availableTimeoutMs?: number;
}

export interface LeftToArgoCd {
  readonly component: string;
  readonly reason: string;
  /** Argo CD's sync window refuses its sync now; it opens then (undefined: not within a year). */
  readonly window?: { readonly opensAt: number | undefined } | undefined;
}

export interface SeedResult {
  readonly seeded: readonly string[];
  readonly left: readonly LeftToArgoCd[];
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';

export interface FirstInstall {
  readonly fork: Pick<ForkBranch, 'applications' | 'renders'>;
  readonly release: Release;
  readonly argocd: ArgoCdFacts | undefined;
  /** The install record as this run read it. */
  readonly record: InstallRecord;
  /** The root Application as it will be applied. */
  readonly root: KubeObject;
  /** What Argo CD would refuse (systems/argocd-policy.ts), or why it could not be read. */
  readonly policy: ArgoPolicy | Error;
}

/** Seeds the fork's components when the root Application does not exist yet (a first install, or one killed before its root). */
export async function seedFirstInstall(
  kube: Kube,
  f: FirstInstall,
  crdsReady: Promise<unknown>,
  log: Logger,
): Promise<SeedResult | undefined> {
  if ((await kube.get(applicationRef(ROOT_APP_NAME))) !== undefined) return undefined;
  const components = f.fork.applications.flatMap((a) => componentOf(a) ?? []);
  const { policy, root } = f;
  if (policy instanceof Error) {
    log.warn(`seeding nothing: ${policy.message}`);
    return { seeded: [], left: components.map((component) => ({ component, reason: policy.message })) };
  }
  await markSeeding(kube, f.record, components);
  // A dependency merged into another component in this release is that component.
  const home = (dep: string) => COMPONENTS.find((c) => c.name === dep)?.mergedInto?.[f.release] ?? dep;
  const renders = await Promise.all(
    f.fork.renders().map((r) => r.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))),
  );
  return seedComponents(
    seedOpsOf(kube),
    {
      applications: f.fork.applications,
      root,
      renders,
      dependsOn: (name) => dependenciesIn(name, f.release).map(home),
      tracking: f.argocd?.tracking ?? DEFAULT_TRACKING,
      policy,
      crdsReady,
    },
    log,
  );
}

export async function seedComponents(
  ops: SeedOps,
  input: SeedInput,
  log: Logger,
  opts: SeedOptions = {},
): Promise<SeedResult> {
  const now = opts.now ?? Date.now;
  const t0 = now();
  const at = (t: number) => `${((t - t0) / 1000).toFixed(1)} s`;
  const served = new Map((await ops.resourceTypes()).map((t) => [groupKind(t), t]));
  const rendered = input.renders.filter((r): r is RenderedComponent => !(r instanceof Error));
  const crds = crdKinds(rendered);
  const gk = (apiVersion: string, kind: string) => groupKind({ apiVersion, kind });
  const ctx: SeedContext = {
    rootName: ROOT_APP_NAME,
    tracking: input.tracking,
    namespaced: (v, k) => served.get(gk(v, k))?.namespaced ?? crds.get(gk(v, k))?.namespaced,
    served: (v, k) => served.has(gk(v, k)),
    policy: input.policy,
    now: t0,
  };
  const decisions = new Map<string, SeedDecision>();
  const rootVerdict = judgeRootSync(input.root, input.applications, ctx);
  for (const app of input.applications) {
    const name = componentOf(app);
    if (name === undefined) continue;
    const render = rendered.find((r) => r.component === name);
    if (rootVerdict.kind !== 'allowed') {
      const reason = `Argo CD would not sync the root Application ${ROOT_APP_NAME} now: ${rootVerdict.reason}`;
      const window = rootVerdict.kind === 'window' ? { opensAt: rootVerdict.opensAt } : undefined;
      decisions.set(name, { kind: 'skip', component: name, reason, window });
    } else if (render === undefined)
      decisions.set(name, { kind: 'skip', component: name, reason: 'its render failed' });
    else decisions.set(name, planComponentSeed(app, render, ctx));
  }
  const resourceOf = (v: string, k: string) => served.get(gk(v, k))?.resource ?? crds.get(gk(v, k))?.resource;
  await refuseWithoutAccess(ops, decisions, resourceOf);

  const live = liveObjects(ops, served);
  const needed = new Set([...decisions.keys()].flatMap((n) => input.dependsOn(n)));
  const seeded: string[] = [];
  const left: LeftToArgoCd[] = [];
  const runs = new Map<string, Promise<boolean>>();
  const leave = (component: string, reason: string, window?: LeftToArgoCd['window']): false => {
    left.push({ component, reason, window });
    return false;
  };

  // Custom resources and Applications, which wait for the CRDs ahead; the dependents do not wait for them.
  const finishing: Promise<unknown>[] = [];
  const finish = (name: string, seed: ComponentSeed, incomplete: string | undefined): Promise<boolean> =>
    (async () => {
      await input.crdsReady;
      const custom = await applyAll(ops, live, seed.custom, applyOptions(seed));
      // Its dependencies are available: Argo CD may sync whatever seeding did not cover.
      await ops.createIfAbsent(seed.application);
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
      // Its own reason first: a sync window or a policy says more than the dependency it also has.
      const d = decisions.get(name);
      if (d === undefined) return leave(name, 'its render failed');
      if (d.kind === 'skip') return leave(name, d.reason, d.window);
      const deps = input.dependsOn(name).filter((n) => n !== name && decisions.has(n));
      const ok = await Promise.all(deps.map(run));
      const failed = deps.filter((_, i) => !ok[i]);
      if (failed.length > 0) return leave(name, `it needs ${failed.join(', ')}`);
      const missing = await missingNamespace(ops, d.seed);
      if (missing !== undefined) return leave(name, missing);
      const incomplete = await applyObjects(ops, d.seed, live);
      finishing.push(finish(name, d.seed, incomplete));
      if (incomplete !== undefined) return false;
      if (!needed.has(name)) return true;
      const available = await awaitAvailable(ops, d.seed.workloads, opts);
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
  for (const l of left) log.info(describeLeft(l));
  return { seeded, left };
}

/** How a component not seeded is named in the run's output. */
export function describeLeft(l: LeftToArgoCd): string {
  if (l.window === undefined) return `${l.component}: left to Argo CD's sync (${l.reason})`;
  const opens = l.window.opensAt === undefined ? 'not within a year' : new Date(l.window.opensAt).toISOString();
  return `${l.component}: not seeded, Argo CD's sync window is closed until ${opens} (${l.reason})`;
}
