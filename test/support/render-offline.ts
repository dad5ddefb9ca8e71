/**
 * Renders kustomize directories of a fork clone the way Argo CD's repo-server would, with the network
 * cut off: any attempt to fetch fails fast, so a render that passes proves the fork is hermetic.
 */
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

/** `kubectl kustomize` of each path (relative to `clone`): the output, or the error that stopped it. */
export async function renderOffline(
  clone: string,
  paths: readonly string[],
): Promise<Map<string, { yaml?: string; error?: string }>> {
  const results = await mapLimit(paths, 2, async (path) => {
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
  });
  return new Map(paths.map((p, i) => [p, results[i] ?? {}]));
}
