/**
 * An AppProject's sync windows, evaluated as Argo CD's application controller evaluates them before
 * an automated sync (controller/appcontroller.go: `project.Spec.SyncWindows.Matches(app).CanSync(false,
 * nil)`; the rules are in pkg/apis/application/v1alpha1/types.go, identical in v3.5.1 and v3.6.2):
 *
 * - a window applies to an Application when its `applications`, `clusters` (destination name or
 *   server) or `namespaces` (destination namespace) match by glob, any one of them by default, all
 *   of those given with `andOperator` (SyncWindows.Matches);
 * - a window is active at t when its schedule, a five-field cron (robfig/cron's standard parser:
 *   minute, hour, day of month, month, day of week; no descriptors, no seconds), fires in
 *   (t − duration, t), read on the wall clock of its `timeZone` at t's offset (SyncWindow.active,
 *   scheduleOffsetByTimeZone; an unknown zone is UTC);
 * - an automated sync is allowed unless an active deny window matches, or allow windows match and
 *   none is active; `manualSync` and `syncOverrun` only concern manual syncs and running operations.
 *   A window Argo CD cannot parse makes CanSync fail, and the controller then does not sync.
 *
 * cron-parser computes the next firing; it also accepts what robfig/cron refuses (descriptors,
 * seconds, L/W/#, 7 for Sunday), so a schedule is first checked against robfig's grammar here.
 */
import { CronExpressionParser } from 'cron-parser';
import type { SyncWindow } from '../core/argocd-documents.js';
import { argoGlobMatch } from './argocd-glob.js';

/** What a window is matched against: the Application's name and its destination as its spec writes it. */
export interface WindowTarget {
  readonly name: string;
  readonly destination: { readonly server?: string; readonly name?: string; readonly namespace?: string };
}

export type WindowVerdict =
  | { readonly kind: 'open' }
  /** Auto-sync is refused now; `opensAt` is the first time it is not (undefined: not within a year). */
  | { readonly kind: 'closed'; readonly why: string; readonly opensAt: number | undefined }
  | { readonly kind: 'invalid'; readonly why: string };

/** SyncWindows.Matches: the windows that apply to this Application. */
export function matchingWindows(windows: readonly SyncWindow[], app: WindowTarget): SyncWindow[] {
  const any = (patterns: readonly string[] | undefined, ...values: (string | undefined)[]) =>
    (patterns ?? []).some((p) => values.some((v) => v !== undefined && v !== '' && argoGlobMatch(p, v, false)));
  return windows.filter((w) => {
    const and = w.andOperator === true;
    let matched = false;
    let isSet = false;
    if ((w.applications ?? []).length > 0) {
      isSet = true;
      matched = any(w.applications, app.name);
    }
    if (and && isSet && !matched) return false;
    if (!and && matched) return true;
    if ((w.clusters ?? []).length > 0) {
      isSet = true;
      matched = any(w.clusters, app.destination.name, app.destination.server);
    }
    if (isSet && and && !matched) return false;
    if (!and && matched) return true;
    if ((w.namespaces ?? []).length > 0)
      // Argo CD matches the namespace even when it is empty (globMatch("*", "") is true).
      matched = (w.namespaces ?? []).some((p) => argoGlobMatch(p, app.destination.namespace ?? '', false));
    return matched;
  });
}

/** Whether Argo CD would start an automated sync under these (already matched) windows at `now`. */
export function autoSyncVerdict(windows: readonly SyncWindow[], now: number): WindowVerdict {
  if (windows.length === 0) return { kind: 'open' };
  const invalid = windows.map(invalidWhy).find((w) => w !== undefined);
  if (invalid !== undefined) return { kind: 'invalid', why: invalid };
  const closed = closedWhy(windows, now);
  if (closed === undefined) return { kind: 'open' };
  return { kind: 'closed', why: closed, opensAt: whenOpens(windows, now) };
}

const YEAR_MS = 366 * 24 * 3600_000;

function closedWhy(windows: readonly SyncWindow[], t: number): string | undefined {
  const active = windows.filter((w) => isActive(w, t));
  const deny = active.find((w) => w.kind === 'deny');
  if (deny !== undefined) return `deny window "${deny.schedule ?? ''}" for ${deny.duration ?? ''} is active`;
  if (active.some((w) => w.kind === 'allow')) return undefined;
  const allows = windows.filter((w) => w.kind === 'allow');
  if (allows.length > 0)
    return `no allow window is active (${allows.map((w) => `"${w.schedule ?? ''}" for ${w.duration ?? ''}`).join(', ')})`;
  return undefined;
}

/**
 * The first time from `now` at which no window refuses an automated sync, stepping from one window
 * boundary (a start, an end) to the next; undefined when none comes within a year.
 */
function whenOpens(windows: readonly SyncWindow[], now: number): number | undefined {
  let t = now;
  for (let i = 0; i < 2000 && t - now <= YEAR_MS; i++) {
    // A window starts a moment after its firing (the test is strict): say the firing's second.
    if (closedWhy(windows, t) === undefined) return Math.floor(t / 1000) * 1000;
    const candidates = windows.flatMap((w) => {
      const off = offsetMs(w.timeZone, t);
      const dur = durationMs(w.duration ?? '') ?? 0;
      // In the window's shifted clock: the next start, and the end of the activation in progress.
      const start = nextFiring(w.schedule ?? '', t + off) - off + 1;
      const end = nextFiring(w.schedule ?? '', t + off - dur) + dur - off;
      return [start, end].filter((c) => c > t);
    });
    if (candidates.length === 0) return undefined;
    t = Math.min(...candidates);
  }
  return undefined;
}

function isActive(w: SyncWindow, t: number): boolean {
  const off = offsetMs(w.timeZone, t);
  const dur = durationMs(w.duration ?? '') ?? 0;
  return nextFiring(w.schedule ?? '', t + off - dur) < t + off;
}

/** The first firing strictly after `after` (ms), the schedule read in UTC as robfig/cron reads a UTC time. */
function nextFiring(schedule: string, after: number): number {
  const it = CronExpressionParser.parse(schedule, { currentDate: new Date(after), tz: 'UTC' });
  return it.next().getTime();
}

function invalidWhy(w: SyncWindow): string | undefined {
  if (!robfigAccepts(w.schedule ?? '')) return `sync window schedule "${w.schedule ?? ''}" is not a valid cron`;
  if (durationMs(w.duration ?? '') === undefined) return `sync window duration "${w.duration ?? ''}" is not valid`;
  return undefined;
}

const FIELDS: readonly { min: number; max: number; names?: readonly string[] }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/**
 * robfig/cron v3's standard parser (parser.go getField/getRange): five fields, each a list of `*`,
 * `?` or a value or range with an optional step, within the field's bounds; names only for months
 * and days of week; no descriptors (the controller's parser has no Descriptor option).
 */
export function robfigAccepts(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5 || schedule.startsWith('@') || /^(CRON_)?TZ=/.test(schedule)) return false;
  return fields.every((field, i) => {
    const bounds = FIELDS[i];
    if (bounds === undefined) return false;
    const value = (s: string): number | undefined => {
      const named = bounds.names?.indexOf(s.toLowerCase()) ?? -1;
      if (named >= 0) return named + (bounds.min === 1 ? 1 : 0);
      return /^\d+$/.test(s) ? Number(s) : undefined;
    };
    return field.split(',').every((part) => {
      const m = /^(\*|\?|[^-/]+)(?:-([^-/]+))?(?:\/(\d+))?$/.exec(part);
      if (m === null) return false;
      const [, low = '', high, step] = m;
      if (step !== undefined && Number(step) === 0) return false;
      if (low === '*' || low === '?') return high === undefined;
      const start = value(low);
      const end = high === undefined ? start : value(high);
      return start !== undefined && end !== undefined && start >= bounds.min && end <= bounds.max && start <= end;
    });
  });
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };

/** Go's time.ParseDuration, in milliseconds; undefined where it returns an error. */
export function durationMs(text: string): number | undefined {
  const m = /^([-+]?)(.*)$/.exec(text);
  const body = m?.[2] ?? '';
  if (body === '0') return 0;
  if (body === '' || !/^(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.test(body)) return undefined;
  let total = 0;
  for (const [, n = '0', unit = 's'] of body.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g))
    total += Number(n) * (UNIT_MS[unit] ?? 0);
  return m?.[1] === '-' ? -total : total;
}

/** The zone's UTC offset at t, as time.LoadLocation reads the name; Go falls back to UTC when it cannot. */
export function offsetMs(timeZone: string | undefined, t: number): number {
  if (timeZone === undefined || timeZone === '' || timeZone === 'UTC') return 0;
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(t))
      .find((p) => p.type === 'timeZoneName')?.value;
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part ?? '');
    if (m === null) return 0;
    return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  } catch {
    return 0;
  }
}
