/**
 * Walks the kustomization graph inside one directory tree and reports every remote entry reachable
 * from the start directories. File access is injected so that the same walk runs on the fork, on a
 * fresh checkout of a remote repository, and on a temp tree in unit tests.
 */
import { posix } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { parseKustomizeEntry, type GitRemote, type HttpRemote } from './kustomize-remote-url.js';

/** Read access to a tree; paths are absolute, joined with `/`. */
export interface TreeReader {
  readFile(path: string): Promise<string>;
  /** `'dir'`, `'file'`, or undefined when nothing is there. */
  stat(path: string): Promise<'dir' | 'file' | undefined>;
}

/** The kustomization fields whose entries may name other kustomizations or remote sources. */
export const ENTRY_FIELDS = ['resources', 'bases', 'components'] as const;
export type EntryField = (typeof ENTRY_FIELDS)[number];

/** One remote entry, located precisely enough to rewrite it in place. */
export interface RemoteEntry {
  /** Kustomization file, relative to the walked root, `/`-separated. */
  file: string;
  field: EntryField;
  index: number;
  entry: string;
  remote: GitRemote | HttpRemote;
}

/** A local entry that names nothing (kustomize would fail on it) or leaves the walked root. */
export interface BrokenEntry {
  file: string;
  field: EntryField;
  index: number;
  entry: string;
  reason: 'missing' | 'outside-root' | 'no-kustomization';
}

export interface FoundResources {
  remotes: RemoteEntry[];
  /** Every kustomization file visited, relative to the root, sorted. */
  kustomizationFiles: string[];
  /** Local resource files named by visited kustomizations, relative to the root, sorted. */
  localFiles: string[];
  broken: BrokenEntry[];
}

/** A kustomization file kustomize would not parse. */
export class KustomizationParseError extends Error {
  override readonly name = 'KustomizationParseError';
}

/** kustomize's accepted file names, in the order it looks for them. */
export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** Finds the kustomization file of `dir` (absolute), or undefined. */
export async function kustomizationFileIn(dir: string, io: TreeReader): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_NAMES) {
    const candidate = posix.join(dir, name);
    if ((await io.stat(candidate)) === 'file') return candidate;
  }
  return undefined;
}

/**
 * Walks from `startPaths` (directories relative to `root`) through every local `resources`, `bases`
 * and `components` entry, recording remote entries instead of following them.
 *
 * @throws KustomizationParseError when a visited kustomization is not valid YAML, or a start path has
 *   no kustomization.
 */
export async function findRemoteResources(
  root: string,
  startPaths: readonly string[],
  io: TreeReader,
): Promise<FoundResources> {
  const rootAbs = posix.normalize(root);
  const visited = new Set<string>();
  const remotes: RemoteEntry[] = [];
  const localFiles = new Set<string>();
  const broken: BrokenEntry[] = [];

  const visit = async (dirRel: string): Promise<void> => {
    const fileAbs = await kustomizationFileIn(posix.join(rootAbs, dirRel), io);
    if (fileAbs === undefined) return;
    const file = posix.relative(rootAbs, fileAbs);
    if (visited.has(file)) return;
    visited.add(file);
    for (const { field, index, entry } of readEntries(await io.readFile(fileAbs), file)) {
      const parsed = parseKustomizeEntry(entry);
      if (parsed.kind !== 'local') {
        remotes.push({ file, field, index, entry, remote: parsed });
        continue;
      }
      const target = posix.normalize(posix.join(dirRel, entry));
      const where = { file, field, index, entry };
      if (posix.isAbsolute(entry) || target === '..' || target.startsWith('../')) {
        broken.push({ ...where, reason: 'outside-root' });
        continue;
      }
      const kind = await io.stat(posix.join(rootAbs, target));
      if (kind === 'file') localFiles.add(target);
      else if (kind === undefined) broken.push({ ...where, reason: 'missing' });
      else if ((await kustomizationFileIn(posix.join(rootAbs, target), io)) === undefined)
        broken.push({ ...where, reason: 'no-kustomization' });
      else await visit(target);
    }
  };

  for (const start of startPaths) {
    const dir = posix.normalize(start);
    if ((await kustomizationFileIn(posix.join(rootAbs, dir), io)) === undefined) {
      throw new KustomizationParseError(
        `no kustomization.yaml in ${posix.join(rootAbs, dir)}: every start path must be a kustomization directory; check the path`,
      );
    }
    await visit(dir === '.' ? '' : dir);
  }

  const byLocation = (a: RemoteEntry | BrokenEntry, b: RemoteEntry | BrokenEntry): number =>
    a.file.localeCompare(b.file) || a.field.localeCompare(b.field) || a.index - b.index;
  return {
    remotes: remotes.sort(byLocation),
    kustomizationFiles: [...visited].sort(),
    localFiles: [...localFiles].sort(),
    broken: broken.sort(byLocation),
  };
}

/** The string entries of the walked fields, with their positions. */
export function readEntries(text: string, file: string): { field: EntryField; index: number; entry: string }[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new KustomizationParseError(
      `cannot parse ${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}; fix the YAML so kustomize can read it`,
    );
  }
  const out: { field: EntryField; index: number; entry: string }[] = [];
  if (!isMap(doc.contents)) return out;
  for (const field of ENTRY_FIELDS) {
    const seq = doc.contents.get(field, true);
    if (!isSeq(seq)) continue;
    seq.items.forEach((item, index) => {
      if (isScalar(item) && typeof item.value === 'string') out.push({ field, index, entry: item.value });
    });
  }
  return out;
}
