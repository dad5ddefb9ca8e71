import { describe, expect, it } from 'vitest';
import { RELEASES } from '../../../installer/catalogue/releases.js';
import { USER_DATA_CRDS } from '../../../installer/catalogue/upgrade-steps.js';
import { ANNOTATION_HELD, ANNOTATION_SYNC_OPTIONS, ANNOTATION_TRACKING_ID } from '../../../installer/core/constants.js';
import { keepOnDeletePatch, restoreSyncOptionsPatch } from '../../../installer/plan/build-uninstall-plan.js';
import {
  ANNOTATION_CLIENT_DIFF_ONCE,
  ANNOTATION_COMPARE_OPTIONS,
  ANNOTATION_HELD_FOR_UPGRADE,
  ANNOTATION_REPLACE_ONCE,
  clientDiffPatch,
  describeStep,
  fateOfHeld,
  holdPatch,
  needsReplace,
  planUpgradeSteps,
  releasePatch,
  replaceOncePatch,
  sameJson,
  undoClientDiffPatch,
  undoReplacePatch,
  type UpgradeStep,
} from '../../../installer/plan/plan-upgrade-steps.js';
import type { KubeObject } from '../../../installer/systems/kube.js';

const RC = '26.03.1-rc.2' as const;
const FORK = new Set([
  'cert-manager',
  'kubeflow-issuer',
  'kubeflow-namespace',
  'trainer',
  'kserve',
  'central-dashboard',
]);

/** Applies a merge patch of annotations the way the API server does (null deletes). */
function patched(annotations: Record<string, string>, patch: Record<string, string | null>): Record<string, string> {
  const merged: Record<string, string | null> = { ...annotations, ...patch };
  return Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== null));
}
const tracked = (app: string, extra: Record<string, string> = {}): Record<string, string> => ({
  [ANNOTATION_TRACKING_ID]: `${app}:apps/Deployment:kubeflow-system/jobset-controller-manager`,
  ...extra,
});

describe('planUpgradeSteps', () => {
  it("26.03 -> rc.2: upstream's three manual steps as replace and remove, two hand-overs, users' data held", () => {
    const steps = planUpgradeSteps('26.03', RC, FORK, { holdData: true });
    expect(steps.map((s) => s.action)).toEqual([
      'hold-data',
      'replace',
      'replace',
      'replace',
      'remove',
      'remove',
      'remove',
      'hand-over',
      'hand-over',
    ]);
    const replaced = steps.flatMap((s) =>
      s.action === 'replace' ? [`${s.app} ${s.object.kind} ${s.object.name}`] : [],
    );
    expect(replaced).toEqual([
      'trainer Deployment jobset-controller-manager',
      'kserve ClusterRoleBinding llmisvc-manager-rolebinding',
      'central-dashboard Deployment profiles-deployment',
    ]);
    const removed = steps.flatMap((s) => (s.action === 'remove' ? s.apps : []));
    expect(removed).toEqual([
      'central-dashboard',
      'kubeflow-namespace',
      'network-policies',
      'profiles',
      'admission-webhook',
    ]);
    const handed = steps.find((s) => s.action === 'hand-over' && s.from === 'cert-manager');
    expect(handed).toMatchObject({ to: 'kubeflow-issuer' });
    expect(handed?.action === 'hand-over' ? handed.objects.map((o) => `${o.kind} ${o.name}`) : []).toEqual([
      'ClusterIssuer kubeflow-self-signing-issuer',
      'NetworkPolicy cert-manager-webhook',
      'NetworkPolicy default-allow-same-namespace-cert-manager',
    ]);
    // The data named in the issue: Profiles, Notebooks, pipeline runs, InferenceServices, Experiments, TrainJobs.
    const hold = steps[0];
    expect(hold?.action === 'hold-data' ? hold.crds : []).toEqual(
      expect.arrayContaining([
        'profiles.kubeflow.org',
        'notebooks.kubeflow.org',
        'workflows.argoproj.io',
        'scheduledworkflows.kubeflow.org',
        'inferenceservices.serving.kserve.io',
        'experiments.kubeflow.org',
        'trainjobs.trainer.kubeflow.org',
      ]),
    );
    for (const s of steps) expect(describeStep(s)).not.toBe('');
  });

  it('v1.11.0 -> rc.2 takes the same steps (the live objects decide which apply); rc.2 -> rc.2 only holds', () => {
    const from2603 = planUpgradeSteps('26.03', RC, FORK, { holdData: true });
    expect(planUpgradeSteps('v1.11.0', RC, FORK, { holdData: true })).toEqual(from2603);
    expect(planUpgradeSteps(RC, RC, FORK, { holdData: true }).map((s) => s.action)).toEqual(['hold-data']);
    expect(planUpgradeSteps('v1.11.0', '26.03', FORK, { holdData: false })).toEqual([]);
    // From wherever the cluster is (apply of a fork upgraded elsewhere): every step for the release.
    expect(planUpgradeSteps(undefined, RC, FORK, { holdData: false })).toEqual(from2603.slice(1));
  });

  it('a step for a component the fork does not have is left out; removals stay (the live tracking decides)', () => {
    const steps = planUpgradeSteps('26.03', RC, new Set(['cert-manager', 'kserve']), { holdData: false });
    expect(steps.map((s) => (s.action === 'replace' ? s.app : s.action))).toEqual([
      'kserve',
      'remove',
      'remove',
      'remove',
    ]);
  });

  it('every release pair the data names is a real upgrade (older to newer)', () => {
    const steps = planUpgradeSteps(RELEASES[0], RELEASES[RELEASES.length - 1] ?? RC, FORK, { holdData: false });
    expect(steps.length).toBeGreaterThan(0);
    expect(new Set(USER_DATA_CRDS).size).toBe(USER_DATA_CRDS.length);
  });
});

describe('replace for one sync', () => {
  const step = planUpgradeSteps('26.03', RC, FORK, { holdData: false }).find(
    (s): s is Extract<UpgradeStep, { action: 'replace' }> => s.action === 'replace' && s.app === 'trainer',
  )!;
  const ours = new Set(['trainer']);
  const live = (selector: unknown, annotations: Record<string, string> = tracked('trainer')): KubeObject => ({
    metadata: { annotations },
    spec: { selector },
  });
  const OLD = { matchLabels: { 'control-plane': 'controller-manager' } };
  const NEW = { matchLabels: { 'app.kubernetes.io/name': 'jobset', 'control-plane': 'controller-manager' } };

  it('marks only an object of ours that still has the old value, once', () => {
    expect(needsReplace(live(OLD), step, ours)).toBe(true);
    expect(needsReplace(live(NEW), step, ours)).toBe(false);
    expect(needsReplace(undefined, step, ours)).toBe(false);
    expect(needsReplace(live(OLD, {}), step, ours)).toBe(false); // nobody's: not ours to replace
    expect(needsReplace(live(OLD, tracked('team-app')), step, ours)).toBe(false);
    expect(needsReplace(live(OLD, tracked('trainer', { [ANNOTATION_REPLACE_ONCE]: 'Replace=true' })), step, ours)).toBe(
      false,
    );
  });

  it('adds Replace=true,Force=true to what sync-options held and takes off only those', () => {
    const before = tracked('trainer', { [ANNOTATION_SYNC_OPTIONS]: 'ServerSideApply=true,Force=true' });
    const marked = patched(before, replaceOncePatch(before));
    expect(marked[ANNOTATION_SYNC_OPTIONS]).toBe('ServerSideApply=true,Force=true,Replace=true');
    expect(marked[ANNOTATION_REPLACE_ONCE]).toBe('Replace=true');
    // Force=true was the user's: it stays when the unused option comes off.
    expect(patched(marked, undoReplacePatch(marked))).toEqual({
      ...before,
      [ANNOTATION_SYNC_OPTIONS]: 'ServerSideApply=true,Force=true',
    });
    const bare = tracked('trainer');
    const once = patched(bare, replaceOncePatch(bare));
    expect(once[ANNOTATION_SYNC_OPTIONS]).toBe('Replace=true,Force=true');
    expect(patched(once, undoReplacePatch(once))).toEqual(bare);
  });

  it('makes an Application diff client-side until its replace is done, and takes off only that', () => {
    const before = { [ANNOTATION_COMPARE_OPTIONS]: 'IgnoreExtraneous' };
    const patch = clientDiffPatch(before);
    expect(patch).toEqual({
      [ANNOTATION_COMPARE_OPTIONS]: 'IgnoreExtraneous,ServerSideDiff=false',
      [ANNOTATION_CLIENT_DIFF_ONCE]: 'ServerSideDiff=false',
    });
    const marked = patched(before, patch ?? {});
    // A rerun keeps the first marker rather than recording that it added nothing.
    expect(clientDiffPatch(marked)).toBeUndefined();
    expect(patched(marked, undoClientDiffPatch(marked) ?? {})).toEqual(before);
    expect(undoClientDiffPatch(before)).toBeUndefined();
    // The team set ServerSideDiff=false themselves: it stays when ours comes off.
    const theirs = { [ANNOTATION_COMPARE_OPTIONS]: 'ServerSideDiff=false' };
    const once = patched(theirs, clientDiffPatch(theirs) ?? {});
    expect(patched(once, undoClientDiffPatch(once) ?? {})).toEqual(theirs);
  });

  it('compares JSON structurally', () => {
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: [] }, { a: {} })).toBe(false);
  });
});

describe('holds through an upgrade', () => {
  it('adds Prune=false,Delete=false and IgnoreExtraneous, and gives back exactly what was there', () => {
    const before = { [ANNOTATION_SYNC_OPTIONS]: 'ServerSideApply=true,Prune=confirm', team: 'x' };
    const held = patched(before, holdPatch(before));
    expect(held[ANNOTATION_SYNC_OPTIONS]).toBe('ServerSideApply=true,Prune=confirm,Prune=false,Delete=false');
    expect(held[ANNOTATION_COMPARE_OPTIONS]).toBe('IgnoreExtraneous');
    expect(held[ANNOTATION_HELD_FOR_UPGRADE]).toBeDefined();
    expect(patched(held, releasePatch(held))).toEqual(before);
    expect(patched({}, releasePatch(patched({}, holdPatch({}))))).toEqual({});
  });

  it("composes with a retirement's hold in either order of release", () => {
    // The retirement holds first (before the upgrade steps run), then the upgrade's hold adds Prune=false.
    const start = { [ANNOTATION_SYNC_OPTIONS]: 'ServerSideApply=true' };
    const retired = patched(start, keepOnDeletePatch(start, ANNOTATION_HELD));
    const both = patched(retired, holdPatch(retired));
    expect(both[ANNOTATION_SYNC_OPTIONS]).toBe('ServerSideApply=true,Delete=false,Prune=false');
    // Retirement settles first: it restores its copy; then the upgrade's release takes off only its marker.
    const a = patched(both, restoreSyncOptionsPatch(both, ANNOTATION_HELD));
    expect(patched(a, releasePatch(a))).toEqual(start);
    // The upgrade's release first: the retirement's Delete=false stays until the retirement settles.
    const b = patched(both, releasePatch(both));
    expect(b[ANNOTATION_SYNC_OPTIONS]).toBe('ServerSideApply=true,Delete=false');
    expect(patched(b, restoreSyncOptionsPatch(b, ANNOTATION_HELD))).toEqual(start);
  });

  it('a hand-edited marker takes nothing else off', () => {
    const held = { [ANNOTATION_SYNC_OPTIONS]: 'Prune=false', [ANNOTATION_HELD_FOR_UPGRADE]: 'oops' };
    expect(patched(held, releasePatch(held))).toEqual({ [ANNOTATION_SYNC_OPTIONS]: 'Prune=false' });
  });

  it('once ready: released when the fork ships it, kept (untracked) when it no longer does, else waits', () => {
    const fork = new Set(['kserve', 'central-dashboard']);
    const ours = new Set(['kserve', 'central-dashboard', 'profiles']);
    const o = (app?: string): KubeObject => ({
      metadata: { annotations: app === undefined ? {} : { [ANNOTATION_TRACKING_ID]: `${app}:x/Y:/z` } },
    });
    expect(fateOfHeld(o('central-dashboard'), fork, ours, () => true)).toBe('release');
    expect(fateOfHeld(o('kserve'), fork, ours, () => false)).toBe('keep');
    expect(fateOfHeld(o('profiles'), fork, ours, () => true)).toBe('wait');
    expect(fateOfHeld(o(), fork, ours, () => true)).toBe('release');
    expect(fateOfHeld(o('team-app'), fork, ours, () => false)).toBe('release');
    // CRDs never carry Argo CD's tracking id: kept when no Application of the fork ships it any more.
    const crd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {} };
    expect(
      fateOfHeld(
        crd,
        fork,
        ours,
        () => false,
        () => false,
      ),
    ).toBe('keep');
    expect(
      fateOfHeld(
        crd,
        fork,
        ours,
        () => false,
        () => true,
      ),
    ).toBe('release');
  });
});
