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
 * sync, as before. Only components with no Application yet are seeded, and never an object that
 * exists and is someone else's.
 */
import {
  ANNOTATION_COMPONENT,
  ANNOTATION_SYNC_OPTIONS,
  ANNOTATION_SYNC_WAVE,
  ANNOTATION_TRACKING_ID,
  ARGOCD_NAMESPACE,
  IN_CLUSTER,
  LABEL_MANAGED_BY,
  TOOL,
} from '../constants.js';
import type { KubeObject, ObjectRef } from '../systems/kube.js';
import { isCrd, type RenderedComponent } from './crds-ahead.js';

/** How Argo CD marks what it manages (argocd-cm `application.resourceTrackingMethod`, `installationID`). */
export interface ArgoTracking {
  readonly method: string;
  readonly labelKey: string;
  readonly installationID?: string | undefined;
}

export const DEFAULT_TRACKING: ArgoTracking = { method: 'annotation', labelKey: 'app.kubernetes.io/instance' };

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const INSTALLATION_ID = 'argocd.argoproj.io/installation-id';
const HOOK_ANNOTATIONS = ['argocd.argoproj.io/hook', 'helm.sh/hook'];
/** Kinds Argo CD's default resource.exclusions leave out: it would never apply them, so neither does seeding. */
const EXCLUDED_KINDS = new Set(['Endpoints', 'EndpointSlice', 'Lease', 'CertificateSigningRequest']);
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
  /** Objects of kinds the renders' CRDs bring, as rendered: see customAsArgoCdApplies. */
  readonly custom: readonly KubeObject[];
  /** The Deployments, StatefulSets and DaemonSets whose availability its dependents wait for. */
  readonly workloads: readonly ObjectRef[];
}

export type SeedDecision =
  | { readonly kind: 'seed'; readonly seed: ComponentSeed }
  | { readonly kind: 'skip'; readonly component: string; readonly reason: string };

export interface SeedContext {
  readonly rootName: string;
  readonly tracking: ArgoTracking;
  /** Whether a kind the cluster serves now is namespaced (discovery); undefined for kinds it does not serve yet. */
  readonly namespaced: (apiVersion: string, kind: string) => boolean | undefined;
}

const groupOf = (apiVersion: string | undefined): string =>
  (apiVersion ?? '').includes('/') ? ((apiVersion ?? '').split('/')[0] ?? '') : '';
export const groupKind = (o: Pick<KubeObject, 'apiVersion' | 'kind'>): string =>
  `${groupOf(o.apiVersion)}/${o.kind ?? ''}`;

interface CrdSpec {
  spec?: { group?: string; scope?: string; names?: { kind?: string } };
}

/** group/Kind → namespaced, for every CRD of the renders. */
export function crdScopes(renders: readonly RenderedComponent[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const r of renders)
    for (const o of r.objects) {
      const spec = (o as CrdSpec).spec;
      if (!isCrd(o) || spec?.group === undefined || spec.names?.kind === undefined) continue;
      out.set(`${spec.group}/${spec.names.kind}`, spec.scope !== 'Cluster');
    }
  return out;
}

interface ChildApplication extends KubeObject {
  spec?: {
    source?: Record<string, unknown> & { path?: string };
    sources?: unknown[];
    destination?: { server?: string; name?: string; namespace?: string };
    syncPolicy?: { automated?: unknown; syncOptions?: string[] };
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
  if (a.spec?.syncPolicy?.automated === undefined) return skip('its Application does not sync automatically');
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
    if (EXCLUDED_KINDS.has(o.kind ?? '')) return skip(`${describe(o)} is of a kind Argo CD excludes`);
    const namespaced = ctx.namespaced(o.apiVersion ?? '', o.kind ?? '');
    if (namespaced === undefined) custom.push(o);
    else
      objects.push(
        asArgoCdApplies(o, { app: component, destNamespace: dest.namespace, namespaced, tracking: ctx.tracking }),
      );
  }
  objects.sort((x, y) => Number(y.kind === 'Namespace') - Number(x.kind === 'Namespace'));
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
    },
  };
}

/**
 * The component's custom resources as Argo CD applies them, once every render is in: a kind is
 * namespaced as the CRD defining it says; one no render defines and the cluster does not serve is
 * left to Argo CD (its sync says what is missing).
 */
export function customAsArgoCdApplies(
  seed: ComponentSeed,
  scopes: ReadonlyMap<string, boolean>,
  tracking: ArgoTracking,
): { objects: KubeObject[] } | { reason: string } {
  const objects: KubeObject[] = [];
  for (const o of seed.custom) {
    const namespaced = scopes.get(groupKind(o));
    if (namespaced === undefined) return { reason: `no CRD defines the kind of ${describe(o)}` };
    objects.push(asArgoCdApplies(o, { app: seed.component, destNamespace: seed.destNamespace, namespaced, tracking }));
  }
  return { objects };
}

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

interface Workload extends KubeObject {
  metadata?: KubeObject['metadata'] & { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    readyReplicas?: number;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

/** A workload has rolled out and is available, as `kubectl rollout status` and Argo CD's health checks see it. */
export function workloadAvailable(w: Workload | undefined): boolean {
  if (w === undefined) return false;
  const st = w.status ?? {};
  if ((st.observedGeneration ?? 0) < (w.metadata?.generation ?? 1)) return false;
  if (w.kind === 'DaemonSet')
    return (
      (st.updatedNumberScheduled ?? 0) >= (st.desiredNumberScheduled ?? 0) &&
      (st.numberAvailable ?? 0) >= (st.desiredNumberScheduled ?? 0)
    );
  const want = w.spec?.replicas ?? 1;
  if (w.kind === 'StatefulSet') return (st.readyReplicas ?? 0) >= want && (st.updatedReplicas ?? 0) >= want;
  return (st.updatedReplicas ?? 0) >= want && (st.availableReplicas ?? 0) >= want && (st.replicas ?? 0) <= want;
}

/** The components of the fork seeding may consider: ours, by the component annotation on their Application. */
export const componentOf = (app: KubeObject): string | undefined => app.metadata?.annotations?.[ANNOTATION_COMPONENT];
