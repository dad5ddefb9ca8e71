/**
 * Plan, then act, for `upgrade`: a pure function from what the fork has installed (components,
 * target, the release git says it is on) and its kubeflow-apps/ and overlays/ files, after upstream's
 * new release was merged in, to every file change that makes the fork a working install of the new
 * release. Only managed values move: an overlay's upstream path entry, the Applications' source
 * fields (through the fork plan); every other byte the user wrote stays. Components upstream renamed,
 * merged or dropped are mapped through the catalogue and reported, never silently lost.
 */
import { posix } from 'node:path';
import { COMPONENTS, type ComponentSpec } from '../../catalogue/components.js';
import type { Release } from '../../catalogue/releases.js';
import { resolveComponents, type ResolvedComponent } from '../../catalogue/resolve-components.js';
import { DEFAULT_UPSTREAM } from '../../core/constants.js';
import { buildForkPlan, type ForkPlan } from '../../plan/build-fork-plan.js';
import { planUpgradeSteps, type UpgradeStep } from '../../plan/plan-upgrade-steps.js';
import { templatePath } from '../../plan/kubeflow-apps.js';
import { overlayDir, renderComponentOverlay, upstreamPathFor } from '../../plan/render-overlay.js';
import { rewriteApplications, type ScalarChange } from '../../rewrite/rewrite-applications.js';
import { readEntries } from '../../hermetic/find-remote-resources.js';
import { rewriteKustomizationEntries } from '../../hermetic/rewrite-kustomization-entries.js';
import type { VendorPlan } from '../../hermetic/vendor-plan.js';
import type { Installation } from './read-installation.js';

export const UPGRADE_PLAN_VERSION = 1;

export interface UpgradePlanInputs {
  readonly from: Release;
  readonly to: Release;
  readonly installation: Installation;
  readonly branch: string;
  readonly upstreamUrl: string;
  readonly forkUrl: string;
  /** A bcrypt hash for Dex, only when the upgrade brings Dex in and the fork has no hash yet. */
  readonly dexPasswordHash?: string | undefined;
}

export interface UpgradeFacts {
  /** The fork's kubeflow-apps/ and overlays/ files (after the upstream merge). */
  readonly existing: ReadonlyMap<string, string>;
  /** The installer's templates for the old and the new release (see readTemplates). */
  readonly fromTemplates: ReadonlyMap<string, string>;
  readonly toTemplates: ReadonlyMap<string, string>;
}

/** What happens to one component. `moved`: same component, new upstream path. */
export type ComponentChange =
  | { readonly name: string; readonly change: 'kept'; readonly path: string }
  | { readonly name: string; readonly change: 'moved'; readonly from: string; readonly to: string }
  | { readonly name: string; readonly change: 'merged'; readonly into: string }
  | { readonly name: string; readonly change: 'removed' }
  | { readonly name: string; readonly change: 'added'; readonly path: string; readonly requestedBy: readonly string[] };

export interface UpgradeFileChange {
  readonly path: string;
  readonly action: 'create' | 'update' | 'delete';
  readonly before?: string | undefined;
  readonly after?: string | undefined;
  readonly changes?: readonly ScalarChange[] | undefined;
}

export interface UpgradePlan {
  readonly version: typeof UPGRADE_PLAN_VERSION;
  readonly from: Release;
  readonly to: Release;
  readonly target: Installation['target'];
  readonly footprint: Installation['footprint'];
  readonly fork: ForkPlan['fork'];
  readonly components: readonly ComponentChange[];
  /** The selection on the new release, in wave order (as `plan` shows it for a fork). */
  readonly selection: ForkPlan['components'];
  readonly files: readonly UpgradeFileChange[];
  /** Things the user should look at; the upgrade goes ahead. */
  readonly warnings: readonly string[];
  readonly vendor: VendorPlan;
  /** Vendored sources (vendor/… directories) nothing uses any more, removed. */
  readonly vendorRemoved: readonly string[];
  /** Upstream's manual steps for this release pair and the hold on users' data, done in the cluster. */
  readonly steps: readonly UpgradeStep[];
}

const OVERLAY_TO_REPO_ROOT = '../../..';

/** @param catalogue the component catalogue (tests pass a changed one to model upstream dropping a component). */
export function buildUpgradePlan(
  inputs: UpgradePlanInputs,
  facts: UpgradeFacts,
  catalogue: readonly ComponentSpec[] = COMPONENTS,
): UpgradePlan {
  const { from, to, installation: inst } = inputs;
  const byName = new Map(catalogue.map((c) => [c.name, c]));
  const warnings: string[] = [];
  const files = new Map(facts.existing);
  const changes: ComponentChange[] = [];

  for (const name of inst.components) {
    const spec = byName.get(name);
    if (spec === undefined) throw new Error(`internal: installed component ${name} is not in the catalogue`);
    if (spec.paths[to] !== undefined) {
      const before =
        spec.paths[from] !== undefined ? upstreamPathFor(asResolved(spec, from), inst.target).path : undefined;
      const after = upstreamPathFor(asResolved(spec, to), inst.target).path;
      if (before === undefined || before === after) {
        changes.push({ name, change: 'kept', path: after });
      } else {
        changes.push({ name, change: 'moved', from: before, to: after });
        moveOverlay(files, inputs, name, before, after, warnings);
      }
      continue;
    }
    const into = spec.mergedInto?.[to];
    changes.push(into !== undefined ? { name, change: 'merged', into } : { name, change: 'removed' });
    retire(files, inputs, facts, spec, into, warnings);
  }

  const resolved = upgradeSelection(inst.components, to, catalogue);
  const had = new Set(inst.components);
  for (const c of resolved) {
    if (had.has(c.spec.name)) continue;
    const by =
      c.requestedBy === 'user'
        ? inst.components.filter((n) => byName.get(n)?.mergedInto?.[to] === c.spec.name)
        : c.requestedBy;
    changes.push({ name: c.spec.name, change: 'added', path: upstreamPathFor(c, inst.target).path, requestedBy: by });
  }

  const fork = buildForkPlan(
    {
      release: to,
      target: inst.target,
      footprint: inst.footprint,
      branch: inputs.branch,
      upstreamUrl: inputs.upstreamUrl,
      forkUrl: inputs.forkUrl,
      components: resolved,
      dexPasswordHash: inputs.dexPasswordHash,
    },
    { existing: files, templates: facts.toTemplates, vendor: { sources: [], rewrites: [] } },
  );
  for (const f of fork.files) files.set(f.path, f.after);
  const scalarChanges = new Map(fork.files.map((f) => [f.path, f.changes]));

  const out: UpgradeFileChange[] = [];
  for (const path of new Set([...facts.existing.keys(), ...files.keys()])) {
    const before = facts.existing.get(path);
    const after = files.get(path);
    if (before === after) continue;
    const action = after === undefined ? 'delete' : before === undefined ? 'create' : 'update';
    out.push({ path, action, before, after, changes: scalarChanges.get(path) });
  }
  const order = new Map(resolved.map((c, i) => [c.spec.name, i]));
  const rank = (c: ComponentChange): number => order.get(c.name) ?? resolved.length;
  return {
    version: UPGRADE_PLAN_VERSION,
    from,
    to,
    target: inst.target,
    footprint: inst.footprint,
    fork: fork.fork,
    components: changes.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)),
    selection: fork.components,
    files: out.sort((a, b) => a.path.localeCompare(b.path)),
    warnings,
    vendor: { sources: [], rewrites: [] },
    vendorRemoved: [],
    steps: planUpgradeSteps(from, to, new Set(resolved.map((c) => c.spec.name)), { holdData: true }),
  };
}

/** The components the fork has on the new release: kept ones, the homes of merged ones, and their dependencies. */
export function upgradeSelection(
  installed: readonly string[],
  to: Release,
  catalogue: readonly ComponentSpec[] = COMPONENTS,
): ResolvedComponent[] {
  const byName = new Map(catalogue.map((c) => [c.name, c]));
  const names = new Set<string>();
  for (const name of installed) {
    const spec = byName.get(name);
    const into = spec?.paths[to] !== undefined ? name : spec?.mergedInto?.[to];
    if (into !== undefined) names.add(into);
  }
  return resolveComponents([...names], to, catalogue);
}

/** Enough of a resolved component to ask where it lives in a release. */
function asResolved(spec: ComponentSpec, release: Release): ResolvedComponent {
  return { spec, path: spec.paths[release] as string, wave: 0, requestedBy: 'user' };
}

/**
 * Points a component's overlay at the new upstream path: the one `resources` entry naming the old
 * path is edited in place (and the release in the generated header comment); nothing else changes.
 */
function moveOverlay(
  files: Map<string, string>,
  inputs: UpgradePlanInputs,
  name: string,
  before: string,
  after: string,
  warnings: string[],
): void {
  const file = `${overlayDir(inputs.installation.target, name)}/kustomization.yaml`;
  const text = files.get(file);
  if (text === undefined) return; // buildForkPlan writes a fresh one
  const oldEntry = posix.join(OVERLAY_TO_REPO_ROOT, before);
  const newEntry = posix.join(OVERLAY_TO_REPO_ROOT, after);
  const entries = readEntries(text, file).filter((e) => e.field === 'resources');
  const hit = entries.find((e) => posix.normalize(e.entry).replace(/\/$/, '') === oldEntry);
  if (hit === undefined) {
    if (!entries.some((e) => posix.normalize(e.entry).replace(/\/$/, '') === newEntry)) {
      warnings.push(
        `${file} does not list ${oldEntry} under resources, so it was left as it is: ${name} moved upstream from ${before} to ${after}; make sure your overlay builds on the new path`,
      );
    }
    return;
  }
  const edited = rewriteKustomizationEntries(
    text,
    [{ field: 'resources', index: hit.index, from: hit.entry, to: newEntry }],
    file,
  );
  files.set(file, retitle(edited, inputs.from, inputs.to));
}

/** The generated header names the release; update it when it still says the old one. */
function retitle(text: string, from: Release, to: Release): string {
  const end = text.indexOf('\n');
  const first = end < 0 ? text : text.slice(0, end);
  if (!first.startsWith('#') || !first.includes(`(Kubeflow ${from})`)) return text;
  return first.replace(`(Kubeflow ${from})`, `(Kubeflow ${to})`) + text.slice(first.length);
}

/**
 * A component the new release no longer has: its Application goes (Argo CD prunes it; what it deployed
 * now comes from `into`, or nowhere). Its overlay goes only when it is exactly as generated; an
 * overlay with the user's edits stays (nothing points at it any more) and is reported.
 */
function retire(
  files: Map<string, string>,
  inputs: UpgradePlanInputs,
  facts: UpgradeFacts,
  spec: ComponentSpec,
  into: string | undefined,
  warnings: string[],
): void {
  const { from, to, installation: inst } = inputs;
  const where = into !== undefined ? `it is part of ${into} in Kubeflow ${to}` : `Kubeflow ${to} no longer has it`;
  const appFile = inst.appFiles.get(spec.name);
  if (appFile !== undefined) {
    const text = files.get(appFile);
    files.delete(appFile);
    if (
      text !== undefined &&
      spec.paths[from] !== undefined &&
      text !== generatedApplication(inputs, facts, spec.name)
    ) {
      warnings.push(
        `${appFile} had your edits; it was removed because ${where}. ${into !== undefined ? `Carry what you still need over to the Application of ${into}; ` : ''}the old file stays in the fork's history`,
      );
    }
  }
  const dir = `${overlayDir(inst.target, spec.name)}/`;
  const overlay = [...files.keys()].filter((p) => p.startsWith(dir));
  if (overlay.length === 0) return;
  const generated =
    spec.paths[from] === undefined
      ? []
      : renderComponentOverlay(asResolved(spec, from), {
          target: inst.target,
          footprint: inst.footprint,
          release: from,
        });
  const untouched = overlay.length === generated.length && generated.every((g) => files.get(g.path) === g.content);
  if (untouched) {
    for (const p of overlay) files.delete(p);
  } else {
    warnings.push(
      `${dir} has your edits and is no longer used (${spec.name}: ${where}); it was kept so you can move them${into !== undefined ? ` to ${overlayDir(inst.target, into)}/` : ''}, then delete it`,
    );
  }
}

/** The Application `fork` would have written for a component of the old release. */
function generatedApplication(inputs: UpgradePlanInputs, facts: UpgradeFacts, name: string): string | undefined {
  const template = facts.fromTemplates.get(templatePath(inputs.from, name));
  if (template === undefined) return undefined;
  const rules = {
    managedRepoURLs: [inputs.upstreamUrl, DEFAULT_UPSTREAM],
    repoURL: inputs.forkUrl,
    targetRevision: inputs.branch,
    pathFor: (app: string) => (app === name ? overlayDir(inputs.installation.target, name) : undefined),
  };
  return rewriteApplications(template, rules, templatePath(inputs.from, name)).text;
}
