/**
 * The human summary of a results file: one table per measurement, plain text. Pure.
 */
import { countByVerb, type Verb } from './classify-request.js';
import { fmt, medianCell, renderTable } from './format.js';
import { renderEndToEnd } from './report-e2e.js';
import type { Context, Results, RunRecord } from './results.js';
import { median, MIN_REPORTED_RUNS } from './stats.js';

export { renderTable } from './format.js';

const VERBS: Verb[] = ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete', 'discovery'];

const contextLine = (name: string, c: Context): string =>
  `  ${name}: ${c.startedAt}${c.finishedAt ? ` → ${c.finishedAt}` : ''}, load ${c.loadBefore.join('/')}${c.loadAfter ? ` → ${c.loadAfter.join('/')}` : ''}${c.error ? `  FAILED: ${c.error.split('\n')[0] ?? ''}` : ''}`;

function header(r: Results): string[] {
  const m = r.machine;
  const out = [`machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}`];
  const components = r.options.components;
  out.push(
    `runs: ${r.runs} per end-to-end measurement, interleaved, a fresh cluster each${typeof components === 'string' ? `; components ${components}` : ''}`,
  );
  if (r.runs < MIN_REPORTED_RUNS)
    out.push(
      `SMOKE RUN: ${r.runs} run(s) per method, fewer than ${MIN_REPORTED_RUNS}: these numbers show that the bench works, they are no result`,
    );
  for (const [name, c] of Object.entries(r.context)) out.push(contextLine(name, c));
  for (const [name, records] of Object.entries(r.repeated) as [string, RunRecord<unknown>[]][])
    for (const rec of records) out.push(contextLine(`${name} #${rec.run}`, rec.context));
  return out;
}

function latency(r: Results): string[] {
  const out: string[] = [];
  for (const l of [r.latency, r['latency-load']]) {
    if (!l) continue;
    out.push(
      '',
      `1. Detection latency: ${l.changes} status changes over ${l.apps} Applications (${l.clusterState}), ${l.lost} lost; installer watch: ${l.watch.lists} list, ${l.watch.watches} watch, ${l.watch.restarts} restarts`,
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
  return out;
}

/** Request counts per verb, median over the runs. */
const verbCells = (byVerb: readonly (Record<string, number> | undefined)[]): string[] =>
  VERBS.map((v) =>
    medianCell(
      byVerb.map((b) => (b === undefined ? undefined : (b[v] ?? 0))),
      '',
      0,
    ),
  );

function api(r: Results): string[] {
  const installs = (r.repeated.install ?? []).map((x) => x.result);
  const watches = (r.repeated['watch-cost'] ?? []).map((x) => x.result);
  const rows: string[][] = [];
  if (installs.some((i) => i !== undefined)) {
    const a = installs.map((i) => i?.api);
    const total = (f: (x: NonNullable<(typeof a)[number]>) => number) => a.map((x) => (x ? f(x) : undefined));
    rows.push([
      'install: whole run',
      medianCell(
        total((x) => x.all.total),
        '',
        0,
      ),
      ...verbCells(a.map((x) => x?.all.byVerb)),
    ]);
    rows.push([
      'install: before the watch',
      medianCell(
        total((x) => x.beforeWatch.total),
        '',
        0,
      ),
      ...verbCells(a.map((x) => x?.beforeWatch.byVerb)),
    ]);
    rows.push([
      `install: during the watch (${fmt(median(a.map((x) => x?.watchSeconds ?? Number.NaN)), ' s')})`,
      medianCell(
        total((x) => x.duringWatch.total),
        '',
        0,
      ),
      ...verbCells(a.map((x) => x?.duringWatch.byVerb)),
    ]);
  }
  const durations = [...new Set(watches.flatMap((w) => w?.runs.map((x) => x.requestedSeconds) ?? []))];
  for (const s of durations) {
    const runs = watches.map((w) => w?.runs.find((x) => x.requestedSeconds === s));
    const fromWatch = runs.map((w) => {
      const first = w?.requests.find((x) => x.verb === 'watch');
      return w && first ? w.requests.filter((q) => q.atSeconds >= first.atSeconds) : undefined;
    });
    rows.push([
      `status --watch ${s} s: whole run`,
      medianCell(
        runs.map((w) => w?.all.total),
        '',
        0,
      ),
      ...verbCells(runs.map((w) => w?.all.byVerb)),
    ]);
    rows.push([
      `status --watch ${s} s: from the watch on`,
      medianCell(
        fromWatch.map((f) => f?.length),
        '',
        0,
      ),
      ...verbCells(fromWatch.map((f) => (f ? countByVerb(f) : undefined))),
    ]);
  }
  if (rows.length === 0) return [];
  const out = [
    '',
    '2. API requests of the installer (counting proxy in front of the API server; median (range) over the runs)',
    renderTable([['', 'total', ...VERBS], ...rows]),
  ];
  const extra = installs.find((i) => i !== undefined)?.api.duringWatchRequests ?? [];
  if (extra.length > 0)
    out.push(
      `   during run 1's watch, besides the watch: ${extra.map((q) => `${q.method} ${q.path.split('/').pop() ?? ''} @${q.atSeconds}s`).join(', ')}`,
    );
  return out;
}

function offline(r: Results): string[] {
  const o = r.offline;
  if (!o) return [];
  return [
    '',
    `5. Offline work: ${o.release} --components ${o.components} --target ${o.target}, loopback mirrors, network cut off; median of ${o.runs.length}`,
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
  ];
}

export function renderReport(r: Results): string {
  return `${[...header(r), ...latency(r), ...api(r), ...renderEndToEnd(r.repeated), ...offline(r)].join('\n')}\n`;
}
