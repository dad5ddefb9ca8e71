/**
 * The fork every end-to-end method installs: the commit the installer method pushed, copied out of the
 * cluster's git server and back into each fresh cluster under the same URL (cluster.ts). A method run
 * before any installer run makes one with `fork` (not timed).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { FORK_APPS_DIR } from '../../../installer/core/constants.js';
import type { ClusterInfo } from '../../../installer/systems/local-cluster/lifecycle.js';
import { createForkRepo, freshCluster, gitAuthEnv, restoreFork, saveFork, type SavedFork } from './cluster.js';
import type { RunContext } from './context.js';
import { keepLog, tail } from './cli-log.js';
import { runCli } from './run-cli.js';
import { round } from './stats.js';

const run = promisify(execFile);

/** The flags every `fork`/`install` of the bench shares: the cluster's git server mirrors github.com. */
export function forkArgs(ctx: RunContext, info: ClusterInfo, url: string): string[] {
  const o = ctx.o;
  return [
    '--yes',
    '--fork',
    url,
    '--mirror',
    `https://github.com/=${info.gitUrl}/`,
    '--release',
    o.release,
    '--components',
    o.components,
    '--target',
    o.target,
  ];
}

/** A new empty fork repository in the cluster's git server. */
export function newForkRepo(info: ClusterInfo): { name: string; url: string } {
  const name = `bench-${Date.now().toString(36)}`;
  return { name, url: createForkRepo(info, name) };
}

export interface ClusterWithFork {
  readonly info: ClusterInfo;
  readonly fork: SavedFork;
  readonly upSeconds: number;
}

export async function freshClusterWithFork(
  ctx: RunContext,
  opts: { readonly argocd?: 'bootstrap' | 'absent' } = {},
): Promise<ClusterWithFork> {
  const o = ctx.o;
  const { info, seconds } = await freshCluster(ctx.log, opts);
  const saved = restoreFork(info, o.release, o.target, o.components);
  if (saved) return { info, fork: saved, upSeconds: seconds };
  const { name, url } = newForkRepo(info);
  ctx.log(`no saved fork for ${o.components}: forking into ${url} (not timed)`);
  const cli = await runCli(['fork', ...forkArgs(ctx, info, url)], {
    flavour: o.flavour,
    env: ctx.cliEnv({ KFG_GIT_TOKEN: info.gitToken }),
  });
  if (cli.code !== 0) throw new Error(`fork exited ${cli.code} (output in ${keepLog('fork', cli)}):\n${tail(cli)}`);
  const [, branch, revision] = cli.stdout.trim().split(' ');
  const fork: SavedFork = {
    name,
    gitUrl: info.gitUrl,
    url,
    branch: branch ?? '',
    revision: revision ?? '',
    release: o.release,
    components: o.components,
    target: o.target,
  };
  saveFork(info, fork);
  ctx.log(`forked in ${round(cli.seconds, 1)} s`);
  return { info, fork, upSeconds: seconds };
}

export async function cloneFork(info: ClusterInfo, fork: SavedFork, dir: string): Promise<void> {
  await run('git', ['clone', '--quiet', '--branch', fork.branch, fork.url, dir], {
    env: { ...process.env, ...gitAuthEnv(info) },
  });
}

export interface ForkComponent {
  readonly name: string;
  readonly wave: number;
  readonly path: string;
  readonly namespace: string | undefined;
  readonly createNamespace: boolean;
}

/** The child Applications of a fork's working copy, in wave order. */
export function readComponents(dir: string): ForkComponent[] {
  const out: ForkComponent[] = [];
  for (const f of readdirSync(join(dir, FORK_APPS_DIR)).filter((x) => x.endsWith('.yaml'))) {
    const app = parse(readFileSync(join(dir, FORK_APPS_DIR, f), 'utf8')) as {
      kind?: string;
      metadata?: { name?: string; annotations?: Record<string, string> };
      spec?: {
        source?: { path?: string };
        destination?: { namespace?: string };
        syncPolicy?: { syncOptions?: string[] };
      };
    } | null;
    if (app?.kind !== 'Application' || app.metadata?.name === undefined || app.spec?.source?.path === undefined)
      continue;
    out.push({
      name: app.metadata.name,
      wave: Number.parseInt(app.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? '0', 10),
      path: app.spec.source.path,
      namespace: app.spec.destination?.namespace,
      createNamespace: app.spec.syncPolicy?.syncOptions?.includes('CreateNamespace=true') ?? false,
    });
  }
  return out.sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
}
