/**
 * Hermetic fork: copies every remote kustomize source reachable from the chosen components into
 * `vendor/` of the fork and points the kustomization entries at the copies, so that Argo CD's
 * repo-server renders the fork without the internet. Idempotent: a second run finds nothing to do.
 */
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { redactUrl } from '../core/redact-url.js';
import type { RemoteFetcher } from '../systems/remote-sources.js';
import { findRemoteResources, type TreeReader } from './find-remote-resources.js';
import { rewriteKustomizationEntries } from './rewrite-kustomization-entries.js';
import {
  planVendoring,
  VENDOR_DIR,
  type EntryRewrite,
  type GitSource,
  type HttpSource,
  type VendorPlan,
} from './vendor-plan.js';

export {
  planVendoring,
  type VendorPlan,
  type VendorSource,
  type GitSource,
  type HttpSource,
  type EntryRewrite,
} from './vendor-plan.js';

/** Rewrites URL prefixes for fetching only; vendor paths always come from the original URL. */
export interface Mirror {
  from: string;
  to: string;
}

export interface VendorOptions {
  /** The fork's working tree. */
  repoDir: string;
  /** Kustomization directories to start from, relative to `repoDir` (e.g. the component entry points). */
  startPaths: readonly string[];
  fetcher: RemoteFetcher;
  mirrors?: readonly Mirror[];
  /** How many levels of remotes-inside-remotes to follow before giving up. Default 8. */
  maxDepth?: number;
}

export interface VendorResult {
  /** All sources and rewrites of this run, every level merged. Empty when nothing was left to do. */
  plan: VendorPlan;
  /** Original URLs of the sources copied by this run (sources already in `vendor/` are not fetched). */
  fetched: string[];
  /** Kustomization files edited, relative to `repoDir`. */
  editedFiles: string[];
}

/** Vendoring could not complete; the message names the source or file and what to do. */
export class VendorError extends Error {
  override readonly name = 'VendorError';
}

/** Reads the local file system through {@link TreeReader}. */
export const nodeTreeReader: TreeReader = {
  readFile: (path) => readFile(path, 'utf8'),
  stat: async (path) => {
    try {
      return (await stat(path)).isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  },
};

/** Applies the first mirror whose `from` prefixes `url`. */
export function applyMirrors(url: string, mirrors: readonly Mirror[]): string {
  const m = mirrors.find((x) => url.startsWith(x.from));
  return m === undefined ? url : m.to + url.slice(m.from.length);
}

/**
 * Vendors every remote entry reachable from `startPaths`, level by level: after a round's sources are
 * copied and entries rewritten, the walk continues into the copies and finds remotes they reference.
 *
 * @throws VendorError, ExternalError (fetching), KustomizationParseError, EntryRewriteError.
 */
export async function vendorRemoteBases(options: VendorOptions): Promise<VendorResult> {
  const { repoDir, startPaths, fetcher, mirrors = [], maxDepth = 8 } = options;
  const root = posix.normalize(repoDir);
  const staging = posix.join(root, VENDOR_DIR, '.staging');
  await rm(staging, { recursive: true, force: true });
  const all: VendorPlan = { sources: [], rewrites: [] };
  const fetched: string[] = [];
  const edited = new Set<string>();

  for (let depth = 0; ; depth++) {
    const found = await findRemoteResources(root, startPaths, nodeTreeReader);
    if (found.remotes.length === 0) break;
    if (depth >= maxDepth) {
      throw new VendorError(
        `vendoring stopped after ${maxDepth} levels of remote bases that reference further remote bases (still remote: ${found.remotes[0]?.entry ?? ''} in ${found.remotes[0]?.file ?? ''}); check for a reference cycle or raise maxDepth`,
      );
    }
    const plan = planVendoring(found);
    const missing = [];
    for (const s of plan.sources)
      if ((await nodeTreeReader.stat(posix.join(root, s.dest))) === undefined) missing.push(s);

    const byCheckout = new Map<string, GitSource[]>();
    for (const s of missing) {
      if (s.kind === 'http') {
        await vendorFile(root, staging, s, fetcher, mirrors);
        fetched.push(s.url);
        continue;
      }
      const key = `${s.repoURL}\n${s.ref ?? ''}`;
      byCheckout.set(key, [...(byCheckout.get(key) ?? []), s]);
    }
    for (const group of byCheckout.values()) {
      await vendorGitSources(root, staging, group, fetcher, mirrors);
      fetched.push(...group.map((s) => s.url));
    }
    for (const file of await applyRewrites(root, plan.rewrites)) edited.add(file);
    all.sources.push(...plan.sources);
    all.rewrites.push(...plan.rewrites);
  }
  await rm(staging, { recursive: true, force: true });
  return { plan: all, fetched: fetched.sort(), editedFiles: [...edited].sort() };
}

async function vendorFile(
  root: string,
  staging: string,
  s: HttpSource,
  fetcher: RemoteFetcher,
  mirrors: readonly Mirror[],
): Promise<void> {
  const body = await fetcher.fetchFile(applyMirrors(s.url, mirrors));
  const tmp = posix.join(staging, `${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await mkdir(tmp, { recursive: true });
  await writeFile(posix.join(tmp, s.fileName), body);
  await writeFile(
    posix.join(tmp, 'kustomization.yaml'),
    `# Vendored by kubeflow-gitops from ${redactUrl(s.url)}\n` +
      "# A directory, not the file itself, so that kustomize's load restrictor accepts it from any kustomization.\n" +
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ${JSON.stringify(s.fileName)}\n`,
  );
  await mkdir(posix.dirname(posix.join(root, s.dest)), { recursive: true });
  await rename(tmp, posix.join(root, s.dest));
}

/** One checkout serves every source of the same repository and ref. */
async function vendorGitSources(
  root: string,
  staging: string,
  group: readonly GitSource[],
  fetcher: RemoteFetcher,
  mirrors: readonly Mirror[],
): Promise<void> {
  const first = group[0];
  if (first === undefined) return;
  await fetcher.withGitCheckout(applyMirrors(first.repoURL, mirrors), first.ref, async (checkout) => {
    for (const s of group) {
      const copyRoot = await copyRootFor(checkout, s);
      const target = posix.join(root, s.repoDest, copyRoot);
      const filter = (src: string): boolean => posix.basename(src) !== '.git';
      if ((await nodeTreeReader.stat(target)) === undefined) {
        // Copy beside the target, then rename: an interrupted run leaves no half-copied source behind.
        const tmp = posix.join(staging, `${Date.now()}-${Math.random().toString(36).slice(2)}`);
        await cp(posix.join(checkout, copyRoot), tmp, { recursive: true, filter, verbatimSymlinks: true });
        await mkdir(posix.dirname(target), { recursive: true });
        await rename(tmp, target);
      } else {
        // An earlier, narrower part of the same repository and ref is there already: add the rest.
        await cp(posix.join(checkout, copyRoot), target, {
          recursive: true,
          force: true,
          filter,
          verbatimSymlinks: true,
        });
      }
    }
  });
}

/**
 * The smallest directory of the checkout holding everything the sub-path's kustomization graph reads:
 * bases often reach siblings (`../crd`), so the sub-path alone would not build.
 */
async function copyRootFor(checkout: string, s: GitSource): Promise<string> {
  const shown = `${redactUrl(s.repoURL)}${s.ref === undefined ? '' : `@${s.ref}`}`;
  let found;
  try {
    found = await findRemoteResources(checkout, [s.subPath === '' ? '.' : s.subPath], nodeTreeReader);
  } catch (e) {
    throw new VendorError(`remote base ${redactUrl(s.url)}: ${(e as Error).message.replace(checkout, shown)}`, {
      cause: e,
    });
  }
  const bad = found.broken[0];
  if (bad !== undefined) {
    const why =
      bad.reason === 'outside-root'
        ? 'points outside the repository'
        : bad.reason === 'missing'
          ? 'names nothing'
          : 'is a directory without a kustomization';
    throw new VendorError(
      `remote base ${redactUrl(s.url)}: entry "${bad.entry}" of ${bad.file} in ${shown} ${why}, so kustomize could not build it either; pick another ref or vendor it by hand`,
    );
  }
  const dirs = [...found.kustomizationFiles, ...found.localFiles].map((f) => posix.dirname(f));
  return commonAncestor(dirs);
}

/** Longest shared leading directory of `/`-separated relative paths; `''` for the root. */
export function commonAncestor(dirs: readonly string[]): string {
  const split = dirs.map((d) => (d === '.' || d === '' ? [] : d.split('/')));
  const first = split[0] ?? [];
  let n = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < n && parts[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join('/');
}

async function applyRewrites(root: string, rewrites: readonly EntryRewrite[]): Promise<string[]> {
  const byFile = new Map<string, EntryRewrite[]>();
  for (const r of rewrites) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  for (const [file, edits] of byFile) {
    const path = posix.join(root, file);
    const text = await readFile(path, 'utf8');
    await writeFile(path, rewriteKustomizationEntries(text, edits, file));
  }
  return [...byFile.keys()];
}
