/**
 * The per-release vendoring tests and what each release must give (one file per release,
 * test/integration/hermetic/vendor-<release>.test.ts, so that vitest runs two at once): clone the
 * release from the loopback mirror, vendor it, then render it with the mirror gone and every route to
 * github.com closed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteFetcher } from '../../installer/systems/remote-sources.js';
import { findRemoteResources, readEntries } from '../../installer/hermetic/find-remote-resources.js';
import { nodeTreeReader, vendorRemoteBases, type VendorResult } from '../../installer/hermetic/vendor-remote-bases.js';
import { fixtureFileRoot, fixturesMissing, prepareUpstreamRepos } from './fixtures.js';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.js';

const run = promisify(execFile);

/** Any attempt to reach the internet (git or kustomize's own http client) ends at a closed loopback port. */
const OFFLINE_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  HTTPS_PROXY: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '',
  no_proxy: '',
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'url.http://127.0.0.1:9/.insteadOf',
  GIT_CONFIG_VALUE_0: 'https://github.com/',
};

async function render(dir: string): Promise<number> {
  const { stdout } = await run('kubectl', ['kustomize', dir], {
    env: OFFLINE_ENV,
    maxBuffer: 256 * 1024 * 1024,
    timeout: 300_000,
  });
  return stdout.trim() === '' ? 0 : stdout.split(/^---$/m).length;
}

async function git(repo: string, ...args: string[]): Promise<string> {
  return (
    await run('git', ['-C', repo, ...args], {
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      maxBuffer: 64 * 1024 * 1024,
    })
  ).stdout;
}

/** Runs `fn` over `items`, `limit` at a time (kustomize renders are CPU-bound; the CI box has 2 cores). */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

interface ReleaseCase {
  /** Objects `kubectl kustomize example` renders (fixtures README). */
  exampleObjects: number;
  /** Start paths beyond example's entries that reach remotes example does not (lws, jobset v0.6.0). */
  extraStartPaths: string[];
  /** Remote sources the whole run must vendor (dest paths). */
  expectedDests: string[];
}

// The remote sources the releases reach, by where they come from.
const TRAINER_LWS = 'applications/trainer/upstream/third-party/leaderworkerset';
const TRAINING_OPERATOR_V2 = 'applications/training-operator/upstream/v2/overlays/standalone';
const ARGO_WORKFLOWS_V3_7_3 = [
  'vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/base/crds/minimal',
  'vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/base/workflow-controller',
  'vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/cluster-install-no-crds/workflow-controller-rbac',
];
const jobset = (v: string) => `vendor/github.com/kubernetes-sigs/jobset/releases/download/${v}/manifests.yaml.d`;
const lws = (v: string) => `vendor/github.com/kubernetes-sigs/lws@${v}/config/default`;

/** What vendoring each release must give: one row per vendor-<release>.test.ts. */
const RELEASES = {
  // v1.10.2's example reaches no remote source; only Training Operator v2 (not in example) pulls jobset v0.6.0.
  'v1.10.2': {
    exampleObjects: 611,
    extraStartPaths: [TRAINING_OPERATOR_V2],
    expectedDests: [jobset('v0.6.0')],
  },
  'v1.11.0': {
    exampleObjects: 653,
    extraStartPaths: [TRAINER_LWS, TRAINING_OPERATOR_V2],
    expectedDests: [...ARGO_WORKFLOWS_V3_7_3, jobset('v0.10.1'), jobset('v0.6.0'), lws('v0.7.0')],
  },
  '26.03': {
    exampleObjects: 675,
    extraStartPaths: [TRAINER_LWS, TRAINING_OPERATOR_V2],
    expectedDests: [...ARGO_WORKFLOWS_V3_7_3, jobset('v0.10.1'), jobset('v0.6.0'), lws('v0.7.0')],
  },
  '26.03.1-rc.2': {
    exampleObjects: 727,
    extraStartPaths: [TRAINER_LWS, TRAINING_OPERATOR_V2],
    expectedDests: [...ARGO_WORKFLOWS_V3_7_3, jobset('v0.11.0'), jobset('v0.6.0'), lws('v0.8.0')],
  },
} satisfies Record<string, ReleaseCase>;

/** The vendoring tests of one release (each release has its own file, so that two run at once). */
export function describeReleaseVendoring(release: keyof typeof RELEASES): void {
  const c: ReleaseCase = RELEASES[release];
  const missing = fixturesMissing();
  describe.skipIf(missing)(`hermetic fork of kubeflow/manifests ${release}`, () => {
    let root: string;
    let server: GitHttpServer | undefined;
    let repo: string;
    let entries: string[];
    let first: VendorResult;

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), `kfg-vendor-${release}-`));
      await prepareUpstreamRepos(join(root, 'git'));
      server = await startGitHttpServer({ gitRoot: join(root, 'git'), fileRoot: fixtureFileRoot });
      repo = join(root, 'fork');
      await run('git', ['clone', '--quiet', '--branch', release, `${server.url}/kubeflow/manifests`, repo]);
      await git(repo, 'checkout', '--quiet', '-b', 'fork');
      const text = readFileSync(join(repo, 'example', 'kustomization.yaml'), 'utf8');
      entries = readEntries(text, 'example/kustomization.yaml').map((e) => posix.join('example', e.entry));
    });
    afterAll(async () => {
      await server?.close();
      rmSync(root, { recursive: true, force: true });
    });

    it('vendors every remote source reachable from the components, editing only entry lines', async () => {
      first = await vendorRemoteBases({
        repoDir: repo,
        startPaths: [...entries, ...c.extraStartPaths],
        fetcher: createRemoteFetcher(),
        mirrors: [{ from: 'https://github.com/', to: `${server!.url}/` }],
      });
      expect(first.plan.sources.map((s) => s.dest).sort()).toEqual([...c.expectedDests].sort());
      expect(first.fetched).toHaveLength(first.plan.sources.length);

      const status = (await git(repo, 'status', '--porcelain', '--untracked-files=normal')).split('\n').filter(Boolean);
      expect(status.sort()).toEqual(
        [...first.editedFiles.map((f) => ` M ${f}`), ...(first.editedFiles.length > 0 ? ['?? vendor/'] : [])].sort(),
      );

      // Byte-exact: each edited file differs from upstream only on the lines of rewritten entries, and there
      // only by the URL → path substitution (comments and indentation survive).
      for (const file of first.editedFiles) {
        const before = (await git(repo, 'show', `HEAD:${file}`)).split('\n');
        const after = readFileSync(join(repo, file), 'utf8').split('\n');
        expect(after).toHaveLength(before.length);
        const rewrites = first.plan.rewrites.filter((r) => r.file === file);
        const changed = before.flatMap((line, i) => (line === after[i] ? [] : [i]));
        expect(changed).toHaveLength(rewrites.length);
        for (const i of changed) {
          const r = rewrites.find((x) => before[i]!.includes(x.from) && after[i] === before[i]!.replace(x.from, x.to));
          expect(r, `${file}:${i + 1}: ${before[i]!} → ${after[i]!}`).toBeDefined();
        }
      }
      const left = await findRemoteResources(repo, [...entries, ...c.extraStartPaths, 'example'], nodeTreeReader);
      expect(left.remotes).toEqual([]);
      expect(left.broken).toEqual([]);
    });

    it('a second run over the committed fork changes nothing', async () => {
      await git(repo, 'add', '--all');
      await git(
        repo,
        '-c',
        'user.name=t',
        '-c',
        'user.email=t@example.com',
        'commit',
        '--quiet',
        '--allow-empty',
        '-m',
        'vendor',
      );
      const again = await vendorRemoteBases({
        repoDir: repo,
        startPaths: [...entries, ...c.extraStartPaths],
        fetcher: createRemoteFetcher(),
        mirrors: [{ from: 'https://github.com/', to: `${server!.url}/` }],
      });
      expect(again).toEqual({ plan: { sources: [], rewrites: [] }, fetched: [], editedFiles: [] });
      expect(await git(repo, 'status', '--porcelain', '--untracked-files=all', '--ignored')).toBe('');
    });

    it('renders example and every entry with no mirror and no network', async () => {
      await server!.close();
      server = undefined;
      // The offline environment must really be offline, or the renders below would prove nothing.
      const online = join(root, 'needs-network');
      mkdirSync(online);
      writeFileSync(
        join(online, 'kustomization.yaml'),
        'resources:\n- https://github.com/kubernetes-sigs/lws//config/default?ref=v0.7.0\n',
      );
      await expect(render(online)).rejects.toThrow();

      expect(await render(join(repo, 'example'))).toBe(c.exampleObjects);
      const components = new Set(
        readEntries(readFileSync(join(repo, 'example', 'kustomization.yaml'), 'utf8'), '')
          .filter((e) => e.field === 'components')
          .map((e) => posix.join('example', e.entry)),
      );
      // A Component cannot build alone (it patches what its user provides); example covers those.
      const standalone = [...entries.filter((e) => !components.has(e)), ...c.extraStartPaths];
      const counts = new Map<string, number>();
      await pool(standalone, 2, async (path) => {
        counts.set(path, await render(join(repo, path)));
      });
      for (const path of standalone) expect(counts.get(path), path).toBeGreaterThan(0);
    });
  });
}
