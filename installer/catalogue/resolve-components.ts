/**
 * Turns a user's component selection into the ordered set to install: names and bundles expanded,
 * dependencies pulled in (and marked as such), components merged upstream mapped to their new home,
 * and a sync wave for each from its dependency layer. Pure.
 */
import { UserError } from '../core/errors.js';
import { BUNDLES, COMPONENTS, LAYERS, isDefaultIn, type ComponentSpec } from './components.js';
import type { Release } from './releases.js';

export interface ResolvedComponent {
  readonly spec: ComponentSpec;
  readonly path: string;
  readonly wave: number;
  /** Why it is installed: named by the user, or pulled in by these components. */
  readonly requestedBy: 'user' | readonly string[];
}

/** Waves are 10 apart per layer; inside a layer each dependency step adds one (cert-manager 20, its issuer 21). */
const LAYER_WAVE_STEP = 10;

export function parseComponentList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function resolveComponents(
  selection: readonly string[],
  release: Release,
  catalogue: readonly ComponentSpec[] = COMPONENTS,
): ResolvedComponent[] {
  const byName = new Map(catalogue.map((c) => [c.name, c]));
  const requested = expandSelection(selection, release, catalogue, byName);
  const requestedBy = new Map<string, Set<string>>();
  const chosen = new Set<string>();
  const visit = (name: string, from: string | undefined, trail: readonly string[]): void => {
    if (trail.includes(name)) throw new UserError(`component dependency cycle: ${[...trail, name].join(' -> ')}`);
    const target = followMerges(name, from, release, byName);
    if (target === undefined) return;
    if (from !== undefined) {
      const set = requestedBy.get(target) ?? new Set<string>();
      set.add(from);
      requestedBy.set(target, set);
    }
    if (chosen.has(target)) return;
    chosen.add(target);
    for (const dep of dependenciesIn(target, release, catalogue)) visit(dep, target, [...trail, target]);
  };
  for (const name of requested) visit(name, undefined, []);

  // Waves come from the whole release graph, not the selection, so an Application's wave never
  // depends on what else was picked and re-running with another selection edits nothing.
  const inRelease = new Set(catalogue.filter((c) => c.paths[release] !== undefined).map((c) => c.name));
  const waves = computeWaves(inRelease, byName, release, catalogue);
  // A bundle member merged into another component makes that one the user's choice.
  const byUser = new Set([...requested].map((n) => resolveName(n, release, byName) ?? n));
  return [...chosen]
    .map((name): ResolvedComponent => {
      const spec = byName.get(name) as ComponentSpec;
      return {
        spec,
        path: spec.paths[release] as string,
        wave: waves.get(name) ?? 0,
        requestedBy: byUser.has(name) ? 'user' : [...(requestedBy.get(name) ?? [])].sort(),
      };
    })
    .sort((a, b) => a.wave - b.wave || a.spec.name.localeCompare(b.spec.name));
}

function expandSelection(
  selection: readonly string[],
  release: Release,
  catalogue: readonly ComponentSpec[],
  byName: Map<string, ComponentSpec>,
): Set<string> {
  if (selection.length === 0)
    throw new UserError('no components selected: pass --components (a comma-separated list, or "all")');
  const out = new Set<string>();
  const unknown: string[] = [];
  for (const item of selection) {
    if (item === 'all') {
      for (const c of catalogue) if (isDefaultIn(c, release)) out.add(c.name);
    } else if (BUNDLES[item]) {
      // A bundle stands for what its members are in this release (kept, or merged into another).
      const members = BUNDLES[item].filter((n) => {
        const spec = byName.get(n);
        return spec?.paths[release] !== undefined || spec?.mergedInto?.[release] !== undefined;
      });
      if (members.length === 0)
        throw new UserError(
          `"${item}" (${BUNDLES[item].join(', ')}) is not in Kubeflow ${release}: remove it from --components or choose another --release`,
        );
      for (const n of members) out.add(n);
    } else if (byName.has(item)) {
      const spec = byName.get(item) as ComponentSpec;
      if (spec.paths[release] === undefined) {
        const merged = spec.mergedInto?.[release];
        const has = Object.keys(spec.paths).join(', ');
        throw new UserError(
          merged !== undefined
            ? `component "${item}" is part of "${merged}" in Kubeflow ${release}: select "${merged}" instead (--components)`
            : `component "${item}" is not in Kubeflow ${release} (it is in ${has}): remove it from --components or choose another --release`,
        );
      }
      out.add(item);
    } else {
      unknown.push(item);
    }
  }
  if (unknown.length > 0) {
    const known = [...byName.keys(), ...Object.keys(BUNDLES), 'all'].sort().join(', ');
    throw new UserError(
      `unknown component${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} in --components; known: ${known}`,
    );
  }
  return out;
}

/** The name to install for a dependency in this release (following merges), or undefined to drop it. */
function followMerges(
  name: string,
  from: string | undefined,
  release: Release,
  byName: Map<string, ComponentSpec>,
): string | undefined {
  const spec = byName.get(name);
  if (!spec) throw new UserError(`catalogue error: "${from ?? '?'}" depends on unknown component "${name}"`);
  if (spec.paths[release] !== undefined) return name;
  const merged = spec.mergedInto?.[release];
  if (merged !== undefined) return merged === from ? undefined : merged;
  throw new UserError(`"${from ?? name}" needs "${name}", which Kubeflow ${release} does not have`);
}

/**
 * What a component needs in a release: its own dependencies and those of every component merged into
 * it there (the dashboard of 26.03.1 ships the PodDefaults webhook, which needs the Kubeflow issuer).
 */
export function dependenciesIn(
  name: string,
  release: Release,
  catalogue: readonly ComponentSpec[] = COMPONENTS,
): readonly string[] {
  const deps = new Set(catalogue.find((c) => c.name === name)?.dependsOn ?? []);
  for (const c of catalogue) {
    if (c.paths[release] === undefined && c.mergedInto?.[release] === name) for (const d of c.dependsOn) deps.add(d);
  }
  deps.delete(name);
  return [...deps];
}

function computeWaves(
  chosen: Set<string>,
  byName: Map<string, ComponentSpec>,
  release: Release,
  catalogue: readonly ComponentSpec[],
): Map<string, number> {
  const waves = new Map<string, number>();
  const waveOf = (name: string): number => {
    const known = waves.get(name);
    if (known !== undefined) return known;
    const spec = byName.get(name) as ComponentSpec;
    let wave = (LAYERS.indexOf(spec.layer) + 1) * LAYER_WAVE_STEP;
    for (const dep of dependenciesIn(name, release, catalogue)) {
      const d = resolveName(dep, release, byName);
      if (d === undefined || d === name || !chosen.has(d)) continue;
      const depWave = waveOf(d);
      if (depWave >= wave) wave = depWave + 1;
    }
    waves.set(name, wave);
    return wave;
  };
  for (const name of chosen) waveOf(name);
  return waves;
}

function resolveName(name: string, release: Release, byName: Map<string, ComponentSpec>): string | undefined {
  const spec = byName.get(name);
  if (!spec) return undefined;
  return spec.paths[release] !== undefined ? name : spec.mergedInto?.[release];
}
