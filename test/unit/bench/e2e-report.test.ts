/** The end-to-end report: medians and ranges over runs, the smoke warning, both pairs, older results. */
import { describe, expect, it } from 'vitest';
import { medianCell, medianRatio, runsCell } from '../../tools/bench/format.js';
import type { InstallerResult } from '../../tools/bench/installer-result.js';
import type { OfficialResult } from '../../tools/bench/method-official.js';
import { waveReadyRows } from '../../tools/bench/report-e2e.js';
import { fromVersion1, type Results, type RunRecord } from '../../tools/bench/results.js';
import { renderReport } from '../../tools/bench/table.js';

const machine = { cpus: 2, cpuModel: 'test', memoryGiB: 24, node: 'v26', kernel: '6' };
const context = { startedAt: 't0', loadBefore: [0.5, 0.5, 0.5] };
const verbs = {
  get: 1,
  list: 1,
  watch: 1,
  create: 0,
  patch: 2,
  update: 0,
  delete: 0,
  deletecollection: 0,
  discovery: 1,
  other: 0,
};

function installer(wall: number, watchPeakMiB: number, extra: Partial<InstallerResult> = {}): InstallerResult {
  const counts = { total: 6, byVerb: verbs };
  return {
    components: ['cert-manager', 'istio'],
    revision: 'abc',
    exitCode: 0,
    log: 'x.log',
    clusterUpSeconds: 10,
    argocd: 'adopted',
    wallSeconds: wall,
    marks: { forkDone: 4, rootApplied: 20, watchStarted: 21, allReady: wall - 0.1 },
    lastComponent: 'istio',
    componentReadySeconds: { 'cert-manager': wall - 5, istio: wall - 0.1 },
    componentWaves: { 'cert-manager': 10, istio: 20 },
    refreshPatches: 3,
    workloadsAvailable: { seconds: wall - 10, deployments: 4, notAvailable: 0 },
    overhead: {
      exitAfterObservedReadyMs: 30,
      exitAfterInstallerReadyLineMs: 20,
      exitAfterArgoTimestampMs: 900,
      argoLastComponent: 'istio',
    },
    api: { all: counts, beforeWatch: counts, duringWatch: counts, watchSeconds: 30, duringWatchRequests: [] },
    memory: { peakRssMiB: 290, peakRssDuringWatchMiB: watchPeakMiB, watchPeakMiB, samples: 100 },
    observerWatch: { lists: 1, watches: 1, restarts: 0 },
    ...extra,
  };
}

function official(wall: number, extra: Partial<OfficialResult> = {}): OfficialResult {
  return {
    revision: 'abc',
    clusterUpSeconds: 10,
    wallSeconds: wall,
    cloneSeconds: 0.5,
    attempts: [{ renderSeconds: 2, applySeconds: 5, ok: true, errors: 0 }],
    appliedAtSeconds: 8,
    waitSeconds: wall - 8,
    objects: 100,
    deployments: 4,
    namespacesWaited: ['cert-manager'],
    waitFailures: [],
    workloadsAvailable: { seconds: wall - 2, deployments: 4, notAvailable: 0 },
    ...extra,
  };
}

const runs = <T>(...results: (T | undefined)[]): RunRecord<T>[] =>
  results.map((result, i) => ({
    run: i + 1,
    context: result === undefined ? { ...context, error: 'boom' } : context,
    result,
  }));

const results = (n: number, repeated: Results['repeated']): Results => ({
  version: 2,
  machine,
  options: { components: 'cert-manager' },
  runs: n,
  context: {},
  repeated,
});

describe('cells over runs', () => {
  it('median (min–max), flagged below three runs', () => {
    expect(medianCell([53.2, 44.4, 70.2], ' s')).toBe('53.2 s (44.4–70.2)');
    expect(medianCell([53.2], ' s')).toBe('53.2 s (n=1!)');
    expect(medianCell([53.2, undefined], ' s')).toBe('53.2 s (n=1!)');
    expect(medianCell([undefined])).toBe('–');
    expect(runsCell([1.25, undefined, 3], 1)).toBe('1.3 – 3');
    expect(medianRatio([60, 50, 70], [40, 30, 50])).toBe('1.5');
    expect(medianRatio([60], [])).toBe('–');
  });
});

describe('the end-to-end report', () => {
  const r = results(3, {
    install: runs(installer(53.2, 180), installer(44.4, 170), installer(70.2, 160)),
    official: runs(official(40.3), official(37.8), official(58.6)),
    'install-empty': runs(
      installer(80, 200, { argocd: 'installed', marks: { argocdPodsRunning: 12, argocdReady: 14 } }),
    ),
    'official-empty': runs(
      official(60, { argocd: { objects: 60, appliedAtSeconds: 2, podsRunningAtSeconds: 5, readyAtSeconds: 7 } }),
    ),
  });
  const text = renderReport(r);

  it('gives each method its median and range, the ratio of medians and each run', () => {
    expect(text).toMatch(
      /kubeflow-gitops install\s+53\.2 s \(44\.4–70\.2\)\s+1\s+43\.2 s \(34\.4–60\.2\)\s+1\s+53\.2 44\.4 70\.2/,
    );
    expect(text).toMatch(
      /official: .*\s+40\.3 s \(37\.8–58\.6\)\s+0\.76\s+38\.3 s \(35\.8–56\.6\)\s+0\.89\s+40\.3 37\.8 58\.6/,
    );
    expect(text).not.toContain('SMOKE RUN');
  });

  it("reports the watch's peak RSS against the 150 MiB goal", () => {
    expect(text).toMatch(/peak RSS of the watch \(when the samples decide it\)\s+170 MiB \(160–180\)\s+180 170 160/);
    expect(text).toContain('watch memory against the goal of 150 MiB: median 170 MiB, NOT met');
  });

  it('reports the empty-cluster pair apart, with when Argo CD ran, and flags its single run', () => {
    expect(text).toContain('4c. End to end into an empty cluster');
    expect(text).toMatch(/Argo CD's pods Running \(processes started then\)\s+12 s \(n=1!\)/);
    expect(text).toContain('official, Argo CD first: applied at 2 s (n=1!), its processes ready at 7 s (n=1!)');
  });

  it('gives the median time each wave was ready', () => {
    const rows = waveReadyRows([installer(53.2, 1), installer(44.4, 1), installer(70.2, 1)]);
    expect(rows).toEqual([
      ['wave', 'ready at', 'components'],
      ['10', '48.2 s (39.4–65.2)', 'cert-manager'],
      ['20', '53.1 s (44.3–70.1)', 'istio'],
    ]);
  });

  it('a failed run counts in no median and is named', () => {
    const t = renderReport(results(3, { install: runs(installer(50, 1), undefined, installer(60, 1)) }));
    expect(t).toContain('install #2: t0, load 0.5/0.5/0.5  FAILED: boom');
    expect(t).toMatch(/kubeflow-gitops install \(1 run\(s\) FAILED\)\s+55 s \(50–60\) \(n=2!\)/);
  });

  it('says a run with fewer than three runs per method is a smoke run, no result', () => {
    const t = renderReport(results(1, { install: runs(installer(50, 1)) }));
    expect(t).toContain('SMOKE RUN: 1 run(s) per method, fewer than 3');
  });
});

describe('results of version 1', () => {
  it('read as one run of each method', () => {
    const v2 = fromVersion1({
      version: 1,
      machine,
      options: {},
      context: { install: context, latency: context },
      install: installer(53.2, 150),
      official: official(40.3),
    });
    expect(v2.runs).toBe(1);
    expect(v2.repeated.install).toEqual([{ run: 1, context, result: installer(53.2, 150) }]);
    expect(v2.repeated.official?.[0]?.context).toEqual({ startedAt: '?', loadBefore: [] });
    expect(v2.repeated.argocd).toBeUndefined();
    expect(v2.context).toEqual({ latency: context });
  });
});
