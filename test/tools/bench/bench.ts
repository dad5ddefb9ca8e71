/**
 * npm run bench -- [--only <list>] [--runs N] [flags]: measurements (not tests) of the installer on the
 * local cluster, side by side with the official method and plain Argo CD. Prints tables and writes
 * JSON to bench/results/<timestamp>.json (rewritten after every run; --resume <file> continues one).
 * See docs/performance.md.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT_APP_NAME } from '../../../installer/core/constants.js';
import { projectRoot } from '../../support/fixtures.js';
import { assertOwnCluster, freshCluster, stopCluster } from './cluster.js';
import type { BenchOptions } from './context.js';
import type { InstallerResult } from './installer-result.js';
import { measureLatency, type LatencyOptions } from './latency.js';
import { runArgocdMethod, type Alongside } from './method-argocd.js';
import { runInstallerMethod } from './method-installer.js';
import { runOfficialMethod } from './method-official.js';
import { measureWatchCost } from './method-watch-cost.js';
import type { Observer } from './observer.js';
import { measureOffline } from './offline.js';
import { loadResults, MEASUREMENTS, newResults, saveResults, type Measurement, type Results } from './results.js';
import type { CliFlavour } from './run-cli.js';
import { recordOnce, recordRuns, type Recorder, type Step } from './runner.js';
import { MIN_REPORTED_RUNS } from './stats.js';
import { renderReport } from './table.js';

const ALIASES: Record<string, readonly Measurement[]> = {
  all: MEASUREMENTS,
  e2e: ['install', 'official', 'argocd'],
  empty: ['install-empty', 'official-empty'],
  api: ['install', 'watch-cost'],
  overhead: ['install'],
  rss: ['install'],
};

const USAGE = `usage: npm run bench -- [options]
  --only <list>            measurements, comma-separated: ${MEASUREMENTS.join(', ')}
                           or aliases: all (default), e2e (install,official,argocd), empty (install-empty,
                           official-empty: Argo CD installed too, into an empty cluster), api (install,watch-cost);
                           latency-load runs during the first argocd run
  --runs <n>               runs of each end-to-end measurement, interleaved, a fresh cluster each (default ${MIN_REPORTED_RUNS});
                           fewer than ${MIN_REPORTED_RUNS} only with --smoke, and the report says it is no result
  --smoke                  allow --runs below ${MIN_REPORTED_RUNS} (checking that the bench works, not measuring)
  --components <list>      components for the cluster measurements (default: pipelines,notebooks,kserve)
  --release <tag>          default 26.03
  --offline-runs <n>       default 5        --offline-components <list>  default all   --offline-target <t> default generic
  --latency-changes <n>    default 200      --latency-apps <n> default 20   --latency-gap-ms <n> default 25
  --watch-short <s>        default 20       --watch-long <s> default 240   (status --watch durations)
  --timeout <minutes>      per end-to-end method, default 40
  --retry-seconds <s>      official method's retry interval, default 20
  --install-args="<flags>" extra flags for \`install\` (e.g. --install-args="--failure-grace 10m"); recorded
  --node-options="<flags>" NODE_OPTIONS of the CLI processes (e.g. --node-options="--max-old-space-size=96")
  --cli dist|tsx           run the built CLI (default; built first) or the sources through tsx
  --out <file>             default bench/results/<timestamp>.json
  --resume <file>          add to (replace parts of) an existing results file
  --report <file>          print the tables of a results file and exit
  --keep-cluster           leave the local cluster running at the end (default: down)
  --allow-default-cluster  let the bench take down the default local cluster (KFG_CLUSTER_DIR unset)`;

function parse() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: 'all' },
      runs: { type: 'string', default: String(MIN_REPORTED_RUNS) },
      smoke: { type: 'boolean', default: false },
      components: { type: 'string', default: 'pipelines,notebooks,kserve' },
      release: { type: 'string', default: '26.03' },
      'offline-runs': { type: 'string', default: '5' },
      'offline-components': { type: 'string', default: 'all' },
      'offline-target': { type: 'string', default: 'generic' },
      'latency-changes': { type: 'string', default: '200' },
      'latency-apps': { type: 'string', default: '20' },
      'latency-gap-ms': { type: 'string', default: '25' },
      'watch-short': { type: 'string', default: '20' },
      'watch-long': { type: 'string', default: '240' },
      timeout: { type: 'string', default: '40' },
      'retry-seconds': { type: 'string', default: '20' },
      'install-args': { type: 'string', default: '' },
      'node-options': { type: 'string', default: '' },
      cli: { type: 'string', default: 'dist' },
      out: { type: 'string' },
      resume: { type: 'string' },
      report: { type: 'string' },
      'keep-cluster': { type: 'boolean', default: false },
      'allow-default-cluster': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const int = (name: keyof typeof values) => {
    const n = Number.parseInt(String(values[name]), 10);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`--${name} must be a positive integer, got ${String(values[name])}`);
    return n;
  };
  const only = new Set<Measurement>();
  for (const word of values.only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = ALIASES[word] ?? (MEASUREMENTS.includes(word as Measurement) ? [word as Measurement] : undefined);
    if (!m) throw new Error(`--only: unknown measurement "${word}"\n${USAGE}`);
    for (const x of m) only.add(x);
  }
  const runs = int('runs');
  if (runs < MIN_REPORTED_RUNS && !values.smoke)
    throw new Error(
      `--runs ${runs}: a result is the median of at least ${MIN_REPORTED_RUNS} runs; add --smoke to check the bench with fewer`,
    );
  const flavours: readonly CliFlavour[] = ['dist', 'tsx'];
  const cli = flavours.find((f) => f === values.cli);
  if (cli === undefined) throw new Error('--cli must be dist or tsx');
  if (only.has('latency-load') && !only.has('argocd'))
    throw new Error('latency-load runs during the argocd measurement: add argocd to --only');
  if (only.has('watch-cost') && !only.has('install'))
    throw new Error('watch-cost measures on the cluster the install measurement leaves: add install to --only');
  return {
    help: values.help,
    only,
    runs,
    report: values.report,
    resume: values.resume,
    keepCluster: values['keep-cluster'],
    allowDefault: values['allow-default-cluster'],
    out:
      values.out ??
      values.resume ??
      join(projectRoot, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    cli,
    components: values.components,
    release: values.release,
    offline: { runs: int('offline-runs'), components: values['offline-components'], target: values['offline-target'] },
    latency: {
      changes: int('latency-changes'),
      apps: int('latency-apps'),
      gapMs: Number.parseInt(values['latency-gap-ms'], 10) || 0,
    },
    watch: [int('watch-short'), int('watch-long')],
    timeoutMs: int('timeout') * 60_000,
    retrySeconds: int('retry-seconds'),
    installArgs: values['install-args'].split(/\s+/).filter(Boolean),
    nodeOptions: values['node-options'].trim(),
  };
}

type Parsed = ReturnType<typeof parse>;

const log = (m: string) => {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
};

/** Argo CD is syncing a component: the API server is at its busiest. */
const argocdSyncing = (obs: Observer): boolean =>
  [...obs.snapshots].some(
    ([name, snaps]) => name !== ROOT_APP_NAME && snaps.at(-1)?.app?.status?.operationState?.phase === 'Running',
  );

function latencyOptions(p: Parsed, kubeconfig: string): LatencyOptions {
  return { kubeconfig, ...p.latency, warmup: 10, timeoutMs: 5000, log };
}

/** The end-to-end steps of one run, in the order they run. */
function steps(p: Parsed, rec: Recorder): Step[] {
  const installFailed = (r: InstallerResult) =>
    r.exitCode !== 0 ? `install exited ${r.exitCode}; its output is in ${r.log}` : undefined;
  const underLoad = (run: number): Alongside | undefined =>
    p.only.has('latency-load') && run === 1
      ? {
          busy: argocdSyncing,
          run: async (info) => {
            const r = await measureLatency(latencyOptions(p, info.kubeconfig));
            rec.results['latency-load'] = {
              ...r,
              clusterState: 'during the plain Argo CD install, from when Argo CD began syncing a component',
            };
          },
        }
      : undefined;
  const all: Step[] = [
    {
      name: 'install',
      measure: async (ctx, state) => {
        const r = await runInstallerMethod(ctx, { argocd: 'adopted' });
        state.installed = r.info;
        return r.result;
      },
      problem: installFailed,
    },
    {
      name: 'watch-cost',
      measure: (ctx, state) => {
        if (state.installed === undefined) throw new Error('the install measurement of this run failed');
        return measureWatchCost(ctx, state.installed, p.watch);
      },
    },
    { name: 'official', measure: (ctx) => runOfficialMethod(ctx, { argocd: 'adopted' }) },
    { name: 'argocd', measure: (ctx, state) => runArgocdMethod(ctx, underLoad(state.run)) },
    {
      name: 'install-empty',
      measure: async (ctx) => (await runInstallerMethod(ctx, { argocd: 'absent' })).result,
      problem: installFailed,
    },
    { name: 'official-empty', measure: (ctx) => runOfficialMethod(ctx, { argocd: 'absent' }) },
  ];
  return all.filter((s) => p.only.has(s.name));
}

async function main(): Promise<number> {
  const p = parse();
  if (p.help) {
    console.log(USAGE);
    return 0;
  }
  if (p.report !== undefined) {
    process.stdout.write(renderReport(loadResults(p.report)));
    return 0;
  }
  const needsCluster = [...p.only].some((m) => m !== 'offline');
  if (needsCluster) assertOwnCluster(p.allowDefault);
  if (p.cli === 'dist') {
    log('building the CLI (npm run build)');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot, stdio: 'inherit' });
  }
  const results: Results = p.resume !== undefined ? loadResults(p.resume) : newResults({}, p.runs);
  results.runs = p.runs;
  Object.assign(results.options, {
    components: p.components,
    release: p.release,
    cli: p.cli,
    runs: p.runs,
    offline: p.offline,
    latency: p.latency,
    watch: p.watch,
    timeoutMs: p.timeoutMs,
    retrySeconds: p.retrySeconds,
    installArgs: p.installArgs,
    nodeOptions: p.nodeOptions,
  });
  const o: BenchOptions = {
    release: p.release,
    components: p.components,
    target: 'local',
    flavour: p.cli,
    timeoutMs: p.timeoutMs,
    retrySeconds: p.retrySeconds,
    installArgs: p.installArgs,
    nodeOptions: p.nodeOptions,
    log,
  };
  const rec: Recorder = {
    results,
    o,
    failed: false,
    save: () => {
      saveResults(p.out, results);
    },
  };
  log(`results: ${p.out}`);

  if (p.only.has('offline'))
    await recordOnce(
      rec,
      'offline',
      () => measureOffline({ ...p.offline, release: p.release, flavour: p.cli, log }),
      (r) => (results.offline = r),
    );
  if (p.only.has('latency'))
    await recordOnce(
      rec,
      'latency',
      async () => {
        const { info } = await freshCluster(log);
        return measureLatency(latencyOptions(p, info.kubeconfig));
      },
      (r) => (results.latency = { ...r, clusterState: 'fresh idle local cluster: Argo CD running, nothing installed' }),
    );
  await recordRuns(rec, p.runs, steps(p, rec));

  if (needsCluster && !p.keepCluster) await stopCluster(log);
  process.stdout.write(`\n${renderReport(results)}`);
  log(`results written to ${p.out}`);
  return rec.failed ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
