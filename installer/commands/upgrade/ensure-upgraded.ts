/**
 * The ensure-steps of an upgrade, run in a working copy that already holds the new release (merged):
 * plan from the fork's own files, write the plan, vendor remote bases again, drop vendored sources
 * nothing uses. Each step works from what is on disk, so running it twice changes nothing the
 * second time; with `execute` false nothing is fetched and the plan is only computed.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Release } from '../../catalogue/releases.js';
import { ARGOCD_OVERLAY_DIR } from '../../core/constants.js';
import type { Deps } from '../../deps.js';
import { UserError } from '../../core/errors.js';
import { ensureDexPassword } from '../../steps/ensure-dex-password.js';
import { readForkFiles, readTemplates } from '../../steps/read-fork-files.js';
import type { ForkOptions } from '../../inputs/fork-options.js';
import { dexPasswordFile } from '../../plan/render-overlay.js';
import { findRemoteResources } from '../../hermetic/find-remote-resources.js';
import { planVendoring } from '../../hermetic/vendor-plan.js';
import { nodeTreeReader, vendorRemoteBases } from '../../hermetic/vendor-remote-bases.js';
import { ensureRegistryRewrites, forkRegistry } from '../../steps/ensure-registry-rewrites.js';
import { buildUpgradePlan, upgradeSelection, type UpgradePlan } from './build-upgrade-plan.js';
import { findUnusedVendorRoots, removeVendorRoots } from './prune-vendor.js';
import { isTopLevelAppFile, readInstallation } from './read-installation.js';

export interface EnsureInputs {
  readonly dir: string;
  readonly from: Release;
  readonly to: Release;
  readonly opts: ForkOptions;
  /** The fork as Argo CD reads it, and as shown in messages. */
  readonly repoURL: string;
  readonly shown: string;
  /** Write, vendor and prune; otherwise only plan. */
  readonly execute: boolean;
}

export async function ensureUpgraded(inputs: EnsureInputs, deps: Deps): Promise<UpgradePlan> {
  const { dir, from, to, opts } = inputs;
  const existing = await readForkFiles(dir);
  const installation = readInstallation(existing, inputs.shown);
  const plan = buildUpgradePlan(
    {
      from,
      to,
      installation,
      branch: opts.branch,
      upstreamUrl: opts.upstream,
      forkUrl: inputs.repoURL,
      dexPasswordHash: await dexHashIfNeeded(opts, installation, to, existing, deps.env),
    },
    {
      existing,
      fromTemplates: await readTemplates(deps.packageRoot, from),
      toTemplates: await readTemplates(deps.packageRoot, to),
    },
  );

  if (inputs.execute) {
    for (const f of plan.files) {
      const path = join(dir, f.path);
      if (f.after === undefined) {
        await rm(path, { force: true });
        await removeEmptyParents(dir, dirname(path));
      } else {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, f.after);
      }
    }
  }
  const startPaths = [...plan.selection.map((c) => c.upstreamPath), ARGOCD_OVERLAY_DIR];
  let vendor;
  if (inputs.execute) {
    deps.log.step('vendoring remote kustomize bases of the new release');
    vendor = (await vendorRemoteBases({ repoDir: dir, startPaths, fetcher: deps.fetcher, mirrors: opts.mirrors })).plan;
  } else {
    vendor = planVendoring(await findRemoteResources(dir, startPaths, nodeTreeReader));
  }
  // The registry rewrites are derived from the release: written again for the new one, same registry.
  const registry = inputs.execute ? await forkRegistry(dir, installation.target) : undefined;
  if (registry !== undefined)
    await ensureRegistryRewrites(
      deps,
      dir,
      { registry, release: to, target: installation.target },
      plan.selection.map((c) => c.name),
    );
  const appPaths = sourcePaths(inputs.execute ? await readForkFiles(dir) : withPlan(existing, plan));
  const unused = await findUnusedVendorRoots(dir, appPaths);
  if (inputs.execute) await removeVendorRoots(dir, unused);
  return { ...plan, vendor, vendorRemoved: unused };
}

/**
 * Only when the upgrade brings Dex in and the fork has no password hash for it yet: the password must
 * be the user's (KFG_ADMIN_PASSWORD), since an upgrade has nowhere safe to show a generated one.
 */
async function dexHashIfNeeded(
  opts: ForkOptions,
  installation: ReturnType<typeof readInstallation>,
  to: Release,
  existing: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const selection = upgradeSelection(installation.components, to);
  if (!selection.some((c) => c.spec.name === 'dex') || existing.has(dexPasswordFile(installation.target)))
    return undefined;
  const pw = await ensureDexPassword(
    { ...opts, target: installation.target, adminPasswordFile: undefined },
    selection,
    existing,
    env,
  );
  if (pw.generated !== undefined) {
    throw new UserError(
      `Kubeflow ${to} brings in Dex for this selection and the fork has no admin password for it yet: export KFG_ADMIN_PASSWORD (12 or more characters) and run the upgrade again`,
    );
  }
  return pw.hash;
}

function withPlan(existing: ReadonlyMap<string, string>, plan: UpgradePlan): Map<string, string> {
  const out = new Map(existing);
  for (const f of plan.files) {
    if (f.after === undefined) out.delete(f.path);
    else out.set(f.path, f.after);
  }
  return out;
}

/** The `path` of every source of every child Application (any repository: a foreign path just finds nothing). */
function sourcePaths(files: ReadonlyMap<string, string>): string[] {
  const out = new Set<string>();
  for (const [path, text] of files) {
    if (!isTopLevelAppFile(path)) continue;
    for (const doc of parseAllDocuments(text)) {
      const spec = (
        doc.errors.length === 0
          ? (doc.toJS() as { spec?: { source?: { path?: unknown }; sources?: { path?: unknown }[] } } | null)
          : null
      )?.spec;
      for (const s of [spec?.source, ...(spec?.sources ?? [])]) {
        if (typeof s?.path === 'string' && !s.path.startsWith('/') && !s.path.split('/').includes('..'))
          out.add(s.path);
      }
    }
  }
  return [...out].sort();
}

async function removeEmptyParents(root: string, dir: string): Promise<void> {
  for (let d = dir; d.startsWith(`${root}/`); d = dirname(d)) {
    const left = await readdir(d).catch(() => ['?']);
    if (left.length > 0) return;
    await rm(d, { recursive: true, force: true });
  }
}
