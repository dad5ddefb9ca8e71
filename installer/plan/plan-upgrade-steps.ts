/**
 * Upstream's manual upgrade steps and the hold on users' data, as a plan: which steps an upgrade
 * between two releases takes (catalogue/upgrade-steps.ts), how each reads in `plan --to` and in the
 * run, and the pure decisions the executor (steps/upgrade-steps.ts) makes on each live object. Every
 * decision reads only the object as it is now, so a run killed anywhere is finished by the next one.
 */
import {
  RELEASE_PAIRS,
  USER_DATA_CRDS,
  type ObjectName,
  type ReleasePair,
  type ReleaseStep,
} from '../catalogue/upgrade-steps.js';
import type { Release } from '../catalogue/releases.js';
import { ANNOTATION_SYNC_OPTIONS, ANNOTATION_TRACKING_ID } from '../core/constants.js';
import type { KubeObject } from '../systems/kube.js';
import { trackedBy } from './install-applications.js';

/** Argo CD's per-object compare options (IgnoreExtraneous: a held object left over does not make its app OutOfSync). */
export const ANNOTATION_COMPARE_OPTIONS = 'argocd.argoproj.io/compare-options';
/** The sync options this tool added for one sync (Replace=true,Force=true), so only they are taken off. */
export const ANNOTATION_REPLACE_ONCE = 'kubeflow-gitops.io/replace-once';
/** The options this tool added to hold an object through an upgrade (JSON: { sync: [], compare: [] }). */
export const ANNOTATION_HELD_FOR_UPGRADE = 'kubeflow-gitops.io/held-for-upgrade';
/** The compare options this tool added to an Application while one of its objects waits to be replaced. */
export const ANNOTATION_CLIENT_DIFF_ONCE = 'kubeflow-gitops.io/client-side-diff-once';

export const REPLACE_OPTIONS = ['Replace=true', 'Force=true'] as const;
export const HOLD_SYNC_OPTIONS = ['Prune=false', 'Delete=false'] as const;
export const HOLD_COMPARE_OPTIONS = ['IgnoreExtraneous'] as const;
/**
 * Argo CD 3.6 diffs every ServerSideApply=true Application with a server-side dry-run apply, and the API
 * server refuses that dry run for a field it will not change in place: the Application stays in
 * ComparisonError and never reaches the sync that would replace the object. For that window only, the
 * Application compares client-side (older lines already do; the option is the one Argo CD documents).
 */
export const CLIENT_DIFF_OPTIONS = ['ServerSideDiff=false'] as const;

type StepOf<A extends ReleaseStep['action']> = Extract<ReleaseStep, { action: A }>;

/** A release's steps with its components resolved to this install's Applications, and the hold on users' data. */
export type UpgradeStep =
  | (Omit<StepOf<'replace'>, 'component'> & { readonly app: string })
  | (Omit<StepOf<'remove'>, 'components'> & { readonly apps: readonly string[] })
  | StepOf<'hand-over'>
  | { readonly action: 'hold-data'; readonly crds: readonly string[] };

/**
 * The steps for an upgrade to `to` (from `from`, or from any release when the cluster, not git, says
 * where it comes from: apply after `upgrade --no-apply`). `forkApps` are the Applications of the new
 * release; `holdData` adds the hold on users' data (only `upgrade` takes it: it runs before the push).
 */
export function planUpgradeSteps(
  from: Release | undefined,
  to: Release,
  forkApps: ReadonlySet<string>,
  opts: { holdData: boolean },
  pairs: readonly ReleasePair[] = RELEASE_PAIRS,
): UpgradeStep[] {
  const out: UpgradeStep[] = [];
  if (opts.holdData) out.push({ action: 'hold-data', crds: USER_DATA_CRDS });
  if (from === to) return out;
  for (const pair of pairs) {
    if (!pair.to.includes(to) || (from !== undefined && !pair.from.includes(from))) continue;
    for (const s of pair.steps) {
      if (s.action === 'replace' && forkApps.has(s.component))
        out.push({ action: 'replace', app: s.component, object: s.object, field: s.field, stale: s.stale, why: s.why });
      else if (s.action === 'remove')
        out.push({ action: 'remove', apps: s.components, objects: s.objects, why: s.why });
      else if (s.action === 'hand-over' && forkApps.has(s.to)) out.push({ ...s });
    }
  }
  return out;
}

export const shownName = (o: ObjectName): string => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

/** One line per step, for `plan --to` and the run. */
export function describeStep(s: UpgradeStep): string {
  switch (s.action) {
    case 'replace':
      return `replace ${shownName(s.object)} (${s.app}) through Argo CD, Replace=true,Force=true for one sync: ${s.why}`;
    case 'remove':
      return `remove ${String(s.objects.length)} old object(s) of ${s.apps.join(', ')} (${s.objects.map(shownName).join(', ')}) when tracked by this install: ${s.why}`;
    case 'hand-over':
      return `hand ${s.objects.map(shownName).join(', ')} over from ${s.from} to ${s.to} in place (same uid; Prune=false until ${s.to} has them): ${s.why}`;
    case 'hold-data':
      return `hold users' data: the CRDs of Profiles, Notebooks, pipeline runs, InferenceServices, Katib Experiments, TrainJobs (${String(s.crds.length)} in all) and every namespace this install deployed get Prune=false,Delete=false until every component is ready`;
  }
}

function at(o: unknown, path: readonly string[]): unknown {
  let v = o;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** Structural equality of JSON values (object key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return (
    ka.length === kb.length &&
    ka.every((k, i) => k === kb[i] && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/**
 * Whether a replace step marks the live object: it still has an old value of the field, an Application
 * of this install tracks it, and it is not marked yet. Anything else (already replaced, someone
 * else's object, gone) is left alone.
 */
export function needsReplace(
  live: KubeObject | undefined,
  step: Extract<UpgradeStep, { action: 'replace' }>,
  ourApps: ReadonlySet<string>,
): boolean {
  if (live === undefined) return false;
  const app = trackedBy(live);
  if (app === undefined || !ourApps.has(app)) return false;
  if (live.metadata?.annotations?.[ANNOTATION_REPLACE_ONCE] !== undefined) return false;
  const value = at(live, step.field);
  return step.stale.some((s) => sameJson(s, value));
}

const tokens = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** Adds options to a comma list; returns the new value and the options that were not there. */
function addTokens(value: string | undefined, add: readonly string[]): { value: string; added: string[] } {
  const have = tokens(value);
  // Argo CD looks for the exact option (Prune=false), so one of the same name (Prune=confirm) can stay.
  const added = add.filter((t) => !have.includes(t));
  return { value: [...have, ...added].join(','), added };
}
function removeTokens(value: string | undefined, remove: readonly string[]): string | null {
  const left = tokens(value).filter((t) => !remove.includes(t));
  return left.length === 0 ? null : left.join(',');
}

/** Annotations for Replace=true,Force=true on the next sync, remembering what was added. */
export function replaceOncePatch(annotations: Readonly<Record<string, string>>): Record<string, string> {
  const { value, added } = addTokens(annotations[ANNOTATION_SYNC_OPTIONS], REPLACE_OPTIONS);
  return { [ANNOTATION_SYNC_OPTIONS]: value, [ANNOTATION_REPLACE_ONCE]: added.join(',') };
}
/** Takes off what replaceOncePatch added (the sync never replaced it: its field was right already). */
export function undoReplacePatch(annotations: Readonly<Record<string, string>>): Record<string, string | null> {
  const added = tokens(annotations[ANNOTATION_REPLACE_ONCE]);
  return {
    [ANNOTATION_SYNC_OPTIONS]: removeTokens(annotations[ANNOTATION_SYNC_OPTIONS], added),
    [ANNOTATION_REPLACE_ONCE]: null,
  };
}

/**
 * An Application's annotations for a client-side diff until its replace is done; undefined when it has
 * them already (a rerun keeps the first marker, so only what this tool added ever comes off).
 */
export function clientDiffPatch(annotations: Readonly<Record<string, string>>): Record<string, string> | undefined {
  if (annotations[ANNOTATION_CLIENT_DIFF_ONCE] !== undefined) return undefined;
  const { value, added } = addTokens(annotations[ANNOTATION_COMPARE_OPTIONS], CLIENT_DIFF_OPTIONS);
  return { [ANNOTATION_COMPARE_OPTIONS]: value, [ANNOTATION_CLIENT_DIFF_ONCE]: added.join(',') };
}
/** Takes off what clientDiffPatch added; undefined when it added nothing to this Application. */
export function undoClientDiffPatch(
  annotations: Readonly<Record<string, string>>,
): Record<string, string | null> | undefined {
  if (annotations[ANNOTATION_CLIENT_DIFF_ONCE] === undefined) return undefined;
  return {
    [ANNOTATION_COMPARE_OPTIONS]: removeTokens(
      annotations[ANNOTATION_COMPARE_OPTIONS],
      tokens(annotations[ANNOTATION_CLIENT_DIFF_ONCE]),
    ),
    [ANNOTATION_CLIENT_DIFF_ONCE]: null,
  };
}

interface HeldMarker {
  readonly sync: string[];
  readonly compare: string[];
}
/** Annotations that hold an object through an upgrade: Prune=false,Delete=false and IgnoreExtraneous. */
export function holdPatch(annotations: Readonly<Record<string, string>>): Record<string, string> {
  const sync = addTokens(annotations[ANNOTATION_SYNC_OPTIONS], HOLD_SYNC_OPTIONS);
  const compare = addTokens(annotations[ANNOTATION_COMPARE_OPTIONS], HOLD_COMPARE_OPTIONS);
  const marker: HeldMarker = { sync: sync.added, compare: compare.added };
  return {
    [ANNOTATION_SYNC_OPTIONS]: sync.value,
    [ANNOTATION_COMPARE_OPTIONS]: compare.value,
    [ANNOTATION_HELD_FOR_UPGRADE]: JSON.stringify(marker),
  };
}
/** Takes off only what holdPatch added (a hold for a retired Application's successor may still be on). */
export function releasePatch(annotations: Readonly<Record<string, string>>): Record<string, string | null> {
  let marker: HeldMarker = { sync: [], compare: [] };
  try {
    const m = JSON.parse(annotations[ANNOTATION_HELD_FOR_UPGRADE] ?? '') as Partial<HeldMarker>;
    marker = { sync: Array.isArray(m.sync) ? m.sync : [], compare: Array.isArray(m.compare) ? m.compare : [] };
  } catch {
    // hand-edited: take the marker off and leave the options as they are
  }
  return {
    [ANNOTATION_SYNC_OPTIONS]: removeTokens(annotations[ANNOTATION_SYNC_OPTIONS], marker.sync),
    [ANNOTATION_COMPARE_OPTIONS]: removeTokens(annotations[ANNOTATION_COMPARE_OPTIONS], marker.compare),
    [ANNOTATION_HELD_FOR_UPGRADE]: null,
  };
}

/**
 * What becomes of a held object once every component is ready:
 * - `release`: an Application of the new fork ships it (it took it over, or always had it), or no
 *   Application of ours tracks it: the hold comes off;
 * - `keep`: an Application of the new fork still tracks it but no longer ships it (upstream dropped a
 *   CRD users' data hangs on): Argo CD's tracking comes off, then the hold: it stays, unmanaged;
 * - `wait`: tracked by an Application of ours the fork no longer has (its cascade may still run):
 *   held until a later run.
 */
export type HeldFate = 'release' | 'keep' | 'wait';

export function fateOfHeld(
  o: KubeObject,
  forkApps: ReadonlySet<string>,
  ourApps: ReadonlySet<string>,
  shippedBy: (app: string) => boolean,
  shippedByAny: () => boolean = () => true,
): HeldFate {
  const app = trackedBy(o);
  // Argo CD never puts its tracking id on a CRD: one no Application of the fork ships any more is the dropped kind.
  if (app === undefined && o.kind === 'CustomResourceDefinition') return shippedByAny() ? 'release' : 'keep';
  if (app === undefined || !ourApps.has(app)) return 'release';
  if (!forkApps.has(app)) return 'wait';
  return shippedBy(app) ? 'release' : 'keep';
}

/** Annotations that hand an object back to nobody: Argo CD's tracking off (then the hold). */
export const untrackPatch = (): Record<string, null> => ({ [ANNOTATION_TRACKING_ID]: null });
