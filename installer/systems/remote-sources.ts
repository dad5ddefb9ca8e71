/**
 * Fetching remote kustomize sources: git repositories (through git-client.ts, like every git this
 * tool runs) and plain files (through http(s), or `file://` for local mirrors). The vendoring step
 * receives this as a dependency. Upstreams are public, so no credentials are sent; any in a URL are
 * masked in messages and in the errors' causes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitPluginError } from 'simple-git';
import { ExternalError } from '../core/errors.js';
import { redactUrl } from '../core/redact-url.js';
import { gitClient } from './git-client.js';

/** What vendoring needs from the outside world. */
export interface RemoteFetcher {
  /**
   * Fetches `ref` (tag, branch or commit; the default branch when undefined) of `repoURL` at depth 1,
   * checks it out into a fresh temporary directory, runs `use` on that directory and removes it.
   */
  withGitCheckout<T>(repoURL: string, ref: string | undefined, use: (checkoutDir: string) => Promise<T>): Promise<T>;
  /** Downloads one file over http(s), or reads it for a `file://` URL. */
  fetchFile(url: string): Promise<Buffer>;
}

export interface RemoteFetcherOptions {
  /**
   * Per git command, while it writes nothing (every command here is quiet until it ends, so this
   * bounds the whole command). Default 5 minutes: a first fetch of a large repository over a slow link.
   */
  gitTimeoutMs?: number;
  /** Per file download. Default 2 minutes. */
  httpTimeoutMs?: number;
  /** Aborted when the run is interrupted: a running git or download stops, and its checkout is removed. */
  signal?: AbortSignal | undefined;
}

/** git and global fetch, as a {@link RemoteFetcher}. */
export function createRemoteFetcher(options: RemoteFetcherOptions = {}): RemoteFetcher {
  const gitTimeout = options.gitTimeoutMs ?? 300_000;
  const httpTimeout = options.httpTimeoutMs ?? 120_000;

  const git = async (dir: string, args: string[], what: string): Promise<void> => {
    try {
      // Never wait on a credential prompt (anonymous): a repository that asks for one is not public.
      // simple-git settles once git has exited, so a checkout is removed only after its git is gone.
      await gitClient({ dir, signal: options.signal, silenceTimeoutMs: gitTimeout, anonymous: true }).raw(args);
    } catch (e) {
      throw gitError(e, what, gitTimeout);
    }
  };

  return {
    async withGitCheckout(repoURL, ref, use) {
      const dir = await mkdtemp(join(tmpdir(), 'kfg-remote-'));
      const shown = `${redactUrl(repoURL)}${ref === undefined ? '' : `@${ref}`}`;
      try {
        await git(dir, ['init', '--quiet'], `preparing a checkout of ${shown}`);
        await git(dir, ['remote', 'add', 'origin', repoURL], `preparing a checkout of ${shown}`);
        // One shallow fetch of exactly the ref: works for tags, branches and (where the server allows it,
        // as GitHub does) commit ids, over smart HTTP, ssh and file://.
        await git(dir, ['fetch', '--quiet', '--depth', '1', '--no-tags', 'origin', ref ?? 'HEAD'], `fetching ${shown}`);
        await git(
          dir,
          ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', 'FETCH_HEAD'],
          `checking out ${shown}`,
        );
        return await use(dir);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async fetchFile(url) {
      if (url.startsWith('file://')) {
        try {
          return await readFile(fileURLToPath(url));
        } catch (e) {
          throw new ExternalError(
            `reading ${url} failed: ${(e as Error).message}; check the mirror that maps to this path`,
            undefined,
            { cause: e },
          );
        }
      }
      const shown = redactUrl(url);
      let res: Response;
      try {
        const timeout = AbortSignal.timeout(httpTimeout);
        res = await fetch(url, {
          signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
          redirect: 'follow',
        });
      } catch (e) {
        const why =
          (e as Error).name === 'TimeoutError' ? `no answer within ${httpTimeout / 1000} s` : describeCause(e);
        throw new ExternalError(
          `downloading ${shown} failed: ${why}; check the network, proxy settings or the mirror for this URL`,
          undefined,
          { cause: e },
        );
      }
      if (!res.ok) {
        throw new ExternalError(
          `downloading ${shown} failed: HTTP ${res.status} ${res.statusText}; check that the URL exists (release assets need an exact tag) or fix the mirror`,
        );
      }
      return Buffer.from(await res.arrayBuffer());
    },
  };
}

function describeCause(e: unknown): string {
  const cause = (e as { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message;
  return e instanceof Error ? e.message : String(e);
}

function gitError(e: unknown, what: string, timeout: number): ExternalError {
  // simple-git's message is git's stderr (URLs in it may carry user info); its error also holds the
  // argv, URL included, so the cause is rebuilt from redacted text.
  const text = redactUrl((e instanceof Error ? e.message : String(e)).trim());
  const cause = new Error(text);
  if (e instanceof GitPluginError && e.plugin === 'timeout')
    return new ExternalError(
      `${what} failed: git gave no result within ${timeout / 1000} s; check the network or use a mirror`,
      undefined,
      { cause },
    );
  if (e instanceof GitPluginError && e.plugin === 'abort')
    return new ExternalError(`${what} was interrupted`, undefined, { cause });
  if (/spawn git ENOENT/.test(text))
    return new ExternalError(`${what} failed: git is not installed; install git and put it on PATH`, undefined, {
      cause,
    });
  return new ExternalError(
    `${what} failed: ${text}; check that the repository and ref exist and are public, or fix the mirror`,
    undefined,
    { cause },
  );
}
