/**
 * The API cost of watching: `status --watch` on the cluster the installer method left, for a short and
 * a long time, expecting a commit that never comes, so it watches until its --timeout (a failure grace
 * longer than that keeps a Degraded component from ending it early). Every request goes through the
 * counting proxy; the point is that nothing follows the watch however long it runs.
 */
import type { ClusterInfo } from '../../../installer/systems/local-cluster/lifecycle.js';
import type { Verb } from './classify-request.js';
import { countByVerb } from './classify-request.js';
import { keepLog, tail } from './cli-log.js';
import { startProxy } from './cluster.js';
import type { RunContext } from './context.js';
import type { ApiCounts } from './installer-result.js';
import { runCli } from './run-cli.js';
import { round } from './stats.js';

export interface WatchCostRun {
  readonly requestedSeconds: number;
  readonly wallSeconds: number;
  readonly exitCode: number;
  readonly all: ApiCounts;
  readonly requests: readonly {
    readonly atSeconds: number;
    readonly method: string;
    readonly verb: Verb;
    readonly path: string;
    readonly openSeconds?: number | undefined;
  }[];
}

export interface WatchCostResult {
  readonly runs: readonly WatchCostRun[];
}

/** `status --watch` exits 5 at its --timeout. */
const TIMED_OUT = 5;

export async function measureWatchCost(
  ctx: RunContext,
  info: ClusterInfo,
  durations: readonly number[],
): Promise<WatchCostResult> {
  const runs: WatchCostRun[] = [];
  for (const s of durations) {
    const proxy = await startProxy(info);
    try {
      ctx.log(`watch-cost: status --watch for ${s}s`);
      const cli = await runCli(
        [
          'status',
          '--watch',
          '--revision',
          '0'.repeat(40),
          '--timeout',
          `${s}s`,
          '--failure-grace',
          `${s + 60}s`,
          '--kubeconfig',
          proxy.kubeconfig,
        ],
        { flavour: ctx.o.flavour, env: ctx.cliEnv() },
      );
      if (cli.code !== TIMED_OUT)
        throw new Error(
          `status --watch exited ${cli.code} (expected ${TIMED_OUT}, timeout; output in ${keepLog('status-watch', cli)}):\n${tail(cli)}`,
        );
      runs.push({
        requestedSeconds: s,
        wallSeconds: round(cli.seconds, 2),
        exitCode: cli.code,
        all: { total: proxy.requests.length, byVerb: countByVerb(proxy.requests) },
        requests: proxy.requests.map((q) => ({
          atSeconds: round(q.at / 1000, 2),
          method: q.method,
          verb: q.verb,
          path: q.path.split('?')[0] ?? q.path,
          openSeconds: q.verb === 'watch' && q.durationMs !== undefined ? round(q.durationMs / 1000, 1) : undefined,
        })),
      });
    } finally {
      await proxy.close();
    }
  }
  return { runs };
}
