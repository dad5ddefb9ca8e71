/**
 * The fork's working copy for one run: cloned once into a temporary directory, then changed in place
 * by the fork plan (Applications, overlays, the Dex user) and made hermetic (remote kustomize bases
 * copied under vendor/). Nothing remote changes here; publish-fork.ts commits and pushes.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ResolvedComponent } from '../catalogue/resolve-components.js';
import { ARGOCD_OVERLAY_DIR } from '../core/constants.js';
import type { Deps } from '../deps.js';
import { ensureDexPassword, type DexPassword } from './ensure-dex-password.js';
import type { ForkRemote } from './locate-fork.js';
import { prepareWorkspace } from './prepare-workspace.js';
import { readForkFiles, readTemplates } from './read-fork-files.js';
import { UserError } from '../core/errors.js';
import { findRemoteResources } from '../hermetic/find-remote-resources.js';
import { planVendoring, type VendorPlan } from '../hermetic/vendor-plan.js';
import { applyMirrors, nodeTreeReader, vendorRemoteBases } from '../hermetic/vendor-remote-bases.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import { buildForkPlan, type ForkPlan } from '../plan/build-fork-plan.js';
import { DEX_CONFIG_FILE } from '../plan/render-dex-user.js';
import { OAUTH2_PROXY_CFG } from '../plan/render-oauth2-proxy-login.js';
import { upstreamPathFor } from '../plan/render-overlay.js';
import { ensureRegistryRewrites } from '../steps/ensure-registry-rewrites.js';
import { displayUrl } from '../systems/git.js';

export interface ForkWorkspace {
  readonly dir: string;
  /** The branch's commit on the fork before this run, or undefined for a new branch. */
  readonly remoteSha: string | undefined;
  /** Removes the working copy; safe to call more than once. */
  readonly cleanup: () => Promise<void>;
}

/** A working copy of the fork branch (or of the upstream release, for a new branch). */
export async function openForkWorkspace(opts: ForkOptions, deps: Deps, remote: ForkRemote): Promise<ForkWorkspace> {
  const base = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'kubeflow-gitops-'));
  const cleanup = () => rm(base, { recursive: true, force: true });
  try {
    const dir = join(base, 'fork');
    deps.log.step(`reading ${displayUrl(remote.pushUrl)} (branch ${opts.branch})`);
    const ws = await prepareWorkspace(
      {
        dir,
        forkPushUrl: remote.pushUrl,
        branch: opts.branch,
        upstreamFetchUrl: applyMirrors(opts.upstream, opts.mirrors),
        release: opts.release,
        auth: remote.auth,
        forkMissing: remote.missing !== undefined,
      },
      deps.git,
    );
    return { dir, remoteSha: ws.remoteSha, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export interface ForkChanges {
  readonly plan: ForkPlan;
  readonly password: DexPassword;
}

export interface ChangeOptions {
  /** `fetch` copies the remote bases into vendor/; `preview` only says which it would copy. */
  readonly vendoring: 'fetch' | 'preview';
}

/** Writes the fork plan's files into the working copy and vendors (or previews) the remote bases. */
export async function writeForkChanges(
  opts: ForkOptions,
  deps: Deps,
  ws: ForkWorkspace,
  remote: ForkRemote,
  components: readonly ResolvedComponent[],
  how: ChangeOptions,
): Promise<ForkChanges> {
  const { planned, password } = await planFork(opts, deps, ws.dir, remote, components);
  // The plan's files go into the (temporary) working copy first, so vendoring also sees the remote
  // bases they reference (Argo CD's own manifests).
  for (const f of planned.files) {
    await mkdir(dirname(join(ws.dir, f.path)), { recursive: true });
    await writeFile(join(ws.dir, f.path), f.after);
  }
  const startPaths = [...components.map((c) => upstreamPathFor(c, opts.target).path), ARGOCD_OVERLAY_DIR];
  const vendor = await hermeticize(opts, deps, ws.dir, startPaths, how);
  // The rewrites are derived from renders, which need the vendored bases: a preview has none.
  if (opts.registry !== undefined && how.vendoring === 'fetch')
    await ensureRegistryRewrites(
      deps,
      ws.dir,
      { ...opts, registry: opts.registry },
      components.map((c) => c.spec.name),
    );
  return { plan: { ...planned, vendor }, password };
}

async function planFork(
  opts: ForkOptions,
  deps: Deps,
  dir: string,
  remote: ForkRemote,
  components: readonly ResolvedComponent[],
): Promise<{ planned: ForkPlan; password: DexPassword }> {
  const existing = await readForkFiles(dir);
  const password = await ensureDexPassword(opts, components, existing, deps.env, deps.typed?.adminPassword);
  const dex = components.find((c) => c.spec.name === 'dex');
  const dexConfigMap = dex
    ? await readFile(join(dir, dex.path, DEX_CONFIG_FILE), 'utf8').catch(() => undefined)
    : undefined;
  const planned = buildForkPlan(
    {
      release: opts.release,
      target: opts.target,
      footprint: opts.footprint,
      branch: opts.branch,
      upstreamUrl: opts.upstream,
      forkUrl: remote.repoURL,
      components,
      oidcIssuer: opts.oidcIssuer,
      dexPasswordHash: password.hash,
      adminEmail: opts.adminEmail,
      dexConfigMap,
      login: opts.login,
      oauth2ProxyCfg: opts.login ? await readOauth2ProxyCfg(dir, components) : undefined,
      idpCa: await readIdpCa(opts.login?.provider?.caFile),
    },
    {
      existing,
      templates: await readTemplates(deps.packageRoot, opts.release),
      vendor: { sources: [], rewrites: [] },
    },
  );
  return { planned, password };
}

/** The provider's CA bundle (--idp-ca-file): public certificates, rendered into the fork beside the login. */
async function readIdpCa(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const pem = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new UserError(`--idp-ca-file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  });
  if (!pem.includes('-----BEGIN CERTIFICATE-----') || pem.includes('PRIVATE KEY'))
    throw new UserError(`--idp-ca-file ${file}: must hold PEM certificates only (and never a private key)`);
  return pem;
}

/** Upstream's oauth2_proxy.cfg in the fork: in the base under the oauth2-proxy component's overlay. */
async function readOauth2ProxyCfg(dir: string, components: readonly ResolvedComponent[]): Promise<string | undefined> {
  const c = components.find((x) => x.spec.name === 'oauth2-proxy');
  if (c === undefined) return undefined;
  return readFile(join(dir, c.path, '..', '..', 'base', OAUTH2_PROXY_CFG), 'utf8').catch(() => undefined);
}

async function hermeticize(
  opts: ForkOptions,
  deps: Deps,
  dir: string,
  startPaths: string[],
  how: ChangeOptions,
): Promise<VendorPlan> {
  if (how.vendoring === 'preview') return planVendoring(await findRemoteResources(dir, startPaths, nodeTreeReader));
  deps.log.step('vendoring remote kustomize bases');
  return (await vendorRemoteBases({ repoDir: dir, startPaths, fetcher: deps.fetcher, mirrors: opts.mirrors })).plan;
}
