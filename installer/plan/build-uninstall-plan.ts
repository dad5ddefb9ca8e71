/**
 * Uninstall as data: which Applications go in which order, and which leftovers may be deleted. Pure,
 * so `uninstall --dry-run` prints exactly what the executor would do, and so the rule "never delete
 * what this install did not create" is tested without a cluster.
 *
 * Order: the root is detached first (no cascade, so it cannot re-create children), every child stops
 * auto-syncing (a child that self-heals into a namespace another child is deleting never finishes),
 * then children are deleted through Argo CD's resources finalizer in reverse wave order, so tenants and
 * apps go while the controllers and webhooks they need still run, and namespaces and CRDs go last.
 */
import {
  ANNOTATION_KEPT,
  ANNOTATION_SYNC_OPTIONS,
  ARGOCD_NAMESPACE,
  LABEL_MANAGED_BY,
  ROOT_APP_NAME,
  TOOL,
} from '../core/constants.js';
import type { InstallRecord } from './parse-install-record.js';
import type { KubeObject, ObjectRef } from '../systems/kube.js';
import { syncWave, trackedBy } from './install-applications.js';

export interface UninstallInputs {
  /** The install's Applications (see isInstallApplication), the root included when still there. */
  readonly apps: readonly KubeObject[];
  /** Names of Applications anywhere in the cluster that are not ours. */
  readonly foreignApps: readonly string[];
  readonly record: InstallRecord | undefined;
  readonly keepArgocd: boolean;
}

/** An object an Application listed as its own (status.resources), as Argo CD names it. */
export interface ManagedRef {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name: string;
}

export interface UninstallPlan {
  readonly root: string | undefined;
  /** Highest wave first. */
  readonly waves: readonly { readonly wave: number; readonly apps: readonly string[] }[];
  /** Every child Application, for the leftover rule (tracking ids name them). */
  readonly appNames: readonly string[];
  /** Children the user added to the fork's kubeflow-apps/: the root deployed them, so they go too. */
  readonly added: readonly string[];
  readonly namespacesBefore: readonly string[];
  /**
   * What the components managed that may outlive Argo CD's cascade and must then be deleted here:
   * CRDs (Argo CD never deletes them) and anything re-created behind its back (the ClusterRole
   * aggregation controller re-applies an aggregated ClusterRole deleted under it). CRDs come last,
   * and CRDs that existed before the install are not in the list.
   */
  readonly managed: readonly ManagedRef[];
  readonly revertArgocdConfig: boolean;
  readonly removeArgocd: boolean;
  /** Why Argo CD stays, when it does. */
  readonly argocdKept: string | undefined;
  readonly notes: readonly string[];
}

interface ManagedApp extends KubeObject {
  status?: { resources?: { group?: string; version?: string; kind?: string; namespace?: string; name?: string }[] };
}

export function buildUninstallPlan(input: UninstallInputs): UninstallPlan {
  const notes: string[] = [];
  const root = input.apps.find((a) => a.metadata?.name === ROOT_APP_NAME);
  const children = input.apps.filter((a) => a !== root);
  // An Application the user added without a wave builds on Kubeflow (a model, a team's quota): it goes
  // first, while the controllers and webhooks its objects need to be deleted still run.
  const isAdded = (a: KubeObject) => a.metadata?.labels?.[LABEL_MANAGED_BY] !== TOOL;
  const top = Math.max(0, ...children.map((a) => syncWave(a) ?? 0)) + 1;
  const byWave = new Map<number, string[]>();
  for (const a of children) {
    const wave = syncWave(a) ?? (isAdded(a) ? top : 0);
    byWave.set(wave, [...(byWave.get(wave) ?? []), a.metadata?.name ?? '']);
  }
  const waves = [...byWave.entries()].sort(([a], [b]) => b - a).map(([wave, apps]) => ({ wave, apps: apps.sort() }));

  const record = input.record;
  if (!record)
    notes.push(
      `no install record (ConfigMap ${ARGOCD_NAMESPACE}/kubeflow-gitops-install): namespaces are only deleted through Argo CD, and Argo CD is kept`,
    );
  let argocdKept: string | undefined;
  if (input.keepArgocd) argocdKept = '--keep-argocd';
  else if (record?.argocd !== 'installed') argocdKept = 'it was there before kubeflow-gitops';
  else if (input.foreignApps.length > 0)
    argocdKept = `it also manages Applications that are not ours: ${input.foreignApps.join(', ')}`;

  const crdsBefore = new Set(record ? record.crdsBefore : ['*']);
  const listed = listedResources(children);
  const listedNames = new Set(listed.filter((r) => r.kind === 'CustomResourceDefinition').map((r) => r.name));
  const ahead = createdAhead(record).filter((r) => !listedNames.has(r.name));
  const managed = [...listed, ...ahead].filter(
    (ref) => !(ref.kind === 'CustomResourceDefinition' && (crdsBefore.has(ref.name) || crdsBefore.has('*'))),
  );
  managed.sort((x, y) => Number(x.kind === 'CustomResourceDefinition') - Number(y.kind === 'CustomResourceDefinition'));

  return {
    root: root?.metadata?.name,
    managed,
    waves,
    appNames: [...new Set([...children.map((a) => a.metadata?.name ?? ''), ...seededNotForeign(record, input)])].sort(),
    added: children
      .filter(isAdded)
      .map((a) => a.metadata?.name ?? '')
      .sort(),
    // Without a record every namespace counts as pre-existing: deleting too little is recoverable.
    namespacesBefore: record ? record.namespacesBefore : ['*'],
    revertArgocdConfig: record?.configuredArgocd === true && argocdKept !== undefined,
    removeArgocd: argocdKept === undefined,
    argocdKept,
    notes,
  };
}

/** Every object the Applications list as theirs (status.resources), once each; child Applications left out. */
export function listedResources(apps: readonly KubeObject[]): ManagedRef[] {
  const seen = new Set<string>();
  const out: ManagedRef[] = [];
  for (const a of apps) {
    for (const r of (a as ManagedApp).status?.resources ?? []) {
      const ref: ManagedRef = {
        group: r.group ?? '',
        version: r.version ?? 'v1',
        kind: r.kind ?? '',
        namespace: r.namespace || undefined,
        name: r.name ?? '',
      };
      if (ref.kind === '' || ref.name === '' || (ref.group === 'argoproj.io' && ref.kind === 'Application')) continue;
      // Argo CD lists cluster-scoped objects with the Application's namespace; the key ignores it.
      const key = `${ref.group}/${ref.kind}/${ref.kind === 'CustomResourceDefinition' || ref.kind.startsWith('Cluster') ? '' : (ref.namespace ?? '')}/${ref.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(ref);
    }
  }
  return out;
}

/** The API object a ManagedRef names. */
export function objectRefOf(m: ManagedRef): ObjectRef {
  return {
    apiVersion: m.group ? `${m.group}/${m.version}` : m.version,
    kind: m.kind,
    namespace: m.namespace,
    name: m.name,
  };
}

/** Argo CD's per-object option to keep it when its Application is deleted. */
export function keepsOnDelete(o: KubeObject): boolean {
  return (o.metadata?.annotations?.[ANNOTATION_SYNC_OPTIONS] ?? '').split(',').some((x) => x.trim() === 'Delete=false');
}

/** The sync-options annotation value with Delete=false added to what it held. */
export function withDeleteFalse(value: string | undefined): string {
  return [
    ...(value ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '' && !x.startsWith('Delete=')),
    'Delete=false',
  ].join(',');
}

/** Annotations that add Delete=false, keeping what sync-options held under `marker` to give it back later. */
export function keepOnDeletePatch(
  annotations: Readonly<Record<string, string>>,
  marker: string,
): Record<string, string> {
  return {
    [ANNOTATION_SYNC_OPTIONS]: withDeleteFalse(annotations[ANNOTATION_SYNC_OPTIONS]),
    [marker]: annotations[ANNOTATION_SYNC_OPTIONS] ?? '',
  };
}

/** Annotations that undo keepOnDeletePatch: sync-options as `marker` kept them, the marker gone. */
export function restoreSyncOptionsPatch(
  annotations: Readonly<Record<string, string>>,
  marker: string,
): Record<string, null | string> {
  const before = annotations[marker];
  return { [ANNOTATION_SYNC_OPTIONS]: before === undefined || before === '' ? null : before, [marker]: null };
}

/**
 * An object in the cluster before the install: a namespace the record lists, or anything created
 * before the record was. A component that ships such an object (the namespace `kubeflow`, a
 * ClusterRole, a cert-manager already running) has Argo CD adopt it; uninstall must still keep it.
 * Without a record nothing is known, and nothing counts.
 */
export function existedBefore(o: KubeObject, record: InstallRecord | undefined): boolean {
  if (!record) return false;
  const name = o.metadata?.name ?? '';
  if (o.kind === 'Namespace' && (record.namespacesBefore.includes(name) || record.namespacesBefore.includes('*')))
    return true;
  const stamp = o.metadata?.['creationTimestamp'];
  const created = typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN;
  const recorded = Date.parse(record.recordedAt);
  return Number.isFinite(created) && Number.isFinite(recorded) && created < recorded;
}

/**
 * What is left after Argo CD deleted the children and may still go: objects that one of our
 * Applications tracks or that kubeflow-gitops labelled, except namespaces that were there before,
 * objects kept for existing before the install, and objects annotated Delete=false.
 */
export function selectLeftovers(
  objects: readonly KubeObject[],
  plan: Pick<UninstallPlan, 'appNames' | 'namespacesBefore'>,
): KubeObject[] {
  const ours = new Set(plan.appNames);
  const before = new Set(plan.namespacesBefore);
  return objects.filter((o) => {
    const name = o.metadata?.name ?? '';
    if (o.kind === 'Namespace' && (before.has(name) || before.has('*'))) return false;
    if (keepsOnDelete(o) || o.metadata?.annotations?.[ANNOTATION_KEPT] !== undefined) return false;
    const tracked = trackedBy(o);
    return (tracked !== undefined && ours.has(tracked)) || o.metadata?.labels?.[LABEL_MANAGED_BY] === TOOL;
  });
}

/** CRDs the installer created ahead, which no Application lists when a run stopped before its Applications. */
function createdAhead(record: InstallRecord | undefined): ManagedRef[] {
  return (record?.crdsCreated ?? []).map((name) => ({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    name,
  }));
}

/** Seeded components (their objects carry tracking ids), unless an Application of that name is someone else's. */
function seededNotForeign(record: InstallRecord | undefined, input: UninstallInputs): string[] {
  const foreign = new Set(input.foreignApps.map((a) => a.split('/').pop() ?? ''));
  return (record?.seeded ?? []).filter((n) => !foreign.has(n));
}

export function renderUninstallPlan(plan: UninstallPlan, target: { context: string; server: string }): string {
  const lines = [`uninstall from context "${target.context}" (${target.server}):`];
  if (plan.root) lines.push(`  1. detach the root Application "${plan.root}" (its children stay until their turn)`);
  lines.push('  2. stop auto-sync on every component, then delete through Argo CD, highest wave first:');
  for (const w of plan.waves) lines.push(`     wave ${String(w.wave).padStart(3)}: ${w.apps.join(', ')}`);
  if (plan.added.length > 0)
    lines.push(
      `     (${plan.added.join(', ')}: added to the fork's kubeflow-apps/ by you, deployed by the root, deleted with the rest; keep one by moving it out of kubeflow-apps/ first)`,
    );
  const crds = plan.managed.filter((m) => m.kind === 'CustomResourceDefinition').length;
  lines.push(
    `  3. delete what is left that this install created: ${crds} CRD(s) (Argo CD never deletes CRDs), objects its Applications managed or tracked, and objects labelled kubeflow-gitops; keep what existed before the install (namespaces, CRDs, and any object a component adopted: marked Delete=false before step 2, handed back after)`,
  );
  if (plan.revertArgocdConfig) lines.push("  4. remove the keys kubeflow-gitops added to Argo CD's config");
  lines.push(
    plan.removeArgocd
      ? '  5. remove Argo CD (kubeflow-gitops installed it)'
      : `  5. keep Argo CD (${plan.argocdKept ?? ''})`,
  );
  for (const n of plan.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}
