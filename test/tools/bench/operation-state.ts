/**
 * The sceptic's question after a seeded install: did Argo CD sync anything itself? Read from each
 * Application once the installer has exited: a sync operation leaves `status.operationState` (its
 * phase, the revision it synced, when, who started it, one result per resource it applied) and, once
 * it completes, an entry in `status.history`. An Application Argo CD only compared (found Synced after
 * seeding) has neither. Pure.
 */
import { ROOT_APP_NAME } from '../../../installer/core/constants.js';

/** The parts of an Application this reads (what Argo CD v3 writes). */
export interface ApplicationStatusView {
  readonly metadata?: { readonly name?: string; readonly annotations?: Record<string, string> };
  readonly status?: {
    readonly sync?: { readonly status?: string; readonly revision?: string; readonly revisions?: string[] };
    readonly health?: { readonly status?: string };
    readonly operationState?: {
      readonly phase?: string;
      readonly startedAt?: string;
      readonly finishedAt?: string;
      readonly operation?: { readonly initiatedBy?: { readonly username?: string; readonly automated?: boolean } };
      readonly syncResult?: {
        readonly revision?: string;
        readonly revisions?: string[];
        readonly resources?: readonly { readonly message?: string; readonly hookType?: string }[];
      };
    };
    readonly history?: readonly unknown[];
  };
}

export interface OperationSummary {
  readonly name: string;
  readonly wave: number | undefined;
  /** From the installer's output: seeded, left to Argo CD (with why), or unknown (no seeding line). */
  readonly seeding: 'seeded' | 'left' | 'unknown';
  readonly leftBecause?: string | undefined;
  readonly sync: string | undefined;
  readonly health: string | undefined;
  /** Argo CD's last sync operation, when it ran one. */
  readonly operation?:
    | {
        readonly phase: string | undefined;
        /** The revision it synced (syncResult, else none yet). */
        readonly revision: string | undefined;
        readonly atPushedRevision: boolean;
        /** `automated` (auto-sync, self-heal), or the user that asked. */
        readonly initiatedBy: string | undefined;
        /** Seconds after the installer started (Argo CD's whole-second timestamps). */
        readonly startedAtSeconds: number | undefined;
        readonly finishedAtSeconds: number | undefined;
        /** Resources in its result, and how many of each outcome (the last word of kubectl's message). */
        readonly resources: number;
        readonly outcomes: Readonly<Record<string, number>>;
      }
    | undefined;
  /** Completed sync operations Argo CD recorded. */
  readonly history: number;
  /** Whether Argo CD ran any sync operation on it. */
  readonly argoSynced: boolean;
}

export interface SeedingLog {
  /** Whether the installer printed its seeding summary at all. */
  readonly ran: boolean;
  readonly seeded?: number | undefined;
  readonly left: ReadonlyMap<string, string>;
}

const SEEDED = /seeded (\d+) components? as Argo CD applies them/;
const LEFT = /^\s*(?:[►⚠]\s+)?([a-z0-9][a-z0-9-]*): left to Argo CD's sync \((.*)\)\s*$/;

/** What the installer's progress lines say about seeding. */
export function seedingFromLog(lines: readonly string[]): SeedingLog {
  const left = new Map<string, string>();
  let seeded: number | undefined;
  for (const l of lines) {
    const s = SEEDED.exec(l);
    if (s) seeded = Number(s[1]);
    const m = LEFT.exec(l);
    if (m?.[1] !== undefined) left.set(m[1], m[2] ?? '');
  }
  return { ran: seeded !== undefined || left.size > 0, seeded, left };
}

const outcomeOf = (message: string | undefined): string => message?.trim().split(/\s+/).at(-1) ?? '(no message)';

export function summarizeOperation(
  app: ApplicationStatusView,
  pushedRevision: string,
  installerStartEpochMs: number,
  seeding: SeedingLog,
): OperationSummary {
  const name = app.metadata?.name ?? '?';
  const st = app.status ?? {};
  const op = st.operationState;
  const secondsOf = (t: string | undefined) =>
    t === undefined ? undefined : Math.round((Date.parse(t) - installerStartEpochMs) / 100) / 10;
  const resources = (op?.syncResult?.resources ?? []).filter((r) => r.hookType === undefined);
  const outcomes: Record<string, number> = {};
  for (const r of resources) outcomes[outcomeOf(r.message)] = (outcomes[outcomeOf(r.message)] ?? 0) + 1;
  const revisions = [op?.syncResult?.revision, ...(op?.syncResult?.revisions ?? [])].filter(
    (r): r is string => r !== undefined && r !== '',
  );
  const wave = app.metadata?.annotations?.['argocd.argoproj.io/sync-wave'];
  const history = st.history?.length ?? 0;
  const seedingOf = (): OperationSummary['seeding'] => {
    if (!seeding.ran || name === ROOT_APP_NAME) return 'unknown';
    return seeding.left.has(name) ? 'left' : 'seeded';
  };
  return {
    name,
    wave: wave === undefined ? undefined : Number.parseInt(wave, 10),
    seeding: seedingOf(),
    leftBecause: seeding.left.get(name),
    sync: st.sync?.status,
    health: st.health?.status,
    operation:
      op === undefined
        ? undefined
        : {
            phase: op.phase,
            revision: revisions[0],
            atPushedRevision: revisions.includes(pushedRevision),
            initiatedBy: op.operation?.initiatedBy?.automated ? 'automated' : op.operation?.initiatedBy?.username,
            startedAtSeconds: secondsOf(op.startedAt),
            finishedAtSeconds: secondsOf(op.finishedAt),
            resources: resources.length,
            outcomes,
          },
    history,
    argoSynced: op !== undefined || history > 0,
  };
}

/** Every Application, the root first, then by wave and name. */
export function summarizeOperations(
  apps: readonly ApplicationStatusView[],
  pushedRevision: string,
  installerStartEpochMs: number,
  seeding: SeedingLog,
): OperationSummary[] {
  const rank = (s: OperationSummary) => (s.name === ROOT_APP_NAME ? Number.NEGATIVE_INFINITY : (s.wave ?? 0));
  return apps
    .map((a) => summarizeOperation(a, pushedRevision, installerStartEpochMs, seeding))
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** One line for the whole install: how many components Argo CD synced itself, and how many resources. */
export function operationsVerdict(rows: readonly OperationSummary[]): string {
  const children = rows.filter((r) => r.name !== ROOT_APP_NAME);
  const synced = children.filter((r) => r.argoSynced);
  const resources = synced.reduce((n, r) => n + (r.operation?.resources ?? 0), 0);
  const seededThenSynced = synced.filter((r) => r.seeding === 'seeded');
  if (synced.length === 0)
    return `Argo CD ran no sync operation on any of the ${children.length} components: it only compared them`;
  return (
    `Argo CD ran a sync operation on ${synced.length} of ${children.length} components (${resources} resources in their results)` +
    (seededThenSynced.length > 0
      ? `, ${seededThenSynced.length} of them seeded: ${seededThenSynced.map((r) => r.name).join(', ')}`
      : '')
  );
}
