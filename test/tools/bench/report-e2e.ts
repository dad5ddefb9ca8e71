/**
 * The report's end-to-end sections: every figure is the median over the runs with its range and each
 * run's value, so a reader sees how much single runs vary. Pure.
 */
import { fmt, medianCell, medianRatio, metricRow, renderTable } from './format.js';
import type { InstallerResult } from './installer-result.js';
import type { ArgocdResult } from './method-argocd.js';
import type { OfficialResult } from './method-official.js';
import { renderOperations } from './report-operations.js';
import type { Repeated, RunRecord } from './results.js';
import { median } from './stats.js';

/** The goal for the installer's memory while it watches. */
export const WATCH_RSS_GOAL_MIB = 150;

const resultsOf = <T>(records: readonly RunRecord<T>[] | undefined): (T | undefined)[] =>
  (records ?? []).map((r) => (r.context.error === undefined ? r.result : undefined));

function installerSections(title: string, runs: readonly (InstallerResult | undefined)[]): string[] {
  const ok = runs.filter((r): r is InstallerResult => r !== undefined);
  if (ok.length === 0) return [];
  const v = (f: (r: InstallerResult) => number | undefined) => runs.map((r) => (r === undefined ? undefined : f(r)));
  const out = [
    '',
    `3. ${title}: ${ok[0]?.components.length ?? '?'} components; each row median (min–max) of the runs, then each run`,
    renderTable([
      ['metric', 'median (range)', 'runs'],
      metricRow(
        'end to end (process start → exit 0)',
        v((r) => r.wallSeconds),
      ),
      metricRow(
        'fork pushed',
        v((r) => r.marks.forkDone),
      ),
      ...(ok.some((r) => r.marks.argocdPodsRunning !== undefined)
        ? [
            metricRow(
              "Argo CD's pods Running (processes started then)",
              v((r) => r.marks.argocdPodsRunning),
            ),
            metricRow(
              "Argo CD's processes ready",
              v((r) => r.marks.argocdReady),
            ),
          ]
        : []),
      metricRow(
        'root applied',
        v((r) => r.marks.rootApplied),
      ),
      metricRow(
        'watch opened',
        v((r) => r.marks.watchStarted),
      ),
      metricRow(
        'last component ready (bench observer)',
        v((r) => r.marks.allReady),
      ),
      metricRow(
        'last Deployment Available',
        v((r) => r.workloadsAvailable?.seconds),
      ),
      metricRow(
        'exit after last component ready (observer)',
        v((r) => r.overhead.exitAfterObservedReadyMs),
        ' ms',
        0,
      ),
      metricRow(
        'refresh requests (PATCHes of Applications)',
        v((r) => r.refreshPatches),
        '',
        0,
      ),
      metricRow(
        'API requests, whole run',
        v((r) => r.api.all.total),
        '',
        0,
      ),
      metricRow(
        'peak RSS, whole run (VmHWM)',
        v((r) => r.memory.peakRssMiB),
        ' MiB',
        0,
      ),
      metricRow(
        'peak RSS before the watch (VmHWM then)',
        v((r) => r.memory.hwmBeforeWatchMiB),
        ' MiB',
        0,
      ),
      metricRow(
        'peak RSS of the watch (when the samples decide it)',
        v((r) => r.memory.watchPeakMiB),
        ' MiB',
        0,
      ),
      metricRow(
        'highest RSS sampled while watching',
        v((r) => r.memory.peakRssDuringWatchMiB),
        ' MiB',
        0,
      ),
    ]),
  ];
  // A run whose peak came before the watch has only its sampled maximum while watching (a lower bound).
  const watch = runs.map((r) => r?.memory.watchPeakMiB ?? r?.memory.peakRssDuringWatchMiB);
  const sampled = ok.some((r) => r.memory.watchPeakMiB === undefined);
  const m = median(watch.filter((x): x is number => x !== undefined));
  if (Number.isFinite(m))
    out.push(
      `   watch memory against the goal of ${WATCH_RSS_GOAL_MIB} MiB: median ${fmt(m, ' MiB', 0)}, ${m <= WATCH_RSS_GOAL_MIB ? 'met' : 'NOT met'}` +
        (sampled ? ' (the highest sampled RSS where the run peaked before the watch)' : '') +
        (ok.some((r) => r.memory.nodeOptions) ? ` (NODE_OPTIONS ${ok[0]?.memory.nodeOptions ?? ''})` : ''),
    );
  if (ok.some((r) => r.observerCaughtUp === false))
    out.push("   the bench's observer did not catch up with the final state in some run: its times may miss the end");
  return out;
}

/** Per sync wave: its components and when the last of them was ready (median over the runs). */
export function waveReadyRows(runs: readonly (InstallerResult | undefined)[]): string[][] {
  const ok = runs.filter((r): r is InstallerResult => r?.componentWaves !== undefined);
  const waves = ok[0]?.componentWaves;
  if (waves === undefined) return [];
  const byWave = new Map<number, string[]>();
  for (const [name, wave] of Object.entries(waves)) byWave.set(wave, [...(byWave.get(wave) ?? []), name]);
  const rows: string[][] = [['wave', 'ready at', 'components']];
  for (const wave of [...byWave.keys()].sort((a, b) => a - b)) {
    const names = (byWave.get(wave) ?? []).sort();
    const perRun = ok.map((r) => {
      const times = names.map((n) => r.componentReadySeconds[n]);
      return times.some((t) => t === undefined) ? undefined : Math.max(...(times as number[]));
    });
    rows.push([String(wave), medianCell(perRun, ' s'), names.join(', ')]);
  }
  return rows;
}

interface Pair {
  readonly title: string;
  readonly installer: readonly (InstallerResult | undefined)[];
  readonly official: readonly (OfficialResult | undefined)[];
  readonly argocd?: readonly (ArgocdResult | undefined)[] | undefined;
}

function comparison(p: Pair): string[] {
  if (p.installer.length + p.official.length + (p.argocd?.length ?? 0) === 0) return [];
  const inst = p.installer.map((r) => r?.wallSeconds);
  const instDeploy = p.installer.map((r) => r?.workloadsAvailable?.seconds);
  const rows: string[][] = [
    ['method', 'done (own criterion)', 'vs installer', 'last Deployment Available', 'vs installer', 'runs (done)'],
  ];
  const row = (label: string, done: (number | undefined)[], deploy: (number | undefined)[]) => {
    rows.push([
      label,
      medianCell(done, ' s'),
      medianRatio(done, inst),
      medianCell(deploy, ' s'),
      medianRatio(deploy, instDeploy),
      done.map((x) => fmt(x)).join(' '),
    ]);
  };
  const failed = (n: number) => (n > 0 ? ` (${n} run(s) FAILED)` : '');
  if (p.installer.length > 0)
    row(`kubeflow-gitops install${failed(p.installer.filter((r) => r === undefined).length)}`, inst, instDeploy);
  if (p.official.length > 0) {
    const attempts = p.official.map((r) => r?.attempts.length ?? 0);
    row(
      `official: kustomize build | kubectl apply --server-side (${Math.max(...attempts)} attempt(s) at most), kubectl wait${failed(p.official.filter((r) => r === undefined || r.waitFailures.length > 0).length)}`,
      p.official.map((r) => r?.wallSeconds),
      p.official.map((r) => r?.workloadsAvailable?.seconds),
    );
  }
  if (p.argocd && p.argocd.length > 0)
    row(
      `plain Argo CD app-of-apps, no forced refresh${failed(p.argocd.filter((r) => r === undefined || r.timedOut).length)}`,
      p.argocd.map((r) => (r?.timedOut === false ? r.wallSeconds : undefined)),
      p.argocd.map((r) => r?.workloadsAvailable?.seconds),
    );
  const out = ['', `${p.title} (ratio > 1: slower than the installer; ratios of medians)`, renderTable(rows)];
  const withArgo = p.official.filter((r) => r?.argocd !== undefined);
  if (withArgo.length > 0)
    out.push(
      `   official, Argo CD first: applied at ${medianCell(
        p.official.map((r) => r?.argocd?.appliedAtSeconds),
        ' s',
      )}, its processes ready at ${medianCell(
        p.official.map((r) => r?.argocd?.readyAtSeconds),
        ' s',
      )}; Kubeflow applied at ${medianCell(
        p.official.map((r) => r?.appliedAtSeconds),
        ' s',
      )}`,
    );
  return out;
}

export function renderEndToEnd(rep: Repeated): string[] {
  const install = resultsOf(rep.install);
  const installEmpty = resultsOf(rep['install-empty']);
  const out = [
    ...installerSections("Installer, adopting the cluster's Argo CD", install),
    ...installerSections('Installer, installing Argo CD into an empty cluster too', installEmpty),
    ...comparison({
      title: '4. End to end, Argo CD already running (the installer adopts it), a fresh cluster per run, same fork',
      installer: install,
      official: resultsOf(rep.official),
      argocd: resultsOf(rep.argocd),
    }),
  ];
  const waves = waveReadyRows(install);
  if (waves.length > 2)
    out.push(
      '',
      '4b. When each sync wave was ready (installer, s from its start, median of the runs)',
      renderTable(waves),
    );
  out.push(
    ...comparison({
      title:
        '4c. End to end into an empty cluster: the installer installs Argo CD too; the official side applies Argo CD first',
      installer: installEmpty,
      official: resultsOf(rep['official-empty']),
    }),
    ...renderOperations('4d. Did Argo CD sync anything after seeding? (installer, Argo CD adopted)', install),
    ...renderOperations('4e. The same, Argo CD installed by the installer', installEmpty),
  );
  return out;
}
