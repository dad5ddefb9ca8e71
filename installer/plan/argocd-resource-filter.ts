/**
 * argocd-cm's resource.exclusions, resource.inclusions and (v3.6) resource.selectors, read and matched
 * as Argo CD does (util/settings/settings.go GetResourcesFilter, resources_filter.go,
 * filtered_resource.go). An excluded object is dropped from Argo CD's targets: it never applies it.
 */
import { parse } from 'yaml';
import { globMatch } from './argocd-glob.js';

interface FilteredResource {
  readonly apiGroups?: readonly string[];
  readonly kinds?: readonly string[];
  readonly clusters?: readonly string[];
  readonly selector?: string;
}
interface ResourceFilter {
  readonly exclusions: readonly FilteredResource[];
  readonly inclusions: readonly FilteredResource[];
  readonly selectors: readonly FilteredResource[];
}

/**
 * Always excluded, whatever argocd-cm says (util/settings/resources_filter.go coreExcludedResources).
 * The longer list an Argo CD install starts with (Endpoints, EndpointSlice, CSRs, reviews, …) is data
 * in its shipped argocd-cm, read from there like any other exclusion.
 */
const CORE_EXCLUDED: readonly FilteredResource[] = [
  { apiGroups: ['events.k8s.io', 'metrics.k8s.io'] },
  { apiGroups: [''], kinds: ['Event'] },
  { apiGroups: ['coordination.k8s.io'], kinds: ['Lease'] },
];

/** settings.go GetResourcesFilter: a key that does not parse fails every comparison in Argo CD. */
export function resourceFilter(cm: Readonly<Record<string, string>>): ResourceFilter | string {
  const read = (key: string): FilteredResource[] | string => {
    const text = cm[key];
    if (text === undefined) return [];
    try {
      const v: unknown = parse(text);
      return Array.isArray(v) ? (v as FilteredResource[]) : v === null ? [] : `argocd-cm ${key} is not a list`;
    } catch {
      return `argocd-cm ${key} is not valid YAML: Argo CD cannot compare any Application`;
    }
  };
  const exclusions = read('resource.exclusions');
  const inclusions = read('resource.inclusions');
  const selectors = read('resource.selectors');
  for (const r of [exclusions, inclusions, selectors]) if (typeof r === 'string') return r;
  return {
    exclusions: [...CORE_EXCLUDED, ...(exclusions as FilteredResource[])],
    inclusions: inclusions as FilteredResource[],
    selectors: (selectors as FilteredResource[]).filter((s) => (s.selector ?? '').trim() !== ''),
  };
}

/** filtered_resource.go Match: groups and clusters by glob, kinds exactly or "*"; an empty list matches all. */
export function matchesFilter(r: FilteredResource, group: string, kind: string, cluster: string): boolean {
  const groups = r.apiGroups ?? [];
  const kinds = r.kinds ?? [];
  const clusters = r.clusters ?? [];
  return (
    (groups.length === 0 || groups.some((g) => globMatch(g, group))) &&
    (kinds.length === 0 || kinds.some((k) => k === '*' || k === kind)) &&
    (clusters.length === 0 || clusters.some((c) => globMatch(c, cluster)))
  );
}

/** ResourcesFilter.IsExcludedResource. */
export function excluded(f: ResourceFilter, group: string, kind: string, cluster: string): boolean {
  if (f.exclusions.some((r) => matchesFilter(r, group, kind, cluster))) return true;
  if (f.inclusions.some((r) => matchesFilter(r, group, kind, cluster))) return false;
  return f.inclusions.some(
    (r) => (r.clusters ?? []).length === 0 || (r.clusters ?? []).some((c) => globMatch(c, cluster)),
  );
}
