/**
 * The git host system: creates (or finds) a GitHub fork through the REST API. Three endpoints are
 * all this needs, so it uses Node's fetch rather than @octokit/rest (docs/design.md, Libraries, has
 * the measured reasons). The token goes in the Authorization header only and never appears in errors.
 */
import { TOOL } from '../core/constants.js';
import type { ChangeLog } from '../core/changes.js';
import { ExternalError, UserError } from '../core/errors.js';

export interface GitHubFork {
  readonly cloneUrl: string;
  readonly htmlUrl: string;
  readonly created: boolean;
  /** From expectedFork with a token: whether the repository is there yet (undefined: not asked). */
  readonly exists?: boolean;
}

export interface GitHost {
  /** Ensures `owner` has a fork of the upstream repository and that it is ready to receive pushes. */
  ensureFork(
    upstreamUrl: string,
    owner: string,
    token: { value: string; source: string },
    repoName?: string,
  ): Promise<GitHubFork>;
  /** Where the fork is or would be, without creating anything (for `plan`); with a token, whether it exists. */
  expectedFork(
    upstreamUrl: string,
    owner: string,
    token: { value: string; source: string } | undefined,
    repoName?: string,
  ): Promise<GitHubFork>;
}

export interface GitHubOptions {
  readonly apiUrl: string;
  /** How long to wait for GitHub to finish creating a fork (it is asynchronous). */
  readonly readyTimeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The run's log of changes: a fork created is recorded in it. */
  readonly changes?: ChangeLog | undefined;
}

interface RepoJson {
  clone_url: string;
  html_url: string;
  fork: boolean;
  parent?: { full_name: string };
  size?: number;
}

/** owner/repo of a github.com URL (https or ssh), or undefined. */
export function githubRepoOf(url: string): { owner: string; repo: string } | undefined {
  const m = /github\.com[/:]([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
  return m?.[1] !== undefined && m[2] !== undefined ? { owner: m[1], repo: m[2] } : undefined;
}

/** A repository of that name that is not a fork of the upstream is someone's own: never pushed to here. */
function refuseNonFork(repo: RepoJson, up: { owner: string; repo: string }, owner: string, name: string): void {
  if (repo.fork && repo.parent?.full_name.toLowerCase() === `${up.owner}/${up.repo}`.toLowerCase()) return;
  throw new UserError(
    `${owner}/${name} exists on GitHub but is not a fork of ${up.owner}/${up.repo}; nothing was changed. Pass --github-repo-name to use another name, or --fork ${repo.clone_url} to push to it anyway.`,
  );
}

export function createGitHub(options: GitHubOptions): GitHost {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const api = options.apiUrl.replace(/\/$/, '');

  async function call(
    method: string,
    path: string,
    token: { value: string; source: string },
    body?: object,
  ): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${api}${path}`, {
        method,
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${token.value}`,
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': TOOL,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : null,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new ExternalError(`cannot reach the GitHub API at ${api}: ${(err as Error).message}`, undefined, {
        cause: err,
      });
    }
    if (res.status === 401)
      throw new UserError(
        `GitHub rejected the token from ${token.source} (401 Bad credentials): create a token with "repo" scope and export it as ${token.source}`,
      );
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json };
  }

  return {
    async expectedFork(upstreamUrl, owner, token, repoName) {
      const up = githubRepoOf(upstreamUrl);
      if (!up) throw new UserError(`--github-fork needs a github.com --upstream; "${upstreamUrl}" is not one`);
      const host = new URL(upstreamUrl.startsWith('http') ? upstreamUrl : 'https://github.com').host;
      const name = repoName ?? up.repo;
      const expected = {
        cloneUrl: `https://${host}/${owner}/${name}.git`,
        htmlUrl: `https://${host}/${owner}/${name}`,
        created: false,
      };
      if (token === undefined) return expected;
      const res = await call('GET', `/repos/${owner}/${name}`, token);
      if (res.status === 404) {
        // Where GitHub will put the fork: beside the upstream, on the host its API names (the fork's
        // URL is written into the Applications before the fork is created, at the end of the run).
        const upstream = await call('GET', `/repos/${up.owner}/${up.repo}`, token);
        const base = upstream.status === 200 ? (upstream.json as RepoJson).clone_url : undefined;
        const beside = base?.replace(/[^/]+\/[^/]+$/, `${owner}/${name}.git`);
        return {
          ...expected,
          ...(beside !== undefined && beside !== base
            ? { cloneUrl: beside, htmlUrl: beside.replace(/\.git$/, '') }
            : {}),
          exists: false,
        };
      }
      if (res.status !== 200) throw new ExternalError(`GitHub answered HTTP ${res.status} for ${owner}/${name}`);
      const repo = res.json as RepoJson;
      refuseNonFork(repo, up, owner, name);
      return { cloneUrl: repo.clone_url, htmlUrl: repo.html_url, created: false, exists: true };
    },
    async ensureFork(upstreamUrl, owner, token, repoName) {
      const up = githubRepoOf(upstreamUrl);
      if (!up)
        throw new UserError(
          `--github-fork needs a github.com --upstream; "${upstreamUrl}" is not one (use --fork with any git URL instead)`,
        );
      const name = repoName ?? up.repo;
      const existing = await call('GET', `/repos/${owner}/${name}`, token);
      let created = false;
      if (existing.status === 404) {
        const user = await call('GET', '/user', token);
        const login = (user.json as { login?: string } | undefined)?.login;
        const body: Record<string, unknown> = { default_branch_only: false };
        if (login !== undefined && login.toLowerCase() !== owner.toLowerCase()) body.organization = owner;
        if (repoName !== undefined) body.name = repoName;
        const res = await call('POST', `/repos/${up.owner}/${up.repo}/forks`, token, body);
        if (res.status === 403 || res.status === 404) {
          throw new UserError(
            `GitHub refused to fork ${up.owner}/${up.repo} into ${owner} (HTTP ${res.status}): check that the token from ${token.source} may create repositories there`,
          );
        }
        if (res.status !== 202 && res.status !== 200)
          throw new ExternalError(`GitHub fork of ${up.owner}/${up.repo} failed with HTTP ${res.status}`);
        created = true;
        options.changes?.record(`GitHub (${api})`, `created the fork ${owner}/${name}`);
      } else if (existing.status === 200) {
        refuseNonFork(existing.json as RepoJson, up, owner, name);
      } else {
        throw new ExternalError(`GitHub answered HTTP ${existing.status} for ${owner}/${name}`);
      }
      // Forking is asynchronous: the repository answers before its git data is ready.
      const deadline = Date.now() + (options.readyTimeoutMs ?? 300_000);
      for (let delay = 1000; ; delay = Math.min(delay * 2, 10_000)) {
        const res = await call('GET', `/repos/${owner}/${name}`, token);
        if (res.status === 200) {
          const repo = res.json as RepoJson;
          return { cloneUrl: repo.clone_url, htmlUrl: repo.html_url, created };
        }
        if (Date.now() > deadline)
          throw new ExternalError(
            `GitHub did not finish creating the fork ${owner}/${name} in time; re-run to continue`,
          );
        await sleep(delay);
      }
    },
  };
}
