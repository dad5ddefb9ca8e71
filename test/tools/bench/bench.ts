/**
 * npm run bench -- [--only <list>] [flags]: measurements (not tests) of the installer on the local
 * cluster, side by side with the official method and plain Argo CD. Prints a table and writes JSON to
 * bench/results/<timestamp>.json (rewritten after every measurement; --resume <file> continues one).
 * See README "Performance".
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../support/fixtures.js';
import { assertOwnCluster, freshCluster, stopCluster } from './cluster.js';
import {
  cleanupStateDirs,
  measureWatchCost,
  runArgocdMethod,
  runInstallerMethod,
  runOfficialMethod,
  type E2eOptions,
} from './e2e.js';
import { measureLatency } from './latency.js';
import { measureOffline } from './offline.js';
import { load, loadResults, MEASUREMENTS, newResults, saveResults, type Measurement, type Results } from './results.js';
import type { CliFlavour } from './run-cli.js';
import { renderReport } from './table.js';
import type { ClusterInfo } from '../../../installer/systems/local-cluster/lifecycle.js';

const ALIASES: Record<string, readonly Measurement[]> = {
  all: MEASUREMENTS,
  e2e: ['install', 'official', 'argocd'],
  api: ['install', 'watch-cost'],
  overhead: ['install'],
  rss: ['install'],
};

const USAGE = `usage: npm run bench -- [options]
  --only <list>            measurements, comma-separated: ${MEASUREMENTS.join(', ')}
                           or aliases: all (default), e2e (install,official,argocd), api (install,watch-cost);
                           latency-load runs during argocd (detection latency while Argo CD syncs the install)
  --components <list>      components for the cluster measurements (default: pipelines,notebooks,kserve)
  --release <tag>          default 26.03
  --offline-runs <n>       default 5        --offline-components <list>  default all   --offline-target <t> default generic
  --latency-changes <n>    default 200      --latency-apps <n> default 20   --latency-gap-ms <n> default 25
  --watch-short <s>        default 20       --watch-long <s> default 240   (status --watch durations)
  --timeout <minutes>      per end-to-end method, default 40
  --retry-seconds <s>      official method's retry interval, default 20
  --install-args "<flags>" extra flags for \`install\` (e.g. "--failure-grace 10m"); recorded in the results
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
  const flavours: readonly CliFlavour[] = ['dist', 'tsx'];
  const cli = flavours.find((f) => f === values.cli);
  if (cli === undefined) throw new Error('--cli must be dist or tsx');
  return {
    help: values.help,
    only,
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
  };
}

const log = (m: string) => {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
};

async function main(): Promise<number> {
  const o = parse();
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  if (o.report !== undefined) {
    process.stdout.write(renderReport(loadResults(o.report)));
    return 0;
  }

  const needsCluster = [...o.only].some((m) => m !== 'offline');
  if (needsCluster) assertOwnCluster(o.allowDefault);
  if (o.cli === 'dist') {
    log('building the CLI (npm run build)');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot, stdio: 'inherit' });
  }
  const results: Results = o.resume !== undefined ? loadResults(o.resume) : newResults({});
  Object.assign(results.options, {
    components: o.components,
    release: o.release,
    cli: o.cli,
    offline: o.offline,
    latency: o.latency,
    watch: o.watch,
    timeoutMs: o.timeoutMs,
    retrySeconds: o.retrySeconds,
    installArgs: o.installArgs,
  });
  const save = () => {
    saveResults(o.out, results);
  };
  log(`results: ${o.out}`);
  const e2e: E2eOptions = {
    release: o.release,
    components: o.components,
    target: 'local',
    flavour: o.cli,
    timeoutMs: o.timeoutMs,
    retrySeconds: o.retrySeconds,
    installArgs: o.installArgs,
    log,
  };

  let installed: ClusterInfo | undefined;
  const outcome = { failed: false };
  const measure = async (name: Measurement, fn: () => Promise<void>) => {
    if (!o.only.has(name)) return;
    log(`=== ${name}`);
    const startedAt = new Date().toISOString();
    const loadBefore = load();
    results.context[name] = { startedAt, loadBefore };
    save();
    try {
      await fn();
      cleanupStateDirs();
      results.context[name] = { startedAt, loadBefore, finishedAt: new Date().toISOString(), loadAfter: load() };
    } catch (err) {
      outcome.failed = true;
      cleanupStateDirs();
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      results.context[name] = { startedAt, loadBefore, finishedAt: new Date().toISOString(), loadAfter: load(), error };
      log(`${name} failed: ${error}`);
    }
    save();
  };

  await measure('offline', async () => {
    results.offline = await measureOffline({
      runs: o.offline.runs,
      release: o.release,
      components: o.offline.components,
      target: o.offline.target,
      flavour: o.cli,
      log,
    });
  });
  await measure('latency', async () => {
    const { info } = await freshCluster(log);
    const r = await measureLatency({
      kubeconfig: info.kubeconfig,
      changes: o.latency.changes,
      apps: o.latency.apps,
      warmup: 10,
      gapMs: o.latency.gapMs,
      timeoutMs: 5000,
      log,
    });
    results.latency = { ...r, clusterState: 'fresh idle local cluster: Argo CD running, nothing installed' };
  });
  await measure('install', async () => {
    const r = await runInstallerMethod(e2e);
    results.install = r.result;
    installed = r.info;
    if (r.result.exitCode !== 0)
      throw new Error(`install exited ${r.result.exitCode}; its output is in ${r.result.log}`);
  });
  await measure('watch-cost', async () => {
    if (!installed)
      throw new Error('watch-cost needs the cluster the install measurement leaves: run it with install (--only api)');
    results['watch-cost'] = await measureWatchCost(installed, e2e, o.watch);
  });
  await measure('official', async () => {
    results.official = await runOfficialMethod(e2e);
  });
  // Detection latency again, while plain Argo CD syncs the install (the busiest the API server gets here).
  const underLoad = o.only.has('latency-load')
    ? {
        afterMs: 30_000,
        run: async (info: ClusterInfo) => {
          const r = await measureLatency({
            kubeconfig: info.kubeconfig,
            changes: o.latency.changes,
            apps: o.latency.apps,
            warmup: 10,
            gapMs: o.latency.gapMs,
            timeoutMs: 5000,
            log,
          });
          results['latency-load'] = {
            ...r,
            clusterState: 'during the plain Argo CD install, from 30 s after the root was applied',
          };
        },
      }
    : undefined;
  if (underLoad && !o.only.has('argocd'))
    throw new Error('latency-load runs during the argocd measurement: add argocd to --only');
  await measure('argocd', async () => {
    results.argocd = await runArgocdMethod(e2e, underLoad);
  });

  if (needsCluster && !o.keepCluster) await stopCluster(log);
  process.stdout.write(`\n${renderReport(results)}`);
  log(`results written to ${o.out}`);
  return outcome.failed ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
