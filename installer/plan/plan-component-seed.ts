/**
 * Seeding a first install: each component's objects server-side applied exactly as Argo CD's own sync
 * would apply them (the pushed commit's render, field manager argocd-controller, Argo CD's tracking
 * annotation, namespaces set as Argo CD sets them), in dependency order, then its Application created
 * as the root would create it. Argo CD's first comparison of the component then finds it Synced at the
 * pushed commit, so the ~10 s to ~20 s its sync of a large component takes on a small cluster, and the
 * root's step through every sync wave, are off the critical path (docs/performance.md).
 *
 * What Argo CD decides is unchanged: it compares the live objects with the commit it renders itself
 * and syncs whatever differs; a component this module cannot seed exactly (hooks, ordering inside the
 * component, options in its Application the installer's render does not apply) is left to Argo CD's
 * sync, as before. So is one Argo CD would not sync itself now (plan/argocd-policy.ts: its project's
 * sync windows, destinations and resource lists, impersonation, resource exclusions, auto-sync off).
 * Only components with no Application yet are seeded, and never an object that exists and is
 * someone else's.
 */
import type { ArgoPolicy, ArgoTracking } from '../core/argocd-documents.js';
import {
  ANNOTATION_COMPONENT,
  ANNOTATION_SYNC_OPTIONS,
  ANNOTATION_SYNC_WAVE,
  ANNOTATION_TRACKING_ID,
  ARGOCD_NAMESPACE,
  IN_CLUSTER,
  LABEL_MANAGED_BY,
  TOOL,
} from '../core/constants.js';
import type { KubeObject, ObjectRef } from '../systems/kube.js';
import { judgeAutoSync, type PolicyObject } from './argocd-policy.js';
import { isCrd, type RenderedComponent } from './crds-ahead.js';
import { createdNamespace, neededNamespaces, type CreatedNamespace } from './seed-namespaces.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const INSTALLATION_ID = 'argocd.argoproj.io/installation-id';
const HOOK_ANNOTATIONS = ['argocd.argoproj.io/hook', 'helm.sh/hook'];
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const PLAIN_SOURCE_KEYS = new Set(['repoURL', 'targetRevision', 'path']);

export interface ComponentSeed {
  readonly component: string;
  /** Where its namespaced objects go when they name no namespace. */
  readonly destNamespace: string;
  /** The child Application as the root creates it (client-side apply: with kubectl's last-applied annotation). */
  readonly application: KubeObject;
  /** Objects of kinds the cluster serves already, namespaces first, as Argo CD applies them. */
  readonly objects: readonly KubeObject[];
  /** Objects of kinds the renders' CRDs bring, as Argo CD applies them, for once those are Established. */
  readonly custom: readonly KubeObject[];
  /** The Deployments, StatefulSets and DaemonSets whose availability its dependents wait for. */
  readonly workloads: readonly ObjectRef[];
  /** What CreateNamespace=true makes Argo CD apply (plan/seed-namespaces.ts). */
  readonly namespace?: CreatedNamespace | undefined;
  /** Namespaces its objects go to that nothing in the component creates: they must exist. */
  readonly needsNamespaces: readonly string[];
  /** Validate=false: Argo CD applies with field validation off (gitops-engine resource_ops.go). */
  readonly validate: boolean;
}

export type SeedDecision =
  | { readonly kind: 'seed'; readonly seed: ComponentSeed }
  | {
      readonly kind: 'skip';
      readonly component: string;
      readonly reason: string;
      /** A sync window refuses Argo CD's sync now: when it opens (undefined: not within a year). */
      readonly window?: { readonly opensAt: number | undefined } | undefined;
    };

export interface SeedContext {
  readonly rootName: string;
  readonly tracking: ArgoTracking;
  /** Whether a kind is namespaced: discovery for kinds served now, the renders' CRDs for the others. */
  readonly namespaced: (apiVersion: string, kind: string) => boolean | undefined;
  /** Whether the cluster serves the kind now (its objects go before the CRDs ahead are Established). */
  readonly served: (apiVersion: string, kind: string) => boolean;
  /** What Argo CD would refuse (argocd-policy.ts), and the time it is judged at. */
  readonly policy: ArgoPolicy;
  readonly now: number;
}

const groupOf = (apiVersion: string | undefined): string =>
  (apiVersion ?? '').includes('/') ? ((apiVersion ?? '').split('/')[0] ?? '') : '';
export const groupKind = (o: Pick<KubeObject, 'apiVersion' | 'kind'>): string =>
  `${groupOf(o.apiVersion)}/${o.kind ?? ''}`;

interface CrdSpec {
  spec?: { group?: string; scope?: string; names?: { kind?: string; plural?: string } };
}

/** What a CRD of the renders defines: whether its kind is namespaced, and its resource (plural) name. */
export interface CrdKind {
  readonly namespaced: boolean;
  readonly resource: string;
}

/** group/Kind → scope and resource, for every CRD of the renders. */
export function crdKinds(renders: readonly RenderedComponent[]): Map<string, CrdKind> {
  const out = new Map<string, CrdKind>();
  for (const r of renders)
    for (const o of r.objects) {
      const spec = (o as CrdSpec).spec;
      if (!isCrd(o) || spec?.group === undefined || spec.names?.kind === undefined) continue;
      out.set(`${spec.group}/${spec.names.kind}`, {
        namespaced: spec.scope !== 'Cluster',
        resource: spec.names.plural ?? `${spec.names.kind.toLowerCase()}s`,
      });
    }
  return out;
}

interface ChildApplication extends KubeObject {
  spec?: {
    project?: string;
    source?: Record<string, unknown> & { path?: string; repoURL?: string };
    sources?: unknown[];
    destination?: { server?: string; name?: string; namespace?: string };
    syncPolicy?: {
      automated?: { enabled?: boolean } | null;
      syncOptions?: string[];
      managedNamespaceMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } | null;
    };
  };
}

/**
 * What to seed of one component, or why it is left to Argo CD's sync. `app` is the component's
 * Application as the fork's kubeflow-apps/ holds it, `render` its source path rendered at the commit.
 */
export function planComponentSeed(app: KubeObject, render: RenderedComponent, ctx: SeedContext): SeedDecision {
  const component = render.component;
  const skip = (reason: string): SeedDecision => ({ kind: 'skip', component, reason });
  const a = app as ChildApplication;
  const source = a.spec?.source;
  if (a.spec?.sources !== undefined || source === undefined) return skip('its Application has several sources');
  const extra = Object.keys(source).filter((k) => !PLAIN_SOURCE_KEYS.has(k));
  if (extra.length > 0) return skip(`its Application sets source.${extra.join(', source.')}`);
  const dest = a.spec?.destination;
  if (dest?.server !== IN_CLUSTER || dest.name !== undefined || !dest.namespace)
    return skip('its Application does not deploy to this cluster by server URL with a namespace');
  const options = a.spec?.syncPolicy?.syncOptions ?? [];
  if (!options.includes('ServerSideApply=true')) return skip('its Application does not use server-side apply');
  if (options.some((o) => /^(Replace|Force)=true$/.test(o))) return skip('its Application replaces objects');
  if (ctx.tracking.method !== 'annotation' && ctx.tracking.method !== 'annotation+label')
    return skip(`Argo CD tracks resources by ${ctx.tracking.method}`);

  const objects: KubeObject[] = [];
  const custom: KubeObject[] = [];
  for (const o of render.objects) {
    if (isCrd(o)) continue; // applied ahead (ensure-crds-ahead.ts), never tracked by Argo CD
    const annotations = o.metadata?.annotations ?? {};
    if (HOOK_ANNOTATIONS.some((h) => annotations[h] !== undefined)) return skip(`${describe(o)} is a sync hook`);
    if (annotations[ANNOTATION_SYNC_WAVE] !== undefined) return skip(`${describe(o)} has its own sync wave`);
    if (annotations[ANNOTATION_SYNC_OPTIONS] !== undefined) return skip(`${describe(o)} has its own sync options`);
    if (o.metadata?.name === undefined) return skip(`an object of kind ${o.kind ?? '?'} has no name`);
    const namespaced = ctx.namespaced(o.apiVersion ?? '', o.kind ?? '');
    if (namespaced === undefined) return skip(`no CRD defines the kind of ${describe(o)}`);
    const applied = asArgoCdApplies(o, {
      app: component,
      destNamespace: dest.namespace,
      namespaced,
      tracking: ctx.tracking,
    });
    (ctx.served(o.apiVersion ?? '', o.kind ?? '') ? objects : custom).push(applied);
  }
  objects.sort((x, y) => Number(y.kind === 'Namespace') - Number(x.kind === 'Namespace'));
  const namespace = createdNamespace(dest.namespace, a.spec?.syncPolicy, [...objects, ...custom]);
  const judged = [...(namespace ? [namespace.object] : []), ...objects, ...custom].map((o) => policyObjectOf(o, ctx));
  const verdict = judgeAutoSync(a, judged, ctx.policy, ctx.now);
  if (verdict.kind === 'refused') return skip(verdict.reason);
  if (verdict.kind === 'window')
    return { kind: 'skip', component, reason: verdict.reason, window: { opensAt: verdict.opensAt } };
  const workloads = objects
    .filter((o) => WORKLOAD_KINDS.has(o.kind ?? '') && groupOf(o.apiVersion) === 'apps')
    .map((o) => refOf(o));
  return {
    kind: 'seed',
    seed: {
      component,
      destNamespace: dest.namespace,
      application: asRootCreates(app, ctx),
      objects,
      custom,
      workloads,
      namespace,
      needsNamespaces: neededNamespaces([...objects, ...custom], namespace),
      validate: !options.includes('Validate=false'),
    },
  };
}

/** The root's own sync creates the child Applications: seeding them needs Argo CD to run it now too. */
export function judgeRootSync(
  root: KubeObject,
  children: readonly KubeObject[],
  ctx: Pick<SeedContext, 'namespaced' | 'policy' | 'now'>,
) {
  const objects = children.map((c) =>
    policyObjectOf({ ...c, metadata: { ...c.metadata, namespace: c.metadata?.namespace ?? ARGOCD_NAMESPACE } }, ctx),
  );
  return judgeAutoSync(root, objects, ctx.policy, ctx.now);
}

/**
 * Which components' CRDs may go ahead (steps/ensure-crds-ahead.ts): applying a CRD ahead is part of
 * Argo CD's sync of its component, so it needs what seeding needs: the root and the component
 * synced by Argo CD now, and the CRD kind permitted. Returns why a component's CRDs may not.
 */
export function crdsAheadRefusal(
  policy: ArgoPolicy,
  root: KubeObject,
  applications: readonly KubeObject[],
  now: number,
): (component: string, crds: readonly string[]) => string | undefined {
  const ctx = { namespaced: (_v: string, k: string) => (k === 'Application' ? true : undefined), policy, now };
  const rootVerdict = judgeRootSync(root, applications, ctx);
  return (component, crds) => {
    if (rootVerdict.kind !== 'allowed') return `Argo CD would not sync the root Application now: ${rootVerdict.reason}`;
    const app = applications.find((a) => componentOf(a) === component);
    if (app === undefined) return undefined;
    const objects = crds.map((name) => ({
      group: 'apiextensions.k8s.io',
      kind: 'CustomResourceDefinition',
      name,
      namespaced: false,
    }));
    const verdict = judgeAutoSync(app, objects, policy, now);
    return verdict.kind === 'allowed' ? undefined : verdict.reason;
  };
}

const policyObjectOf = (o: KubeObject, ctx: Pick<SeedContext, 'namespaced'>): PolicyObject => {
  const namespaced = ctx.namespaced(o.apiVersion ?? '', o.kind ?? '') ?? true;
  return {
    group: groupOf(o.apiVersion),
    kind: o.kind ?? '',
    name: o.metadata?.name ?? '',
    namespace: namespaced ? o.metadata?.namespace : undefined,
    namespaced,
  };
};

const describe = (o: KubeObject): string =>
  `${o.kind ?? '?'} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'}`;

const refOf = (o: KubeObject): ObjectRef => ({
  apiVersion: o.apiVersion ?? '',
  kind: o.kind ?? '',
  name: o.metadata?.name ?? '',
  namespace: o.metadata?.namespace,
});

interface TrackOptions {
  readonly app: string;
  readonly destNamespace: string;
  readonly namespaced: boolean;
  readonly tracking: ArgoTracking;
}

/**
 * An object as Argo CD applies it: namespaced objects without a namespace get the destination's,
 * cluster-scoped ones lose theirs, and the tracking id names the destination namespace for
 * cluster-scoped objects (controller/state.go NormalizeTargetObjects, util/argo/resource_tracking.go).
 */
export function asArgoCdApplies(o: KubeObject, t: TrackOptions): KubeObject {
  const metadata = { ...(o.metadata ?? {}) };
  if (t.namespaced) metadata.namespace = metadata.namespace || t.destNamespace;
  else delete metadata.namespace;
  const idNamespace = t.namespaced ? (metadata.namespace ?? t.destNamespace) : t.destNamespace;
  const annotations: Record<string, string> = {
    ...(metadata.annotations ?? {}),
    [ANNOTATION_TRACKING_ID]: `${t.app}:${groupOf(o.apiVersion)}/${o.kind ?? ''}:${idNamespace}/${metadata.name ?? ''}`,
  };
  if (t.tracking.installationID) annotations[INSTALLATION_ID] = t.tracking.installationID;
  metadata.annotations = annotations;
  if (t.tracking.method === 'annotation+label')
    metadata.labels = { ...(metadata.labels ?? {}), [t.tracking.labelKey]: t.app };
  return { ...o, metadata };
}

/** The child Application as the root's client-side apply creates it: tracked, with kubectl's last-applied annotation. */
export function asRootCreates(app: KubeObject, ctx: Pick<SeedContext, 'rootName' | 'tracking'>): KubeObject {
  const inArgo = {
    ...app,
    metadata: { ...(app.metadata ?? {}), namespace: app.metadata?.namespace ?? ARGOCD_NAMESPACE },
  };
  const tracked = asArgoCdApplies(inArgo, {
    app: ctx.rootName,
    destNamespace: ARGOCD_NAMESPACE,
    namespaced: true,
    tracking: ctx.tracking,
  });
  const annotations = Object.fromEntries(
    Object.entries(tracked.metadata?.annotations ?? {}).filter(([k]) => k !== LAST_APPLIED),
  );
  const applied = { ...tracked, metadata: { ...tracked.metadata, annotations } };
  // kubectl stores the object it applied, annotation excluded, as sorted compact JSON plus a newline.
  return {
    ...applied,
    metadata: { ...applied.metadata, annotations: { ...annotations, [LAST_APPLIED]: `${sortedJson(applied)}\n` } },
  };
}

function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${sortedJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * Whether an object that already exists may be seeded over: only one this installer created for the
 * component (a namespace made for its secrets) or one an earlier run seeded with the same tracking id.
 */
export function mayApplyOver(live: KubeObject, seeded: KubeObject): boolean {
  const id = live.metadata?.annotations?.[ANNOTATION_TRACKING_ID];
  if (id !== undefined) return id === seeded.metadata?.annotations?.[ANNOTATION_TRACKING_ID];
  return live.metadata?.labels?.[LABEL_MANAGED_BY] === TOOL && seeded.kind === 'Namespace';
}

/** The components of the fork seeding may consider: ours, by the component annotation on their Application. */
export const componentOf = (app: KubeObject): string | undefined => app.metadata?.annotations?.[ANNOTATION_COMPONENT];
