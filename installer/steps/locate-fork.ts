/**
 * From what the flags say about the fork (a `ForkSpec`: a git URL, a local path or a GitHub owner) to
 * a `ForkRemote`: where to push, the URL Argo CD reads, and the credentials. Every command that
 * touches the fork starts here, once per run.
 */
import { resolve } from 'node:path';
import type { Deps } from '../deps.js';
import { ExternalError, UserError } from '../core/errors.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import { displayUrl, type GitAuth } from '../systems/git.js';

/** The fork as git and Argo CD reach it. */
export interface ForkRemote {
  readonly pushUrl: string;
  /** The URL Argo CD reads the fork from. */
  readonly repoURL: string;
  readonly auth: GitAuth;
  /** Not there yet: what `fork` will create (createForkIfMissing); `plan` reads it as an empty fork. */
  readonly missing?: string;
}

/**
 * Where the fork is, creating nothing: a run creates the fork only when everything before its first
 * push has worked (createForkIfMissing), so a run that fails leaves no repository behind.
 */
export async function locateFork(opts: ForkOptions, deps: Deps): Promise<ForkRemote> {
  const f = opts.fork;
  // Argo CD reads a local path with file://, which takes no credential: none goes into the cluster,
  // even when a token is in the environment for something else (the local cluster's git server).
  const token = f.kind === 'local' && opts.argocdRepoUrl === undefined ? undefined : await tokenFor(opts, deps);
  const auth: GitAuth = { token, sshKeyPath: opts.sshKey, tokenHint: opts.tokenEnv };
  if (f.kind === 'local') {
    const path = resolve(f.path);
    const missing = deps.git.inspectForkPath(path) === 'missing';
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
  const fork = await deps.github(f.apiUrl).expectedFork(opts.upstream, f.owner, token, f.repoName);
  return {
    pushUrl: fork.cloneUrl,
    repoURL: opts.argocdRepoUrl ?? fork.cloneUrl,
    auth,
    ...(fork.exists === false ? { missing: `fork creates it as a GitHub fork of ${displayUrl(opts.upstream)}` } : {}),
  };
}

/**
 * Makes the fork exist where locateFork found none (a bare repository at the local path, the GitHub
 * fork through the API; an existing GitHub fork is checked again). The step right before the first
 * push: every check, the clone, the rewrite and the vendoring have passed by then.
 */
export async function createForkIfMissing(opts: ForkOptions, deps: Deps, remote: ForkRemote): Promise<ForkRemote> {
  const f = opts.fork;
  const found: ForkRemote = { pushUrl: remote.pushUrl, repoURL: remote.repoURL, auth: remote.auth };
  if (f.kind === 'git') return remote;
  if (f.kind === 'local') {
    if (remote.missing !== undefined) await deps.git.initBareIfMissing(remote.pushUrl);
    return found;
  }
  const token = remote.auth.token;
  if (!token)
    throw new UserError(`--github-fork needs a GitHub token: export ${opts.tokenEnv} (a token with "repo" scope)`);
  const fork = await deps.github(f.apiUrl).ensureFork(opts.upstream, f.owner, token, f.repoName);
  if (fork.cloneUrl !== remote.pushUrl)
    throw new ExternalError(
      `GitHub has the fork at ${displayUrl(fork.cloneUrl)}, not at ${displayUrl(remote.pushUrl)} where it was expected; nothing was pushed: run the same command again`,
    );
  return found;
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
