/**
 * Renders kustomize directories of a fork clone the way Argo CD's repo-server would, with the network
 * cut off: any attempt to fetch fails fast, so a render that passes proves the fork is hermetic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from './fork-env.js';

/** An environment in which any attempt to reach the network fails fast. */
export const OFFLINE = {
  ...process.env,
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  ALL_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '',
  no_proxy: '',
  GIT_TERMINAL_PROMPT: '0',
};

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

export interface Rendered {
  yaml?: string;
  error?: string;
}

/**
 * A shared cache across clones: a path whose render inputs (renderInputKey) were rendered before is
 * not rendered again.
 */
export type RenderCache = Map<string, Promise<Rendered>>;

/** `kubectl kustomize` of each path (relative to `clone`): the output, or the error that stopped it. */
export async function renderOffline(
  clone: string,
  paths: readonly string[],
  cache?: RenderCache,
): Promise<Map<string, Rendered>> {
  const results = await mapLimit(paths, 2, async (path) => {
    if (cache === undefined) return renderOne(clone, path);
    const key = await renderInputKey(clone, path);
    const render = cache.get(key) ?? renderOne(clone, path);
    cache.set(key, render);
    return render;
  });
  return new Map(paths.map((p, i) => [p, results[i] ?? {}]));
}

async function renderOne(clone: string, path: string): Promise<Rendered> {
  try {
    const { stdout } = await run('kubectl', ['kustomize', path], {
      cwd: clone,
      env: OFFLINE,
      maxBuffer: 1 << 28,
      timeout: 180_000,
    });
    return { yaml: stdout };
  } catch (err) {
    return {
      error: String((err as { stderr?: string }).stderr ?? err)
        .split('\n')
        .filter((l) => !l.startsWith('# Warning'))
        .join(' ')
        .slice(-500),
    };
  }
}

/**
 * Everything `kubectl kustomize <overlay>` reads in a fork clone: the overlay's kustomizations without
 * their comments (they name the target), its other files, the shared kustomize Components and every
 * folder of the fork but overlays/ and kubeflow-apps/ (the upstream tree and the vendored bases).
 * kustomize is deterministic, so equal keys render the same bytes: targets that give a component the
 * same overlay render it once.
 */
export async function renderInputKey(clone: string, overlay: string): Promise<string> {
  const git = async (args: string[]): Promise<string> => (await run('git', args, { cwd: clone })).stdout;
  // Every kustomization.yaml in the overlay (nested Components too) counts by its content without
  // comments; every other file by its blob.
  const files = (await git(['ls-tree', '-r', 'HEAD', `${overlay}/`]))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const path = l.slice(l.indexOf('\t') + 1);
      const relative = path.slice(overlay.length + 1);
      return path.endsWith('/kustomization.yaml')
        ? `${relative} ${JSON.stringify(parse(readFileSync(join(clone, path), 'utf8')))}`
        : `${relative} ${l.slice(0, l.indexOf('\t'))}`;
    });
  const top = (await git(['ls-tree', 'HEAD'])).split('\n').filter((l) => !/\t(overlays|kubeflow-apps)$/.test(l));
  const components = await git(['rev-parse', 'HEAD:overlays/components']);
  return JSON.stringify([files, top, components.trim()]);
}
