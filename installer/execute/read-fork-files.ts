/**
 * Reads the files the fork plan works on: the installer's own templates (kubeflow-apps/<release>/,
 * overlays/components/) and what the fork already holds under kubeflow-apps/ and overlays/.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Release } from '../catalogue/releases.js';
import { parse } from 'yaml';
import { ARGOCD_OVERLAY_DIR, FORK_APPS_DIR, FORK_OVERLAYS_DIR } from '../constants.js';
import type { KubeObject } from '../systems/kube.js';

async function walk(root: string, dir: string, out: Map<string, string>, rename: (p: string) => string): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const e of entries) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) await walk(root, rel, out, rename);
    else if (e.isFile()) out.set(rename(rel.split(sep).join('/')), await readFile(join(root, rel), 'utf8'));
  }
}

/** Templates keyed by their path inside the installer package (the fork uses the same paths). */
export async function readTemplates(packageRoot: string, release: Release): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await walk(packageRoot, join(FORK_APPS_DIR, release), out, (p) => p);
  await walk(packageRoot, join(FORK_OVERLAYS_DIR, 'components'), out, (p) => p);
  await walk(packageRoot, ARGOCD_OVERLAY_DIR, out, (p) => p);
  return out;
}

/** The fork's kubeflow-apps/ and overlays/ files keyed by path relative to the repository root. */
export async function readForkFiles(repoDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await walk(repoDir, FORK_APPS_DIR, out, (p) => p);
  await walk(repoDir, FORK_OVERLAYS_DIR, out, (p) => p);
  return out;
}

export function relativePosix(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}

/** The child Applications the root deploys: the YAML files directly in the fork's kubeflow-apps/. */
export async function readForkApplications(repoDir: string): Promise<KubeObject[]> {
  const apps: KubeObject[] = [];
  for (const f of (await readdir(join(repoDir, FORK_APPS_DIR))).filter((x) => /\.ya?ml$/.test(x)).sort()) {
    const app = parse(await readFile(join(repoDir, FORK_APPS_DIR, f), 'utf8')) as KubeObject | null;
    if (app?.kind === 'Application' && app.metadata?.name) apps.push(app);
  }
  return apps;
}
