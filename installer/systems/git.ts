/**
 * The git system: what the fork needs from git (ls-remote, clone, merge, commit, push), run through
 * git-client.ts like every git this tool starts. Credentials never reach process arguments,
 * .git/config, logs or error messages: git-client.ts sends them through the environment, scoped to
 * the fork's URL, and errors are redacted here.
 */
import { mkdir } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { SimpleGit } from 'simple-git';
import type { ChangeLog } from '../core/changes.js';
import { ExitCode, ExternalError, UserError } from '../core/errors.js';
import { redact } from '../core/redact-url.js';
import { gitClient, tokenForms, type GitAuth } from './git-client.js';
import { inspectForkPath, isEmptyDirectory, unwritableForkPath } from './local-fork-path.js';

export { redact, tokenForms, type GitAuth };

export interface Git {
  /** The commit a branch points at on a remote, or undefined when the branch does not exist. */
  remoteBranchSha(url: string, branch: string, auth?: GitAuth): Promise<string | undefined>;
  /** The commit a tag names on a remote, or undefined when the remote has no such tag. */
  remoteTagSha(url: string, tag: string): Promise<string | undefined>;
  /** Full-history clone of one branch (pushable anywhere: never shallow). */
  cloneBranch(url: string, branch: string, dir: string, auth?: GitAuth): Promise<void>;
  /** Full-history clone of a tag, checked out on a new local branch. */
  cloneTag(url: string, tag: string, branch: string, dir: string): Promise<void>;
  /** Fetches a tag into the clone and returns the commit it names. */
  fetchTag(dir: string, url: string, tag: string): Promise<string>;
  isAncestor(dir: string, ancestor: string, descendant: string): Promise<boolean>;
  /** Whether `ancestor` is on the first-parent line of `descendant` (not brought in by a merge). */
  isFirstParentAncestor(dir: string, ancestor: string, descendant: string): Promise<boolean>;
  headSha(dir: string): Promise<string>;
  /** Stages everything and commits; undefined when there was nothing to commit. */
  commitAll(dir: string, message: string): Promise<string | undefined>;
  /** Pushes HEAD to the branch, never forcing. */
  push(dir: string, url: string, branch: string, auth?: GitAuth): Promise<void>;
  /** Creates a bare repository at a local path unless one (or any git repository) is already there. */
  initBareIfMissing(dir: string): Promise<void>;
  /**
   * What is at a local fork path, creating nothing: `missing` (nothing, or an empty directory) or
   * `repository`; a path that is neither, or where none could be created, is refused (exit 2).
   */
  inspectForkPath(dir: string): 'missing' | 'repository';
  /**
   * Merges `commit` into HEAD without committing (`--no-ff --no-commit`), leaving conflicts in the
   * working tree and index for whoever resolves them. Returns the conflicted paths, sorted (empty
   * when the merge went cleanly); a merge that cannot start at all throws.
   */
  mergeNoCommit(dir: string, commit: string): Promise<string[]>;
  /** Whether a merge is in progress (MERGE_HEAD exists). */
  isMerging(dir: string): Promise<boolean>;
  /** Paths that still have unresolved conflicts, sorted. */
  unmergedPaths(dir: string): Promise<string[]>;
  /** A conflicted path's text at a merge stage (1 base, 2 ours, 3 theirs); undefined when that side has no file. */
  conflictStage(dir: string, path: string, stage: 1 | 2 | 3): Promise<string | undefined>;
  /** Stages a path as it is in the working tree (a missing file stages its deletion). */
  stagePath(dir: string, path: string): Promise<void>;
  /** Stages everything and commits even when nothing changed (concludes a merge); returns the commit. */
  commitMerge(dir: string, message: string): Promise<string>;
}

type Client = (dir: string, auth: GitAuth | undefined, url: string | undefined) => SimpleGit;

/** simple-git instances that kill their git (SIGINT) when `signal` aborts, so an interrupted run can clean up. */
const clientsFor =
  (signal: AbortSignal | undefined): Client =>
  (dir, auth, url) =>
    gitClient({ dir, auth, url, signal });

/** A URL safe to print: no userinfo. */
export function displayUrl(url: string): string {
  return redact(url);
}

function wrap(action: string, url: string | undefined, auth: GitAuth | undefined, err: unknown): Error {
  const raw = err instanceof Error ? err.message : String(err);
  const msg = redact(raw, auth?.token ? tokenForms(auth.token.value) : []).trim();
  const where = url ? ` ${displayUrl(url)}` : '';
  if (
    /Authentication failed|could not read Username|HTTP 401|HTTP 403|returned error: 40[13]|Permission denied \(publickey/i.test(
      msg,
    )
  ) {
    const cred = auth?.token
      ? `the token from ${auth.token.source}`
      : auth?.sshKeyPath
        ? `the SSH key ${auth.sshKeyPath}`
        : `no credential (export ${auth?.tokenHint ?? 'a token'} or pass --ssh-key)`;
    return new UserError(
      `git ${action}${where} was refused: authentication failed with ${cred}. Check that it is valid and may write to the fork.`,
    );
  }
  if (/non-fast-forward|fetch first|\[rejected\]/i.test(msg)) {
    return new UserError(
      `git ${action}${where} was rejected: the branch moved on the remote since it was read. Nothing was overwritten; re-run to rebuild on top of it.`,
    );
  }
  return new ExternalError(`git ${action}${where} failed: ${msg.split('\n').slice(-4).join(' ')}`, undefined, {
    cause: err,
  });
}

async function isMerging(client: Client, dir: string): Promise<boolean> {
  const out = await client(dir, undefined, undefined)
    .raw(['rev-parse', '-q', '--verify', 'MERGE_HEAD'])
    .catch(() => '');
  return out.trim() !== '';
}

async function unmergedPaths(client: Client, dir: string): Promise<string[]> {
  const out = await client(dir, undefined, undefined).raw(['ls-files', '--unmerged', '-z']);
  const paths = new Set<string>();
  // Records are "<mode> <sha> <stage>\t<path>", NUL-terminated.
  for (const rec of out.split('\0')) {
    const tab = rec.indexOf('\t');
    if (tab > 0) paths.add(rec.slice(tab + 1));
  }
  return [...paths].sort();
}

export interface GitOptions {
  /** Aborted when the run is interrupted: a running git is killed, the next one refused. */
  readonly signal?: AbortSignal | undefined;
  /** The run's log of changes: each push and each repository created is recorded in it. */
  readonly changes?: ChangeLog | undefined;
}

export function createGit(options: GitOptions = {}): Git {
  const client = clientsFor(options.signal);
  return {
    async remoteBranchSha(url, branch, auth) {
      // An empty directory is where `fork` creates the bare repository: no branch yet.
      if (isAbsolute(url) && isEmptyDirectory(url)) return undefined;
      try {
        const out = await client(process.cwd(), auth, url).listRemote([url, `refs/heads/${branch}`]);
        return out
          .split('\n')
          .map((l) => l.split('\t'))
          .find((p) => p[1] === `refs/heads/${branch}`)?.[0];
      } catch (err) {
        throw wrap('ls-remote', url, auth, err);
      }
    },
    async remoteTagSha(url, tag) {
      try {
        const out = await client(process.cwd(), undefined, url).listRemote([
          url,
          `refs/tags/${tag}`,
          `refs/tags/${tag}^{}`,
        ]);
        const refs = new Map(out.split('\n').map((l) => [l.split('\t')[1], l.split('\t')[0]] as const));
        return refs.get(`refs/tags/${tag}^{}`) ?? refs.get(`refs/tags/${tag}`);
      } catch (err) {
        throw wrap('ls-remote', url, undefined, err);
      }
    },
    async cloneBranch(url, branch, dir, auth) {
      try {
        await client(process.cwd(), auth, url).clone(url, dir, [`--branch=${branch}`, '--single-branch', '--no-tags']);
      } catch (err) {
        throw wrap('clone', url, auth, err);
      }
    },
    async cloneTag(url, tag, branch, dir) {
      try {
        await client(process.cwd(), undefined, url).clone(url, dir, [
          '--no-checkout',
          '--no-tags',
          '--single-branch',
          `--branch=${tag}`,
        ]);
        await client(dir, undefined, undefined)
          .raw(['checkout', '--quiet', '-B', branch, `refs/tags/${tag}^{commit}`])
          .catch(async () => {
            // A clone of a tag records it as FETCH_HEAD-less HEAD; fetch the tag ref explicitly.
            await client(dir, undefined, url).raw(['fetch', '--quiet', url, `refs/tags/${tag}:refs/tags/${tag}`]);
            await client(dir, undefined, undefined).raw([
              'checkout',
              '--quiet',
              '-B',
              branch,
              `refs/tags/${tag}^{commit}`,
            ]);
          });
      } catch (err) {
        throw wrap('clone', url, undefined, err);
      }
    },
    async fetchTag(dir, url, tag) {
      try {
        await client(dir, undefined, url).raw([
          'fetch',
          '--quiet',
          '--no-tags',
          url,
          `+refs/tags/${tag}:refs/tags/${tag}`,
        ]);
        return await client(dir, undefined, undefined).revparse([`refs/tags/${tag}^{commit}`]);
      } catch (err) {
        throw wrap(`fetch of tag ${tag} from`, url, undefined, err);
      }
    },
    async isAncestor(dir, ancestor, descendant) {
      // simple-git resolves a silent non-zero exit, so `merge-base --is-ancestor` cannot be trusted here.
      const git = client(dir, undefined, undefined);
      const [a, base] = await Promise.all([
        git.revparse([`${ancestor}^{commit}`]),
        git.raw(['merge-base', ancestor, descendant]).then(
          (s) => s.trim(),
          () => '',
        ),
      ]);
      return base !== '' && base === a;
    },
    async isFirstParentAncestor(dir, ancestor, descendant) {
      const git = client(dir, undefined, undefined);
      const [a, line] = await Promise.all([
        git.revparse([`${ancestor}^{commit}`]),
        git.raw(['rev-list', '--first-parent', descendant]),
      ]);
      return line.split('\n').includes(a);
    },
    async headSha(dir) {
      return client(dir, undefined, undefined).revparse(['HEAD']);
    },
    async commitAll(dir, message) {
      const git = client(dir, undefined, undefined);
      await git.add(['--all']);
      const status = await git.status();
      if (status.staged.length === 0 && status.files.length === 0) return undefined;
      await git.commit(message);
      return git.revparse(['HEAD']);
    },
    async push(dir, url, branch, auth) {
      try {
        await client(dir, auth, url).push(url, `HEAD:refs/heads/${branch}`);
      } catch (err) {
        throw wrap('push', url, auth, err);
      }
      options.changes?.record(`the fork ${displayUrl(url)}`, `pushed branch ${branch}`);
    },
    async mergeNoCommit(dir, commit) {
      const git = client(dir, undefined, undefined);
      // A conflicted merge exits non-zero with its report on stdout, which simple-git may resolve or
      // reject depending on what reached stderr: judge by the repository state instead.
      let failure: unknown;
      await git
        .raw(['-c', 'merge.conflictStyle=diff3', 'merge', '--no-ff', '--no-commit', '--no-edit', commit])
        .catch((err: unknown) => {
          failure = err;
        });
      if (!(await isMerging(client, dir))) {
        throw new ExternalError(
          `git merge of ${commit.slice(0, 12)} could not start${
            failure === undefined
              ? ''
              : `: ${redact((failure as Error).message)
                  .trim()
                  .split('\n')
                  .slice(-3)
                  .join(' ')}`
          }`,
          undefined,
          { cause: failure },
        );
      }
      return unmergedPaths(client, dir);
    },
    isMerging: (dir) => isMerging(client, dir),
    unmergedPaths: (dir) => unmergedPaths(client, dir),
    async conflictStage(dir, path, stage) {
      const git = client(dir, undefined, undefined);
      const staged = await git.raw(['ls-files', '--unmerged', '-z', '--', path]);
      if (!staged.split('\0').some((rec) => rec.split('\t')[0]?.endsWith(` ${stage}`))) return undefined;
      // `git show` of a blob gives its bytes verbatim (no trimming, unlike revparse output).
      return gitClient({ dir, signal: options.signal, verbatim: true }).raw(['show', `:${stage}:${path}`]);
    },
    async stagePath(dir, path) {
      await client(dir, undefined, undefined).raw(['add', '--all', '--', path]);
    },
    async commitMerge(dir, message) {
      const git = client(dir, undefined, undefined);
      await git.add(['--all']);
      await git.raw(['commit', '--quiet', '--allow-empty', '--no-verify', '-m', message]);
      return git.revparse(['HEAD']);
    },
    inspectForkPath,
    async initBareIfMissing(dir) {
      if (inspectForkPath(dir) === 'repository') return;
      // A missing path and an empty directory are the same request: a new bare repository there.
      await mkdir(dir, { recursive: true }).catch((err: unknown) => {
        throw unwritableForkPath(dir, err);
      });
      await client(dir, undefined, undefined)
        .init(true)
        .catch((err: unknown) => {
          throw new UserError(
            `--fork ${dir}: git could not create a bare repository there (${redact((err as Error).message)
              .trim()
              .split('\n')
              .slice(-1)
              .join('')}); choose a path you can write`,
            ExitCode.usage,
            { cause: err },
          );
        });
      options.changes?.record(dir, 'created a bare repository for the fork');
    },
  };
}
