/**
 * Questions 3 and 4: the Kubeflow release (newest supported by the cluster first, with dates) and the
 * components, grouped, with dependencies added and shown as such and the total CPU/memory request
 * compared live with what the cluster can allocate. A selection that cannot fit is refused at the
 * question, because preflight would refuse it anyway.
 */
import { COMPONENTS, isDefaultIn, type Group } from '../../catalogue/components.js';
import { satisfiesKubernetes } from '../../catalogue/kubernetes-version.js';
import {
  NEWEST_RELEASE,
  RELEASES,
  RELEASE_INFO,
  isPreRelease,
  releaseLabel,
  type Release,
} from '../../catalogue/releases.js';
import { requestsOf } from '../../catalogue/requests.js';
import { resolveComponents, type ResolvedComponent } from '../../catalogue/resolve-components.js';
import type { Footprint } from '../../catalogue/targets.js';
import type { MergedSettings } from '../../inputs/merge-settings.js';
import type { Heading, Prompter } from '../../systems/prompter.js';
import { cpus, gib, givenNote, type ClusterFacts } from './facts.js';

const GROUPS: readonly Group[] = [
  'Platform',
  'Pipelines',
  'Notebooks',
  'Training',
  'Serving',
  'AutoML',
  'Dashboard',
  'Spark',
  'Hub',
];

export async function askRelease(given: MergedSettings, cluster: ClusterFacts, p: Prompter): Promise<Release> {
  if (given.values.release !== undefined) {
    p.note(givenNote(given, 'release', 'Kubeflow release'));
    return given.values.release as Release;
  }
  const fits = (r: Release) =>
    satisfiesKubernetes(r, { major: '1', minor: cluster.minor?.toString(), gitVersion: cluster.version });
  // A pre-release is offered, never chosen for the user.
  const newest = [...RELEASES].reverse().find((r) => fits(r) && !isPreRelease(r)) ?? NEWEST_RELEASE;
  const width = Math.max(...RELEASES.map((r) => releaseLabel(r).length));
  return p.select(
    `Kubeflow release (default: the newest final release ${cluster.version !== undefined ? `Kubernetes ${cluster.version}` : 'this cluster'} supports)`,
    [...RELEASES].reverse().map((r) => {
      const info = RELEASE_INFO[r];
      return {
        value: r,
        short: r,
        name: `${releaseLabel(r).padEnd(width)} released ${info.date}, Kubernetes ${info.kubernetes.min}+ (upstream tests ${info.kubernetes.tested})`,
        ...(fits(r) ? {} : { disabled: `needs Kubernetes ${info.kubernetes.min}+` }),
      };
    }),
    newest,
  );
}

export interface Selection {
  readonly resolved: readonly ResolvedComponent[];
  readonly dependencies: readonly ResolvedComponent[];
  readonly requests: { readonly cpuMillis: number; readonly memoryMiB: number };
  readonly fits: boolean;
}

/** What a set of chosen components means: the closure, what was added, and whether it fits. */
export function assessSelection(
  chosen: readonly string[],
  release: Release,
  footprint: Footprint,
  cluster: ClusterFacts,
): Selection {
  const resolved = resolveComponents(chosen, release);
  const dependencies = resolved.filter((c) => !chosen.includes(c.spec.name));
  const requests = requestsOf(
    resolved.map((c) => c.spec.name),
    footprint,
    release,
  );
  const fits =
    requests.cpuMillis <= cluster.allocatable.cpuMillis && requests.memoryMiB <= cluster.allocatable.memoryMiB;
  return { resolved, dependencies, requests, fits };
}

export function selectionFooter(
  chosen: readonly string[],
  release: Release,
  footprint: Footprint,
  cluster: ClusterFacts,
): string {
  if (chosen.length === 0) return 'nothing selected';
  let s: Selection;
  try {
    s = assessSelection(chosen, release, footprint, cluster);
  } catch (err) {
    return `✗ ${(err as Error).message}`;
  }
  const deps = s.dependencies.map((c) => c.spec.name);
  const shown = deps.length > 8 ? `${deps.slice(0, 8).join(', ')}, … (+${deps.length - 8})` : deps.join(', ');
  return [
    `${s.resolved.length} component${s.resolved.length === 1 ? '' : 's'}: ${chosen.length} chosen${deps.length > 0 ? ` + ${deps.length} added as dependencies: ${shown}` : ''}`,
    `requests ${cpus(s.requests.cpuMillis)} CPU and ${gib(s.requests.memoryMiB)} GiB (${footprint} footprint); the cluster can allocate ${cpus(cluster.allocatable.cpuMillis)} CPU and ${gib(cluster.allocatable.memoryMiB)} GiB: ${s.fits ? '✔ fits' : '✗ does not fit'}`,
  ].join('\n');
}

export function validateSelection(
  chosen: readonly string[],
  release: Release,
  footprint: Footprint,
  cluster: ClusterFacts,
): true | string {
  if (chosen.length === 0) return 'choose at least one component (space toggles, a selects all)';
  try {
    const s = assessSelection(chosen, release, footprint, cluster);
    if (s.fits) return true;
    return `this selection does not fit: it requests ${cpus(s.requests.cpuMillis)} CPU and ${gib(s.requests.memoryMiB)} GiB, the cluster can allocate ${cpus(cluster.allocatable.cpuMillis)} CPU and ${gib(cluster.allocatable.memoryMiB)} GiB; deselect components${footprint === 'full' ? ', or re-run with --footprint small' : ''}`;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The components to install; the release's default set is answered as `all`, as upstream names it. */
export async function askComponents(
  given: MergedSettings,
  release: Release,
  footprint: Footprint,
  cluster: ClusterFacts,
  p: Prompter,
): Promise<string[]> {
  const inRelease = COMPONENTS.filter((c) => c.paths[release] !== undefined);
  const defaults = inRelease.filter((c) => isDefaultIn(c, release)).map((c) => c.name);
  if (given.values.components !== undefined) {
    p.note(givenNote(given, 'components', 'Components'));
    const problem = validateSelection(given.values.components, release, footprint, cluster);
    if (problem !== true) p.note(`  ! ${problem}`);
    return given.values.components;
  }
  const initial = new Set(defaults);
  const choices: ({ value: string; short: string; name: string; description: string; checked: boolean } | Heading)[] =
    [];
  for (const group of GROUPS) {
    const members = inRelease.filter((c) => c.group === group);
    if (members.length === 0) continue;
    choices.push({ heading: group });
    for (const c of members) {
      const needs = c.dependsOn.length > 0 ? `; needs ${c.dependsOn.join(', ')}` : '';
      choices.push({
        value: c.name,
        short: c.name,
        name: `${c.name.padEnd(26)} ${c.title}`,
        description: `${c.title}${needs}`,
        checked: initial.has(c.name),
      });
    }
  }
  const chosen = await p.checkbox(
    `Components for Kubeflow ${releaseLabel(release)} (preselected: what upstream's example installs; dependencies are added for you)`,
    choices,
    {
      footer: (v) => selectionFooter(v, release, footprint, cluster),
      validate: (v) => validateSelection(v, release, footprint, cluster),
    },
  );
  const same = chosen.length === defaults.length && defaults.every((d) => chosen.includes(d));
  return same ? ['all'] : chosen;
}
