/**
 * From what the flags say about the fork (a `ForkSpec`: a git URL, a local path or a GitHub owner) to
 * a `ForkRemote`: where to push, the URL Argo CD reads, and the credentials. Every command that
 * touches the fork starts here, once per run.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Deps } from '../deps.js';
import { UserError } from '../errors.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import { displayUrl, type GitAuth } from '../systems/git.js';

/** The fork as git and Argo CD reach it. */
export interface ForkRemote {
  readonly pushUrl: string;
  /** The URL Argo CD reads the fork from. */
  readonly repoURL: string;
  readonly auth: GitAuth;
  /** Not there yet (only when not created): what `fork` will create; `plan` reads it as an empty fork. */
  readonly missing?: string;
}

export interface LocateOptions {
  /** Make the fork exist (a GitHub fork, a local bare repository); otherwise only look. */
  readonly create: boolean;
}

export async function locateFork(opts: ForkOptions, deps: Deps, how: LocateOptions): Promise<ForkRemote> {
  const f = opts.fork;
  // Argo CD reads a local path with file://, which takes no credential: none goes into the cluster,
  // even when a token is in the environment for something else (the local cluster's git server).
  const token = f.kind === 'local' && opts.argocdRepoUrl === undefined ? undefined : await tokenFor(opts, deps);
  const auth: GitAuth = { token, sshKeyPath: opts.sshKey, tokenHint: opts.tokenEnv };
  if (f.kind === 'local') {
    const path = resolve(f.path);
    if (how.create) await deps.git.initBareIfMissing(path);
    const missing = !how.create && !(await exists(path));
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
  const github = deps.github(f.apiUrl);
  const fork = how.create
    ? await github.ensureFork(opts.upstream, f.owner, token, f.repoName)
    : await github.expectedFork(opts.upstream, f.owner, token, f.repoName);
  return {
    pushUrl: fork.cloneUrl,
    repoURL: opts.argocdRepoUrl ?? fork.cloneUrl,
    auth,
    ...(fork.exists === false ? { missing: `fork creates it as a GitHub fork of ${displayUrl(opts.upstream)}` } : {}),
  };
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

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
