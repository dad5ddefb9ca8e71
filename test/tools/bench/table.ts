/**
 * The human summary of a results file: one table per measurement, plain text. Pure.
 */
import { countByVerb, type Verb } from './classify-request.js';
import type { Results } from './results.js';
import { median, ratio, round } from './stats.js';

const fmt = (v: number | undefined, unit = '', digits = 1): string =>
  v === undefined || !Number.isFinite(v) ? '–' : `${round(v, digits)}${unit}`;

export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const [head, ...body] = rows;
  if (!head) return '';
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

const VERBS: Verb[] = ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete', 'discovery'];
const verbCells = (byVerb: Record<Verb, number> | undefined) => VERBS.map((v) => String(byVerb?.[v] ?? 0));

export function renderReport(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}`);
  for (const [name, c] of Object.entries(r.context)) {
    out.push(
      `  ${name}: ${c.startedAt}${c.finishedAt ? ` → ${c.finishedAt}` : ''}, load ${c.loadBefore.join('/')}${c.loadAfter ? ` → ${c.loadAfter.join('/')}` : ''}${c.error ? `  FAILED: ${c.error.split('\n')[0] ?? ''}` : ''}`,
    );
  }

  for (const l of [r.latency, r['latency-load']]) {
    if (!l) continue;
    out.push(
      '',
      `1. Detection latency: ${l.changes} status changes over ${l.apps} Applications (${l.clusterState}), ${l.lost} lost; installer watch: ${l.watch.lists} list, ${l.watch.watches} watch, ${l.watch.restarts} restarts`,
    );
    out.push(
      renderTable([
        ['ms', 'p50', 'p95', 'max'],
        [
          'PATCH response → installer event (lower bound)',
          fmt(l.responseToEventMs.p50),
          fmt(l.responseToEventMs.p95),
          fmt(l.responseToEventMs.max),
        ],
        [
          'PATCH sent → installer event (upper bound)',
          fmt(l.sendToEventMs.p50),
          fmt(l.sendToEventMs.p95),
          fmt(l.sendToEventMs.max),
        ],
        ['PATCH round trip', fmt(l.patchRoundTripMs.p50), fmt(l.patchRoundTripMs.p95), fmt(l.patchRoundTripMs.max)],
      ]),
    );
  }

  const api: string[][] = [];
  if (r.install) {
    const a = r.install.api;
    api.push(['install: whole run', String(a.all.total), ...verbCells(a.all.byVerb)]);
    api.push(['install: before the watch', String(a.beforeWatch.total), ...verbCells(a.beforeWatch.byVerb)]);
    api.push([
      `install: during the watch (${fmt(a.watchSeconds, ' s')})`,
      String(a.duringWatch.total),
      ...verbCells(a.duringWatch.byVerb),
    ]);
  }
  for (const w of r['watch-cost']?.runs ?? []) {
    const watchOnly = w.requests.filter(
      (q) => q.atSeconds >= (w.requests.find((x) => x.verb === 'watch')?.atSeconds ?? Infinity),
    );
    api.push([`status --watch ${w.requestedSeconds} s: whole run`, String(w.all.total), ...verbCells(w.all.byVerb)]);
    api.push([
      `status --watch ${w.requestedSeconds} s: from the watch on`,
      String(watchOnly.length),
      ...verbCells(countByVerb(watchOnly)),
    ]);
  }
  if (api.length > 0)
    out.push(
      '',
      '2. API requests of the installer (counting proxy in front of the API server)',
      renderTable([['', 'total', ...VERBS], ...api]),
    );
  const extra = r.install?.api.duringWatchRequests ?? [];
  if (extra.length > 0)
    out.push(
      `   during the install's watch, besides the watch: ${extra.map((q) => `${q.method} ${q.path.split('/').pop() ?? ''} @${q.atSeconds}s`).join(', ')}`,
    );
  for (const w of r['watch-cost']?.runs ?? []) {
    const firstWatch = w.requests.find((x) => x.verb === 'watch');
    const later = w.requests.filter((q) => firstWatch !== undefined && q.atSeconds > firstWatch.atSeconds);
    out.push(
      `   status --watch ${w.requestedSeconds} s: watch opened at ${fmt(firstWatch?.atSeconds, ' s')} and held ${fmt(firstWatch?.openSeconds, ' s')}` +
        (later.length > 0
          ? `; then ${later.map((q) => `${q.method} ${q.path.split('/').pop() ?? ''} @${q.atSeconds}s`).join(', ')}`
          : '; nothing after it'),
    );
  }

  if (r.install) {
    const i = r.install;
    out.push(
      '',
      `3. Installer overhead (last component ready → installer exit), ${i.components.length} components, last: ${i.lastComponent ?? '?'}`,
    );
    out.push(
      renderTable([
        ['measured from', 'ms'],
        ["bench's own watch saw the last component ready", fmt(i.overhead.exitAfterObservedReadyMs, '', 0)],
        ["installer printed the last component's ready line", fmt(i.overhead.exitAfterInstallerReadyLineMs, '', 0)],
        [
          `Argo CD's timestamp for ${i.overhead.argoLastComponent ?? '?'} (whole seconds: true value up to 1000 ms less)`,
          fmt(i.overhead.exitAfterArgoTimestampMs, '', 0),
        ],
      ]),
    );
    out.push(
      `   installer peak RSS ${fmt(i.memory.peakRssMiB, ' MiB', 0)} (VmHWM), peak RSS during the watch ${fmt(i.memory.peakRssDuringWatchMiB, ' MiB', 0)} (${i.memory.samples} samples)`,
    );
  }

  if (r.install ?? r.official ?? r.argocd) {
    const inst = r.install?.wallSeconds;
    const instDeploy = r.install?.workloadsAvailable?.seconds;
    const rows: string[][] = [
      ['method', 'done (own criterion)', 'vs installer', 'last Deployment Available', 'vs installer'],
    ];
    if (r.install) {
      const i = r.install;
      rows.push([
        `kubeflow-gitops install: fork ${fmt(i.marks.forkDone, ' s')}, watch from ${fmt(i.marks.watchStarted, ' s')}, exit when all ${i.components.length} Applications ready${i.exitCode !== 0 ? ` (EXIT ${i.exitCode})` : ''}`,
        fmt(inst, ' s'),
        '1.00',
        fmt(instDeploy, ' s'),
        '1.00',
      ]);
    }
    if (r.official) {
      const o = r.official;
      rows.push([
        `official: kustomize build | kubectl apply --server-side (${o.attempts.length} attempt(s), ${o.objects} objects), kubectl wait ${o.deployments} Deployments${o.waitFailures.length > 0 ? ' (WAIT FAILED)' : ''}`,
        fmt(o.wallSeconds, ' s'),
        fmt(ratio(o.wallSeconds, inst), '', 2),
        fmt(o.workloadsAvailable?.seconds, ' s'),
        fmt(ratio(o.workloadsAvailable?.seconds, instDeploy), '', 2),
      ]);
    }
    if (r.argocd) {
      const a = r.argocd;
      rows.push([
        `plain Argo CD app-of-apps, no forced refresh${a.timedOut ? ` (TIMED OUT; not ready: ${a.notReady.join(', ')})` : ''}`,
        `${a.timedOut ? '> ' : ''}${fmt(a.wallSeconds, ' s')}`,
        fmt(ratio(a.wallSeconds, inst), '', 2),
        fmt(a.workloadsAvailable?.seconds, ' s'),
        fmt(ratio(a.workloadsAvailable?.seconds, instDeploy), '', 2),
      ]);
    }
    out.push(
      '',
      '4. End to end on a fresh local cluster per method, same fork commit (ratio > 1: slower than the installer)',
      renderTable(rows),
    );
    if (r.install?.refreshPatches !== undefined)
      out.push(`   installer refresh requests (PATCHes of Applications), whole run: ${r.install.refreshPatches}`);
    const waves = r.install ? waveReadyRows(r.install.componentReadySeconds, r.install.componentWaves) : [];
    if (waves.length > 1)
      out.push('', '4b. When each sync wave was ready (installer, seconds from its start)', renderTable(waves));
  }

  if (r.offline) {
    const o = r.offline;
    out.push(
      '',
      `5. Offline work: ${o.release} --components ${o.components} --target ${o.target}, loopback mirrors, network cut off; median of ${o.runs.length}`,
    );
    out.push(
      renderTable([
        ['step', 'median', 'runs'],
        ['plan', fmt(o.median.planSeconds, ' s', 2), o.runs.map((x) => fmt(x.planSeconds, '', 2)).join(' ')],
        ['fork (total)', fmt(o.median.forkSeconds, ' s', 2), o.runs.map((x) => fmt(x.forkSeconds, '', 2)).join(' ')],
        ['  node start + module load', fmt(median(o.runs.map((x) => x.forkPhases.startup)), ' s', 2), ''],
        ['  clone upstream + plan', fmt(o.median.cloneAndPlan, ' s', 2), ''],
        ['  vendor + rewrite + commit', fmt(o.median.vendorAndCommit, ' s', 2), ''],
        ['  push', fmt(o.median.push, ' s', 2), ''],
        [
          'fork peak RSS',
          fmt(o.median.forkPeakRssMiB, ' MiB', 0),
          o.runs.map((x) => fmt(x.forkPeakRssMiB, '', 0)).join(' '),
        ],
      ]),
    );
  }
  return `${out.join('\n')}\n`;
}

/** Per sync wave: its components and when the last of them was ready. */
export function waveReadyRows(
  readySeconds: Record<string, number | undefined>,
  waves: Record<string, number> | undefined,
): string[][] {
  if (waves === undefined) return [];
  const byWave = new Map<number, string[]>();
  for (const [name, wave] of Object.entries(waves)) byWave.set(wave, [...(byWave.get(wave) ?? []), name]);
  const rows: string[][] = [['wave', 'ready at', 'components']];
  for (const wave of [...byWave.keys()].sort((a, b) => a - b)) {
    const names = (byWave.get(wave) ?? []).sort();
    const times = names.map((n) => readySeconds[n]);
    const last = times.some((t) => t === undefined) ? undefined : Math.max(...(times as number[]));
    rows.push([String(wave), fmt(last, ' s'), names.join(', ')]);
  }
  return rows;
}
