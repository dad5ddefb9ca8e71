/**
 * Reads the files the fork plan works on: the installer's own templates (kubeflow-apps/<release>/,
 * overlays/components/) and what the fork already holds under kubeflow-apps/ and overlays/.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Release } from '../catalogue/releases.js';
import { parseAllDocuments } from 'yaml';
import { ARGOCD_NAMESPACE, ARGOCD_OVERLAY_DIR, FORK_APPS_DIR, FORK_OVERLAYS_DIR } from '../core/constants.js';
import { UserError } from '../core/errors.js';
import type { KubeObject } from '../systems/kube.js';

/**
 * A file of the fork as text, byte for byte: UTF-8 (a byte order mark kept), so writing the text back
 * changes no byte outside the values the plan edits. A YAML or JSON file that is not UTF-8 is refused,
 * named with where its first such byte is: decoding it would replace that byte (U+FFFD) on the next
 * write, and Argo CD and kustomize cannot read it either ("yaml: invalid trailing UTF-8 octet").
 * Any other file (a configMapGenerator's binary, say) is never edited: it is left out.
 */
export function decodeForkFile(path: string, bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    if (!/\.(ya?ml|json)$/i.test(path)) return undefined;
    const at = firstInvalidUtf8(bytes);
    const lineStart = bytes.subarray(0, at).lastIndexOf(0x0a) + 1;
    const line = bytes.subarray(0, lineStart).filter((b) => b === 0x0a).length + 1;
    // In characters, as an editor counts them: everything before `at` is valid UTF-8.
    const column = [...new Intl.Segmenter().segment(STRICT_UTF8.decode(bytes.subarray(lineStart, at)))].length + 1;
    throw new UserError(
      `${path}:${String(line)}:${String(column)}: not UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16).toUpperCase()}); ` +
        'Argo CD and kustomize cannot read it either, and rewriting it would change bytes outside the values edited. ' +
        `Re-encode it as UTF-8 in the fork (e.g. iconv -f latin1 -t utf-8 ${path} > tmp && mv tmp ${path}), commit, and run again`,
    );
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i] ?? 0;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0) return i;
    for (let k = 1; k < n; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    try {
      STRICT_UTF8.decode(bytes.subarray(i, i + n));
    } catch {
      return i; // an overlong or surrogate form
    }
    i += n;
  }
  return bytes.length;
}

async function walk(root: string, dir: string, out: Map<string, string>, rename: (p: string) => string): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const e of entries) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) await walk(root, rel, out, rename);
    else if (e.isFile()) {
      const path = rename(rel.split(sep).join('/'));
      const text = decodeForkFile(path, await readFile(join(root, rel)));
      if (text !== undefined) out.set(path, text);
    }
  }
}

/** Templates keyed by their path inside the installer package (the fork uses the same paths). */
export async function readTemplates(packageRoot: string, release: Release): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await walk(packageRoot, join(FORK_APPS_DIR, release), out, (p) => p);
  await walk(packageRoot, join(FORK_OVERLAYS_DIR, 'components'), out, (p) => p);
  await walk(packageRoot, ARGOCD_OVERLAY_DIR, out, (p) => p);
  return out;
}

/** The fork's kubeflow-apps/ and overlays/ files keyed by path relative to the repository root. */
export async function readForkFiles(repoDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await walk(repoDir, FORK_APPS_DIR, out, (p) => p);
  await walk(repoDir, FORK_OVERLAYS_DIR, out, (p) => p);
  return out;
}

export function relativePosix(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}

/**
 * The child Applications the root deploys: every Application in the files directly in the fork's
 * kubeflow-apps/, read as Argo CD's directory source reads them: YAML files with any number of
 * documents, `.json` files, and the items of a list (`kind: List`). Only those in Argo CD's namespace
 * (or naming none, so the root puts them there) are children; the first of a name wins, as in a sync.
 */
export async function readForkApplications(repoDir: string): Promise<KubeObject[]> {
  const dir = join(repoDir, FORK_APPS_DIR);
  const files = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => e.name)
    .sort();
  const byName = new Map<string, KubeObject>();
  for (const f of files) {
    const file = `${FORK_APPS_DIR}/${f}`;
    for (const app of applicationsInFile(file, decodeForkFile(file, await readFile(join(dir, f))) ?? '')) {
      const name = app.metadata?.name ?? '';
      if (!byName.has(name)) byName.set(name, app);
    }
  }
  return [...byName.values()];
}

/** The Applications of Argo CD's namespace in one file of kubeflow-apps/ (`file` names it in errors). */
export function applicationsInFile(file: string, text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    const err = doc.errors[0];
    if (err !== undefined)
      throw new UserError(
        `${file}: YAML syntax error: ${err.message}; Argo CD cannot read it either: fix it in the fork`,
      );
    for (const o of expandList(doc.toJS() as unknown)) if (isChildApplication(o)) out.push(o);
  }
  return out;
}

/** A list document (`kind: List` and the like: any object whose `items` is an array) is its items. */
function expandList(o: unknown): unknown[] {
  const items = (o as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items : [o];
}

function isChildApplication(o: unknown): o is KubeObject {
  const a = o as KubeObject | null;
  if (typeof a !== 'object' || a === null) return false;
  const ns = a.metadata?.namespace;
  return (
    typeof a.apiVersion === 'string' &&
    a.apiVersion.startsWith('argoproj.io/') &&
    a.kind === 'Application' &&
    typeof a.metadata?.name === 'string' &&
    a.metadata.name !== '' &&
    (ns === undefined || ns === ARGOCD_NAMESPACE)
  );
}
