/**
 * The pure half of vendoring: where each remote source goes in the fork and how each entry is
 * rewritten. Serialisable and deterministic, so that a dry run can print it and tests can compare it.
 */
import { FORK_VENDOR_DIR } from '../core/constants.js';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { EntryField, FoundResources } from './find-remote-resources.js';

/** Everything vendored lives below this directory of the fork. */
export const VENDOR_DIR = FORK_VENDOR_DIR;

/** A git remote base: the repository at `ref`, of which the part needed by `subPath` is copied. */
export interface GitSource {
  kind: 'git';
  /** The entry as first written in a kustomization (the original URL, never a mirror). */
  url: string;
  repoURL: string;
  ref: string | undefined;
  subPath: string;
  /** `vendor/<host>/<owner>/<repo>@<ref>`: the repository root's place in the fork. */
  repoDest: string;
  /** `<repoDest>/<subPath>`: the directory the rewritten entries point at. */
  dest: string;
}

/** A remote file, wrapped in a directory with its own kustomization (see {@link planVendoring}). */
export interface HttpSource {
  kind: 'http';
  url: string;
  /** `vendor/<host>/<url-path-without-file>/<file>.d` */
  dest: string;
  /** The file's name inside `dest`. */
  fileName: string;
}

export type VendorSource = GitSource | HttpSource;

/** One entry to change from the remote URL to a path relative to its kustomization's directory. */
export interface EntryRewrite {
  file: string;
  field: EntryField;
  index: number;
  from: string;
  to: string;
}

export interface VendorPlan {
  /** Distinct sources, sorted by `dest`. */
  sources: VendorSource[];
  /** Sorted by file, field, index. */
  rewrites: EntryRewrite[];
}

/**
 * Plans vendoring for the remote entries found in the fork.
 *
 * Remote files point at a directory rather than the file itself because kustomize's default load
 * restrictor (Argo CD's too) refuses a resource file outside the kustomization's directory but accepts
 * a directory anywhere in the repository.
 */
export function planVendoring(found: Pick<FoundResources, 'remotes'>): VendorPlan {
  const sources = new Map<string, VendorSource>();
  const rewrites: EntryRewrite[] = [];
  for (const r of found.remotes) {
    const source = sourceFor(r.entry, r.remote);
    if (!sources.has(source.dest)) sources.set(source.dest, source);
    rewrites.push({
      file: r.file,
      field: r.field,
      index: r.index,
      from: r.entry,
      to: relativeEntry(r.file, source.dest),
    });
  }
  return {
    sources: [...sources.values()].sort((a, b) => compare(a.dest, b.dest)),
    rewrites: rewrites.sort((a, b) => compare(a.file, b.file) || compare(a.field, b.field) || a.index - b.index),
  };
}

function sourceFor(entry: string, remote: FoundResources['remotes'][number]['remote']): VendorSource {
  if (remote.kind === 'git') {
    const repoDest = posix.join(
      VENDOR_DIR,
      segment(remote.host),
      ...remote.owner.split('/').filter(Boolean).map(segment),
      `${segment(remote.repo)}@${segment(remote.ref ?? 'HEAD')}`,
    );
    const dest = remote.subPath === '' ? repoDest : posix.join(repoDest, ...remote.subPath.split('/').map(segment));
    return {
      kind: 'git',
      url: entry,
      repoURL: remote.repoURL,
      ref: remote.ref,
      subPath: remote.subPath,
      repoDest,
      dest,
    };
  }
  const url = new URL(remote.url);
  const parts = url.pathname
    .split('/')
    .filter(Boolean)
    .map((p) => segment(safeDecode(p)));
  const last = parts.pop() ?? 'index.yaml';
  // A query selects different content at the same path; keep such files apart.
  const fileName =
    url.search === '' ? last : `${last}-${createHash('sha256').update(url.search).digest('hex').slice(0, 8)}`;
  return {
    kind: 'http',
    url: entry,
    dest: posix.join(VENDOR_DIR, segment(url.hostname), ...parts, `${fileName}.d`),
    fileName: last,
  };
}

/** Path from `file`'s directory to `dest`, in the form kustomize reads as local (never `github.com/…`). */
export function relativeEntry(file: string, dest: string): string {
  const rel = posix.relative(posix.dirname(file), dest);
  return rel.startsWith('../') || rel.startsWith(`${VENDOR_DIR}/`) ? rel : `./${rel}`;
}

/** A path segment that cannot climb (`..`) or split (`/`) and stays readable for ordinary names. */
function segment(s: string): string {
  if (s === '' || s === '.' || s === '..') return s.replace(/\./g, '%2E') || '%20';
  return s.replace(/[^A-Za-z0-9._~@+,=-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
