/**
 * Shows component progress: a live listr2 task list on a terminal (one row per component in wave
 * order with sync, health and resource counts), one line per state change without a TTY (CI, pipes),
 * or one JSON event per line on stdout with --output json. Ends with a summary table.
 */
import { Listr, type ListrTaskWrapper, type ListrDefaultRenderer, type ListrSimpleRenderer } from 'listr2';
import type { ComponentState } from '../watch/assess-application.js';

export type ProgressMode = 'tty' | 'lines' | 'json';

/** What a first install seeded, and why it left each other component to Argo CD's sync. */
export interface SeedingReport {
  readonly seeded: readonly string[];
  readonly left: readonly {
    readonly component: string;
    readonly reason: string;
    readonly window?: { readonly opensAt: number | undefined } | undefined;
  }[];
}

export interface ProgressReporter {
  start(components: readonly { name: string; wave: number }[]): void;
  /** One event per component with --output json; the text modes said it already (steps/seed-components.ts). */
  seeding(report: SeedingReport): void;
  update(name: string, state: ComponentState): void;
  note(message: string): void;
  /** Stops the live view; every component still pending is shown as such. */
  finish(states: ReadonlyMap<string, ComponentState>): Promise<void>;
}

export function progressMode(
  output: 'text' | 'json',
  terminal: { readonly isTTY: boolean; readonly env: NodeJS.ProcessEnv },
): ProgressMode {
  if (output === 'json') return 'json';
  return terminal.isTTY && !terminal.env.CI ? 'tty' : 'lines';
}

const counts = (s: ComponentState) =>
  s.resources.total > 0 ? ` ${s.resources.healthy}/${s.resources.total} healthy` : '';
const line = (name: string, s: ComponentState) =>
  `${name}: ${s.phase} — ${s.sync ?? '-'}/${s.health ?? '-'}${counts(s)} — ${s.reason}`;

export function createProgressReporter(
  mode: ProgressMode,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): ProgressReporter {
  if (mode === 'json') {
    const emit = (o: object) => {
      out.write(`${JSON.stringify({ time: new Date().toISOString(), ...o })}\n`);
    };
    return {
      start: (components) => {
        emit({ event: 'start', components });
      },
      seeding: (r) => {
        for (const component of r.seeded) emit({ event: 'seed', component, seeded: true });
        for (const l of r.left)
          emit({
            event: 'seed',
            component: l.component,
            seeded: false,
            reason: l.reason,
            ...(l.window !== undefined
              ? {
                  syncWindowOpensAt: l.window.opensAt === undefined ? null : new Date(l.window.opensAt).toISOString(),
                }
              : {}),
          });
      },
      update: (name, s) => {
        emit({ event: 'component', component: name, ...s });
      },
      note: (message) => {
        emit({ event: 'note', message });
      },
      finish: (states) => {
        emit({
          event: 'summary',
          components: Object.fromEntries([...states].map(([n, s]) => [n, { phase: s.phase, reason: s.reason }])),
        });
        return Promise.resolve();
      },
    };
  }
  if (mode === 'lines') {
    const time = () => new Date().toISOString().slice(11, 19);
    return {
      start: (components) => {
        err.write(`${time()} watching ${components.length} components\n`);
      },
      seeding: () => undefined,
      update: (name, s) => {
        err.write(`${time()} ${line(name, s)}\n`);
      },
      note: (m) => {
        err.write(`${time()} ${m}\n`);
      },
      finish: (states) => {
        err.write(renderSummary(states));
        return Promise.resolve();
      },
    };
  }
  return createListrReporter(err);
}

type Task = ListrTaskWrapper<unknown, ListrDefaultRenderer, ListrSimpleRenderer>;

function createListrReporter(err: NodeJS.WritableStream): ProgressReporter {
  const rows = new Map<string, { task?: Task; settle?: (ok: boolean, why?: string) => void; last?: ComponentState }>();
  let run: Promise<unknown> = Promise.resolve();
  const render = (name: string) => {
    const row = rows.get(name);
    if (!row?.task || !row.last) return;
    const s = row.last;
    row.task.title = `${name.padEnd(26)} ${(s.sync ?? '-').padEnd(10)} ${(s.health ?? '-').padEnd(11)}${counts(s)}`;
    row.task.output = s.reason;
    if (s.phase === 'ready') row.settle?.(true);
  };
  return {
    seeding: () => undefined,
    start(components) {
      const list = new Listr(
        components.map((c) => ({
          title: c.name,
          task: (_ctx: unknown, task: Task) =>
            new Promise<void>((resolve, reject) => {
              const row = rows.get(c.name) ?? {};
              row.task = task;
              row.settle = (ok, why) => {
                if (ok) resolve();
                else reject(new Error(why ?? 'not ready'));
              };
              rows.set(c.name, row);
              render(c.name);
            }),
        })),
        {
          concurrent: true,
          exitOnError: false,
          registerSignalListeners: false,
          rendererOptions: { collapseSubtasks: false },
          renderer: 'default',
        },
      );
      run = list.run().catch(() => undefined);
    },
    update(name, s) {
      const row = rows.get(name) ?? {};
      row.last = s;
      rows.set(name, row);
      render(name);
    },
    note: () => undefined,
    async finish(states) {
      for (const [name, row] of rows) {
        const s = states.get(name);
        if (s?.phase === 'ready') row.settle?.(true);
        else row.settle?.(false, s ? `${s.phase}: ${s.reason}` : 'not seen');
      }
      await run;
      err.write(renderSummary(states));
    },
  };
}

export function renderSummary(states: ReadonlyMap<string, ComponentState>): string {
  const rows = [...states].sort(([a], [b]) => a.localeCompare(b));
  const w = Math.max(9, ...rows.map(([n]) => n.length));
  const out = [
    '',
    `${'COMPONENT'.padEnd(w)}  ${'PHASE'.padEnd(11)} ${'SYNC'.padEnd(10)} ${'HEALTH'.padEnd(11)} DETAIL`,
  ];
  for (const [n, s] of rows) {
    out.push(
      `${n.padEnd(w)}  ${s.phase.padEnd(11)} ${(s.sync ?? '-').padEnd(10)} ${(s.health ?? '-').padEnd(11)} ${s.reason}`,
    );
    for (const p of s.phase === 'ready' ? [] : s.problems.slice(0, 5))
      out.push(`${''.padEnd(w)}    ${p.resource}: ${p.status}${p.message ? ` — ${p.message}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
