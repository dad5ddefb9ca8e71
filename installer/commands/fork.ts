/**
 * `fork` and `plan`: choose components, get a working copy of the fork branch, make it hermetic
 * (vendor remote bases), write and rewrite the Argo CD Applications and overlays, commit, push.
 * Every step is an ensure-step, so re-running is the recovery path and a no-op when nothing changed.
 */
import { access, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { resolveComponents, type ResolvedComponent } from '../catalogue/resolve-components.js';
import { ARGOCD_OVERLAY_DIR, FORK_APPS_DIR } from '../constants.js';
import type { Deps } from '../deps.js';
import { UserError } from '../errors.js';
import { prepareWorkspace } from '../execute/prepare-workspace.js';
import { readForkFiles, readTemplates } from '../execute/read-fork-files.js';
import { ensureDexPassword, type DexPassword } from '../execute/ensure-dex-password.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import { buildForkPlan, type ForkPlan } from '../plan/build-fork-plan.js';
import { DEX_CONFIG_FILE } from '../plan/render-dex-user.js';
import { upstreamPathFor } from '../plan/render-overlay.js';
import { displayUrl, type GitAuth } from '../systems/git.js';
import { findRemoteResources } from '../hermetic/find-remote-resources.js';
import { planVendoring } from '../hermetic/vendor-plan.js';
import { applyMirrors, nodeTreeReader, vendorRemoteBases } from '../hermetic/vendor-remote-bases.js';

export interface ForkResult {
  readonly plan: ForkPlan;
  /** The fork as Argo CD reads it, the branch, and the commit it must sync. */
  readonly repoURL: string;
  readonly branch: string;
  readonly revision: string;
  readonly committed: boolean;
  readonly pushed: boolean;
  /** Where a generated admin password was saved (mode 0600), when one was generated. */
  readonly passwordFile?: string | undefined;
  /** The generated password itself, for the wizard to show once on the terminal; never logged. */
  readonly generatedPassword?: string | undefined;
}

export interface Located {
  readonly pushUrl: string;
  readonly repoURL: string;
  readonly auth: GitAuth;
  /** Not there yet (only without `create`): what `fork` will create; `plan` reads it as an empty fork. */
  readonly missing?: string;
}

/** Where the fork lives; with `create`, makes it exist (GitHub fork, local bare repository). */
export async function locateFork(opts: ForkOptions, deps: Deps, create: boolean): Promise<Located> {
  const f = opts.fork;
  const token = await tokenFor(opts, deps);
  const auth: GitAuth = { token, sshKeyPath: opts.sshKey, tokenHint: opts.tokenEnv };
  if (f.kind === 'local') {
    const path = resolve(f.path);
    if (create) await deps.git.initBareIfMissing(path);
    const missing =
      !create &&
      !(await access(path).then(
        () => true,
        () => false,
      ));
    return {
      pushUrl: path,
      repoURL: opts.argocdRepoUrl ?? `file://${path}`,
      auth,
      ...(missing ? { missing: 'fork creates it as a bare repository' } : {}),
    };
  }
  if (f.kind === 'git') return { pushUrl: f.url, repoURL: opts.argocdRepoUrl ?? f.url, auth };
  if (!token)
    throw new UserError(`--github-fork needs a GitHub token: export ${opts.tokenEnv} (a token with "repo" scope)`);
  const fork = create
    ? await deps.github(f.apiUrl).ensureFork(opts.upstream, f.owner, token, f.repoName)
    : await deps.github(f.apiUrl).expectedFork(opts.upstream, f.owner, token, f.repoName);
  return {
    pushUrl: fork.cloneUrl,
    repoURL: opts.argocdRepoUrl ?? fork.cloneUrl,
    auth,
    ...(fork.exists === false ? { missing: `fork creates it as a GitHub fork of ${displayUrl(opts.upstream)}` } : {}),
  };
}

/** The HTTPS token: from the environment, else asked for (masked) when a terminal is there to ask. */
async function tokenFor(opts: ForkOptions, deps: Deps): Promise<{ value: string; source: string } | undefined> {
  const fromEnv = deps.env[opts.tokenEnv];
  if (fromEnv) return { value: fromEnv, source: opts.tokenEnv };
  if (deps.typed?.gitToken) return { value: deps.typed.gitToken, source: 'the prompt' };
  const f = opts.fork;
  const needsToken = f.kind === 'github' || (f.kind === 'git' && /^https?:/.test(f.url) && opts.sshKey === undefined);
  if (!needsToken || !deps.prompter.canPrompt) return undefined;
  const where = f.kind === 'github' ? 'GitHub' : new URL(f.url).host;
  const value = await deps.prompter.secret(`Token for ${where} (input hidden; or export ${opts.tokenEnv})`);
  return { value, source: 'the prompt' };
}

interface Prepared {
  readonly dir: string;
  readonly located: Located;
  readonly components: ResolvedComponent[];
  readonly remoteSha: string | undefined;
  readonly plan: ForkPlan;
  readonly password: DexPassword;
  readonly cleanup: () => Promise<void>;
}

async function prepare(opts: ForkOptions, deps: Deps, execute: boolean, known?: Located): Promise<Prepared> {
  const components = resolveComponents(opts.components, opts.release);
  const located = known ?? (await locateFork(opts, deps, execute));
  const base = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'kubeflow-gitops-'));
  const cleanup = () => rm(base, { recursive: true, force: true });
  try {
    const dir = join(base, 'fork');
    deps.log.step(`reading ${displayUrl(located.pushUrl)} (branch ${opts.branch})`);
    const upstreamFetchUrl = applyMirrors(opts.upstream, opts.mirrors);
    const ws = await prepareWorkspace(
      {
        dir,
        forkPushUrl: located.pushUrl,
        branch: opts.branch,
        upstreamFetchUrl,
        release: opts.release,
        auth: located.auth,
        forkMissing: located.missing !== undefined,
      },
      deps.git,
    );

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
        forkUrl: located.repoURL,
        components,
        oidcIssuer: opts.oidcIssuer,
        dexPasswordHash: password.hash,
        adminEmail: opts.adminEmail,
        dexConfigMap,
      },
      {
        existing,
        templates: await readTemplates(deps.packageRoot, opts.release),
        vendor: { sources: [], rewrites: [] },
      },
    );
    // The plan's files go into the (temporary) working copy first, so vendoring also sees the remote
    // bases they reference (Argo CD's own manifests).
    for (const f of planned.files) {
      await mkdir(dirname(join(dir, f.path)), { recursive: true });
      await writeFile(join(dir, f.path), f.after);
    }
    const startPaths = [...components.map((c) => upstreamPathFor(c, opts.target).path), ARGOCD_OVERLAY_DIR];
    let vendor;
    if (execute) {
      deps.log.step('vendoring remote kustomize bases');
      vendor = (await vendorRemoteBases({ repoDir: dir, startPaths, fetcher: deps.fetcher, mirrors: opts.mirrors }))
        .plan;
    } else {
      vendor = planVendoring(await findRemoteResources(dir, startPaths, nodeTreeReader));
    }
    const missing =
      located.missing === undefined ? [] : [`${displayUrl(located.pushUrl)} does not exist yet: ${located.missing}`];
    const plan = { ...planned, vendor, notes: [...planned.notes, ...missing] };
    return { dir, located, components, remoteSha: ws.remoteSha, plan, password, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** `plan`: everything `fork` would do, done nowhere. */
export async function runPlan(opts: ForkOptions, deps: Deps): Promise<ForkPlan> {
  const prepared = await prepare(opts, deps, false);
  await prepared.cleanup();
  return prepared.plan;
}

export async function runFork(opts: ForkOptions, deps: Deps, located?: Located): Promise<ForkResult> {
  const p = await prepare(opts, deps, true, located);
  try {
    const message =
      `kubeflow-gitops: Kubeflow ${opts.release} for ${opts.target} (${p.components.length} components)\n\n` +
      `Applications in ${FORK_APPS_DIR}/ point at ${p.located.repoURL} ${opts.branch};\n` +
      `remote kustomize bases are vendored under vendor/.`;
    const sha = await deps.git.commitAll(p.dir, message);
    const revision = sha ?? (await deps.git.headSha(p.dir));
    const pushed = revision !== p.remoteSha;
    if (pushed) {
      deps.log.step(`pushing ${opts.branch} to ${displayUrl(p.located.pushUrl)}`);
      await deps.git.push(p.dir, p.located.pushUrl, opts.branch, p.located.auth);
    }
    const passwordFile =
      p.password.generated !== undefined
        ? await savePassword(deps, p.located.repoURL, opts.branch, p.password.generated)
        : undefined;
    return {
      plan: p.plan,
      repoURL: p.located.repoURL,
      branch: opts.branch,
      revision,
      committed: sha !== undefined,
      pushed,
      passwordFile,
      generatedPassword: p.password.generated,
    };
  } finally {
    await p.cleanup();
  }
}

async function savePassword(deps: Deps, repoURL: string, branch: string, password: string): Promise<string> {
  const id = Buffer.from(`${displayUrl(repoURL)}#${branch}`)
    .toString('base64url')
    .slice(-40);
  const file = join(deps.stateDir, 'credentials', `${id}.admin-password`);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return file;
}
