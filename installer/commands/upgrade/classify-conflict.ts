/**
 * Whose conflict is it? A file upstream changed and the fork changed too conflicts in the merge. When
 * the fork's only change to the file is what kubeflow-gitops itself did (vendoring rewrote its remote
 * kustomization entries to vendor/ paths), upstream's side is taken and the ensure-steps run again,
 * which redo the tool's change on top of it. Paths the fork owns outright (vendor/, and its
 * Applications and overlays where upstream adds a file of its own) keep the fork's side. Any other
 * change is the user's, and the upgrade stops for them. Pure.
 */
import { posix } from 'node:path';
import { FORK_APPS_DIR, FORK_OVERLAYS_DIR, FORK_VENDOR_DIR } from '../../core/constants.js';
import { KUSTOMIZATION_NAMES, readEntries } from '../../hermetic/find-remote-resources.js';
import { parseKustomizeEntry } from '../../hermetic/kustomize-remote-url.js';
import { rewriteKustomizationEntries } from '../../hermetic/rewrite-kustomization-entries.js';
import { planVendoring } from '../../hermetic/vendor-plan.js';

/** The three sides of a conflicted path; undefined when that side has no file. */
export interface ConflictSides {
  readonly base: string | undefined;
  readonly ours: string | undefined;
  readonly theirs: string | undefined;
}

/** `tool`: resolve to `content` (undefined deletes the file); `user`: leave it to the user. */
export type ConflictResolution =
  { readonly owner: 'tool'; readonly content: string | undefined; readonly why: string } | { readonly owner: 'user' };

export function classifyConflict(path: string, sides: ConflictSides): ConflictResolution {
  const { base, ours, theirs } = sides;
  // vendor/ is the tool's alone: what upstream adds there is not what the fork's kustomizations use.
  if (path === FORK_VENDOR_DIR || path.startsWith(`${FORK_VENDOR_DIR}/`)) {
    return { owner: 'tool', content: ours, why: `${FORK_VENDOR_DIR}/ belongs to kubeflow-gitops` };
  }
  // kubeflow-apps/ and overlays/ are the fork's (what Argo CD reads): a file upstream adds at the same
  // path is not used by anything here, so the fork's version, with whatever the user changed, stays.
  if (
    ours !== undefined &&
    base === undefined &&
    (path.startsWith(`${FORK_APPS_DIR}/`) || path.startsWith(`${FORK_OVERLAYS_DIR}/`))
  ) {
    return {
      owner: 'tool',
      content: ours,
      why: `${path.split('/')[0] ?? ''}/ belongs to the fork; upstream's file at this path is not used`,
    };
  }
  if (
    base !== undefined &&
    ours !== undefined &&
    isKustomization(path) &&
    ours !== base &&
    vendored(base, path) === ours
  ) {
    return {
      owner: 'tool',
      content: theirs,
      why: 'the fork only vendored its remote entries; taking upstream and vendoring again',
    };
  }
  return { owner: 'user' };
}

function isKustomization(path: string): boolean {
  return (KUSTOMIZATION_NAMES as readonly string[]).includes(posix.basename(path));
}

/** `text` as the vendoring step leaves it: every remote entry pointing at its vendor/ copy. */
export function vendored(text: string, file: string): string | undefined {
  try {
    const remotes = [];
    for (const e of readEntries(text, file)) {
      const remote = parseKustomizeEntry(e.entry);
      if (remote.kind !== 'local') remotes.push({ file, ...e, remote });
    }
    if (remotes.length === 0) return text;
    const { rewrites } = planVendoring({ remotes });
    return rewriteKustomizationEntries(text, rewrites, file);
  } catch {
    // Not something the vendoring step could have produced (unparsable YAML or URL): the user's.
    return undefined;
  }
}
