/**
 * Classifies one entry of a kustomization's `resources`, `bases` or `components` the way kustomize
 * (v5) does: a git repository (optionally a sub-path at a ref), a plain file fetched over http(s), or a
 * local path. Pure; no I/O.
 */

/** A kustomize remote base in a git repository. */
export interface GitRemote {
  kind: 'git';
  /** What to clone, without sub-path or query: `https://github.com/org/repo`, `git@github.com:org/repo.git`. */
  repoURL: string;
  /** Host name without user or port: `github.com`. */
  host: string;
  /** Everything between host and repository name; several segments on hosts with groups (`group/sub`). */
  owner: string;
  /** Repository name without a `.git` suffix. */
  repo: string;
  /** Directory inside the repository, no leading or trailing slash; `''` for the repository root. */
  subPath: string;
  /** `?ref=` (or its alias `?version=`); undefined means the remote's default branch. */
  ref: string | undefined;
}

/** A single file that kustomize downloads over http(s). */
export interface HttpRemote {
  kind: 'http';
  url: string;
}

export interface LocalEntry {
  kind: 'local';
}

export type KustomizeEntry = GitRemote | HttpRemote | LocalEntry;

/** A remote entry that kustomize would treat as remote but that cannot be vendored as written. */
export class RemoteUrlError extends Error {
  override readonly name = 'RemoteUrlError';
}

const FILE_SUFFIX = /\.(?:ya?ml|json)$/i;
const SCP_LIKE = /^(?<user>[\w.-]+)@(?<host>[\w.-]+):(?<path>[^/].*)$/;

/**
 * Parses one kustomization entry.
 *
 * Recognised remote forms (kustomize's own): `https://`, `http://`, `ssh://` and `file://` URLs, the
 * `git::` prefix, scp-like `git@host:org/repo`, and scheme-less `github.com/org/repo`. The repository
 * ends at `//`, else after a `.git` segment, else after `_git/<repo>` (Azure DevOps), else (github.com
 * only) after the first two path segments. An http(s) URL whose path ends in .yaml/.yml/.json or runs
 * through `/releases/download/`, with no `//` sub-path and no `ref`, is a plain file.
 *
 * @throws RemoteUrlError when the entry looks remote but names no repository.
 */
export function parseKustomizeEntry(entry: string): KustomizeEntry {
  let raw = entry.trim();
  const forcedGit = raw.startsWith('git::');
  if (forcedGit) raw = raw.slice('git::'.length);

  if (raw.startsWith('github.com/')) raw = `https://${raw}`;

  const scp = SCP_LIKE.exec(raw);
  if (scp?.groups && !raw.includes('://')) {
    const { user = '', host = '', path = '' } = scp.groups;
    const { pathPart, query } = splitQuery(path);
    return gitRemote(`${user}@${host}:`, host, pathPart, query, entry);
  }

  const scheme = /^(?<scheme>[a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.groups?.scheme?.toLowerCase();
  if (scheme === undefined) {
    if (forcedGit)
      throw new RemoteUrlError(
        `kustomize entry "${entry}": "git::" must be followed by a URL; write e.g. git::https://host/org/repo//path?ref=TAG`,
      );
    return { kind: 'local' };
  }
  if (!['https', 'http', 'ssh', 'file'].includes(scheme)) {
    throw new RemoteUrlError(
      `kustomize entry "${entry}": scheme "${scheme}" is not one kustomize fetches; use https://, ssh:// or git@host:org/repo`,
    );
  }

  const { pathPart: noQuery, query } = splitQuery(raw);
  const afterScheme = noQuery.slice(scheme.length + 3);
  const slash = afterScheme.indexOf('/');
  const authority = slash < 0 ? afterScheme : afterScheme.slice(0, slash);
  const path = slash < 0 ? '' : afterScheme.slice(slash + 1);
  const host = authority.replace(/^.*@/, '').replace(/:\d+$/, '');

  if ((scheme === 'https' || scheme === 'http') && !forcedGit && isPlainFile(path, query)) {
    return { kind: 'http', url: entry.trim() };
  }
  return gitRemote(`${scheme}://${authority}/`, scheme === 'file' ? 'localhost' : host, path, query, entry);
}

function isPlainFile(path: string, query: URLSearchParams): boolean {
  if (path.includes('//') || query.has('ref') || query.has('version')) return false;
  return FILE_SUFFIX.test(path) || /(?:^|\/)releases\/download\//.test(path);
}

function splitQuery(s: string): { pathPart: string; query: URLSearchParams } {
  const q = s.indexOf('?');
  return q < 0
    ? { pathPart: s, query: new URLSearchParams() }
    : { pathPart: s.slice(0, q), query: new URLSearchParams(s.slice(q + 1)) };
}

/** `prefix` is everything before the repository path, e.g. `https://github.com/` or `git@github.com:`. */
function gitRemote(prefix: string, host: string, path: string, query: URLSearchParams, entry: string): GitRemote {
  const { repoPath, subPath } = splitRepoPath(path, host);
  const segments = repoPath.split('/').filter(Boolean);
  const last = segments.pop();
  if (last === undefined || (segments.length === 0 && !prefix.startsWith('file://'))) {
    throw new RemoteUrlError(
      `kustomize entry "${entry}": cannot tell which repository it names; write it as https://${host || 'HOST'}/ORG/REPO//PATH?ref=TAG`,
    );
  }
  const ref = query.get('ref') ?? query.get('version') ?? undefined;
  return {
    kind: 'git',
    repoURL: `${prefix}${repoPath.replace(/\/+$/, '')}`,
    host,
    owner: segments.join('/'),
    repo: last.replace(/\.git$/, ''),
    subPath: subPath.split('/').filter(Boolean).join('/'),
    ref: ref === '' ? undefined : ref,
  };
}

function splitRepoPath(path: string, host: string): { repoPath: string; subPath: string } {
  const doubleSlash = path.indexOf('//');
  if (doubleSlash >= 0) return { repoPath: path.slice(0, doubleSlash), subPath: path.slice(doubleSlash + 2) };
  const segments = path.split('/');
  const dotGit = segments.findIndex((s) => s.endsWith('.git') && s.length > 4);
  if (dotGit >= 0) return join2(segments, dotGit + 1);
  const azure = segments.indexOf('_git');
  if (azure >= 0 && azure + 1 < segments.length) return join2(segments, azure + 2);
  if (host === 'github.com') return join2(segments, 2);
  return { repoPath: path, subPath: '' };
}

function join2(segments: string[], at: number): { repoPath: string; subPath: string } {
  return { repoPath: segments.slice(0, at).join('/'), subPath: segments.slice(at).join('/') };
}

/** True for entries that need the network to build. */
export function isRemote(entry: KustomizeEntry): entry is GitRemote | HttpRemote {
  return entry.kind !== 'local';
}
