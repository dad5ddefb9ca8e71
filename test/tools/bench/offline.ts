/**
 * Offline work: `plan` and `fork` of a release (default 26.03, every component) into a fresh empty fork,
 * against loopback mirrors of github.com (the fixture bundles behind `git http-backend`, as the
 * integration tests use) with every proxy variable pointing at a closed port, so nothing can reach the
 * network. Each run uses a new empty fork repository, so every run does the full work: clone the
 * upstream release, plan, vendor every remote base, rewrite the Applications, commit and push.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fixtureFileRoot, prepareUpstreamRepos } from '../../support/fixtures.js';
import { startGitHttpServer } from '../../support/git-http-server.js';
import { lineAt, memoryPeaks, runCli, type CliFlavour, type CliRun } from './run-cli.js';
import { median, round } from './stats.js';

export interface OfflineOptions {
  readonly runs: number;
  readonly release: string;
  readonly components: string;
  readonly target: string;
  readonly flavour: CliFlavour;
  readonly log: (m: string) => void;
}

export interface OfflineRun {
  readonly planSeconds: number;
  readonly forkSeconds: number;
  /** Phases of `fork` from its progress lines: start -> "reading" -> "vendoring" -> "pushing" -> exit. */
  readonly forkPhases: {
    readonly startup: number;
    readonly cloneAndPlan: number;
    readonly vendorAndCommit: number;
    readonly push: number;
  };
  readonly forkPeakRssMiB: number | undefined;
  readonly vendoredBases: number | undefined;
}

export interface OfflineResult {
  readonly release: string;
  readonly components: string;
  readonly target: string;
  readonly runs: readonly OfflineRun[];
  readonly median: {
    readonly planSeconds: number;
    readonly forkSeconds: number;
    readonly cloneAndPlan: number;
    readonly vendorAndCommit: number;
    readonly push: number;
    readonly forkPeakRssMiB: number;
  };
}

const TOKEN = `bench-${process.pid}-offline`;

/** Every proxy at a closed port: any attempt to reach the network fails fast. */
function offlineEnv(state: string): NodeJS.ProcessEnv {
  const dead = 'http://127.0.0.1:9';
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: process.env.LANG,
    CI: 'true',
    HTTP_PROXY: dead,
    HTTPS_PROXY: dead,
    ALL_PROXY: dead,
    http_proxy: dead,
    https_proxy: dead,
    NO_PROXY: '127.0.0.1',
    no_proxy: '127.0.0.1',
    GIT_TERMINAL_PROMPT: '0',
    KFG_GIT_TOKEN: TOKEN,
    KFG_STATE_DIR: state,
  };
}

function phases(run: CliRun): OfflineRun['forkPhases'] {
  const reading = lineAt(run, /^► reading /) ?? run.startedAt;
  const vendoring = lineAt(run, /^► vendoring /) ?? reading;
  const pushing = lineAt(run, /^► pushing /) ?? run.endedAt;
  const s = (a: number, b: number) => round((b - a) / 1000, 2);
  return {
    startup: s(run.startedAt, reading),
    cloneAndPlan: s(reading, vendoring),
    vendorAndCommit: s(vendoring, pushing),
    push: s(pushing, run.endedAt),
  };
}

export async function measureOffline(opts: OfflineOptions): Promise<OfflineResult> {
  const root = mkdtempSync(join(tmpdir(), 'kfg-bench-offline-'));
  try {
    const gitRoot = join(root, 'git');
    opts.log('offline: laying out the upstream mirrors (not timed)');
    await prepareUpstreamRepos(gitRoot);
    const server = await startGitHttpServer({
      gitRoot,
      fileRoot: fixtureFileRoot,
      token: TOKEN,
      publicPrefixes: ['kubeflow/', 'argoproj/', 'kubernetes-sigs/'],
    });
    const runs: OfflineRun[] = [];
    try {
      for (let i = 1; i <= opts.runs; i++) {
        const name = `offline-${i}`;
        mkdirSync(join(gitRoot, 'me'), { recursive: true });
        execFileSync('git', ['init', '--quiet', '--bare', join(gitRoot, 'me', `${name}.git`)]);
        const args = [
          '--yes',
          '--fork',
          `${server.url}/me/${name}.git`,
          '--mirror',
          `https://github.com/=${server.url}/`,
          '--release',
          opts.release,
          '--components',
          opts.components,
          '--target',
          opts.target,
        ];
        const state = mkdtempSync(join(root, 'state-'));
        const plan = await runCli(['plan', ...args, '--output', 'json'], {
          flavour: opts.flavour,
          env: offlineEnv(state),
        });
        if (plan.code !== 0)
          throw new Error(
            `plan exited ${plan.code}: ${plan.lines
              .slice(-5)
              .map((l) => l.text)
              .join(' | ')}`,
          );
        const vendoredBases = (JSON.parse(plan.stdout) as { vendor?: { sources?: unknown[] } }).vendor?.sources?.length;
        const fork = await runCli(['fork', ...args], {
          flavour: opts.flavour,
          env: offlineEnv(state),
          sampleMemory: true,
        });
        if (fork.code !== 0)
          throw new Error(
            `fork exited ${fork.code}: ${fork.lines
              .slice(-5)
              .map((l) => l.text)
              .join(' | ')}`,
          );
        const hwm = memoryPeaks(fork.memory).hwmKiB;
        const run: OfflineRun = {
          planSeconds: round(plan.seconds, 2),
          forkSeconds: round(fork.seconds, 2),
          forkPhases: phases(fork),
          forkPeakRssMiB: hwm !== undefined ? round(hwm / 1024, 0) : undefined,
          vendoredBases,
        };
        runs.push(run);
        opts.log(
          `offline ${i}/${opts.runs}: plan ${run.planSeconds}s, fork ${run.forkSeconds}s (${JSON.stringify(run.forkPhases)}), peak RSS ${run.forkPeakRssMiB ?? '?'} MiB`,
        );
      }
    } finally {
      await server.close();
    }
    const med = (f: (r: OfflineRun) => number | undefined) =>
      round(median(runs.map(f).filter((v): v is number => v !== undefined)), 2);
    return {
      release: opts.release,
      components: opts.components,
      target: opts.target,
      runs,
      median: {
        planSeconds: med((r) => r.planSeconds),
        forkSeconds: med((r) => r.forkSeconds),
        cloneAndPlan: med((r) => r.forkPhases.cloneAndPlan),
        vendorAndCommit: med((r) => r.forkPhases.vendorAndCommit),
        push: med((r) => r.forkPhases.push),
        forkPeakRssMiB: med((r) => r.forkPeakRssMiB),
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
