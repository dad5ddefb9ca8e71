/**
 * After an upgrade, vendored sources the new release no longer uses (an older argo-workflows ref, a
 * jobset release file upstream stopped pulling) would sit in vendor/ for ever. A vendored source is a
 * directory `vendor/…/<repo>@<ref>` (git) or `vendor/…/<file>.d` (http); it stays while any Application
 * of the fork that points into the fork (components and the user's own) or Argo CD's overlay reaches
 * it through kustomize, and goes otherwise. Only vendor/ is touched: it belongs to kubeflow-gitops.
 */
import { readdir, rm } from 'node:fs/promises';
import { posix } from 'node:path';
import { ARGOCD_OVERLAY_DIR, FORK_VENDOR_DIR } from '../../core/constants.js';
import { findRemoteResources, kustomizationFileIn } from '../../hermetic/find-remote-resources.js';
import { nodeTreeReader } from '../../hermetic/vendor-remote-bases.js';

/** Vendored source directories under vendor/, relative to the repository root, sorted. */
export async function listVendorRoots(repoDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(posix.join(repoDir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === '.staging') continue;
      const child = posix.join(rel, e.name);
      if (e.name.includes('@') || e.name.endsWith('.d')) out.push(child);
      else await walk(child);
    }
  };
  await walk(FORK_VENDOR_DIR);
  return out.sort();
}

/**
 * Vendored sources nothing reaches any more.
 *
 * @param appPaths paths (relative to the repository) of every Application source in the fork.
 */
export async function findUnusedVendorRoots(repoDir: string, appPaths: readonly string[]): Promise<string[]> {
  const roots = await listVendorRoots(repoDir);
  if (roots.length === 0) return [];
  const starts: string[] = [];
  for (const p of new Set([...appPaths, ARGOCD_OVERLAY_DIR])) {
    // A directory-type source (plain manifests) cannot reach vendor/ through kustomize.
    if ((await kustomizationFileIn(posix.join(repoDir, p), nodeTreeReader)) !== undefined) starts.push(p);
  }
  let found;
  try {
    found = await findRemoteResources(repoDir, starts, nodeTreeReader);
  } catch {
    // A kustomization that does not parse: what it reaches is unknown, so keep everything.
    return [];
  }
  const reached = [...found.kustomizationFiles, ...found.localFiles];
  return roots.filter((r) => !reached.some((f) => f.startsWith(`${r}/`)));
}

/** Removes the given vendor roots and the directories they leave empty. */
export async function removeVendorRoots(repoDir: string, roots: readonly string[]): Promise<void> {
  for (const r of roots) {
    if (!r.startsWith(`${FORK_VENDOR_DIR}/`))
      throw new Error(`internal: refusing to prune ${r} outside ${FORK_VENDOR_DIR}/`);
    await rm(posix.join(repoDir, r), { recursive: true, force: true });
    for (let dir = posix.dirname(r); dir.startsWith(`${FORK_VENDOR_DIR}/`); dir = posix.dirname(dir)) {
      const left = await readdir(posix.join(repoDir, dir)).catch(() => ['?']);
      if (left.length > 0) break;
      await rm(posix.join(repoDir, dir), { recursive: true, force: true });
    }
  }
}
