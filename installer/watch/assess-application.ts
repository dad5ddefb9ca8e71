/**
 * Readiness is a pure function of an Argo CD Application and the revision that was pushed.
 * Ready means all of: Synced at exactly that revision, Healthy, and the last operation Succeeded.
 * Failed means Argo CD says it will not get there by itself: Degraded or Suspended health, a failed
 * or errored operation on that revision, or an error condition. Everything else is progress.
 *
 * Shapes below are those Argo CD v3 really writes (see test/fixtures/app-status, captured from a
 * live controller): the Application-level health carries no message before v3.6 and only the names of
 * the resources behind it from v3.6, so reasons name an unhealthy resource with its own message; multi-source Applications report `sync.revisions` (one sha per
 * source, the fork's not necessarily first) and no `sync.revision`; `syncResult.resources` marks plain
 * resources `hookPhase: Running` even after a successful sync, so only entries with a `hookType` are hooks.
 */

import type { AppResource, ArgoApplication, ComponentState } from './argo-application.js';
import {
  awaitedButMissing,
  explain,
  firstLine,
  outOfSync,
  resourceName,
  resourceProblems,
  revisionsOf,
  runningHooks,
  syncFailures,
} from './application-problems.js';
import { isRepoUnreachable, isWebhookRefused, schemaLackingOf } from './read-conditions.js';

export type {
  AppResource,
  ArgoApplication,
  ComponentState,
  GroupVersionKind,
  Phase,
  Problem,
} from './argo-application.js';
export { causesOf } from './application-problems.js';
export { isRepoUnreachable, schemaLackingOf } from './read-conditions.js';

const short = (sha: string | undefined): string => (sha ?? '?').slice(0, 7);

/** What every verdict reads off the Application: its sync, health and revisions, and whether the last operation is ours. */
interface Facts {
  readonly app: ArgoApplication;
  readonly expected: string;
  readonly sync: string | undefined;
  readonly health: string | undefined;
  readonly atExpected: boolean;
  readonly revision: string | undefined;
  readonly op: NonNullable<ArgoApplication['status']>['operationState'];
  readonly opRevisions: string[];
  /** An operation that names no revision cannot be told apart from ours; it counts as ours. */
  readonly ourOperation: boolean;
  /** The fields every ComponentState carries. */
  readonly base: Omit<ComponentState, 'phase' | 'reason' | 'problems'>;
}

type Verdict = ComponentState | undefined;

export function assessApplication(app: ArgoApplication | undefined, expectedRevision: string): ComponentState {
  if (app === undefined)
    return {
      phase: 'missing',
      reason: 'Application not created yet',
      resources: { total: 0, healthy: 0, synced: 0 },
      problems: [],
    };
  const f = factsOf(app, expectedRevision);
  // The order is the verdict's precedence: a failure first, then what is still moving, then ready.
  return (
    errorConditions(f) ??
    failedOperation(f) ??
    retryingOperation(f) ??
    failedHealth(f) ??
    notYetAtRevision(f) ??
    runningOperation(f) ??
    notSynced(f) ??
    settled(f)
  );
}

function factsOf(app: ArgoApplication, expected: string): Facts {
  const st = app.status ?? {};
  const synced = revisionsOf(st.sync);
  const atExpected = synced.includes(expected);
  const revision = atExpected ? expected : synced[0];
  const op = st.operationState;
  const opRevisions = revisionsOf(op?.syncResult).concat(revisionsOf(op?.operation?.sync));
  const resources = st.resources ?? [];
  const counts = {
    total: resources.length,
    healthy: resources.filter((r) => r.health === undefined || r.health.status === 'Healthy').length,
    synced: resources.filter((r) => r.status === 'Synced').length,
  };
  const sync = st.sync?.status;
  const health = st.health?.status;
  return {
    app,
    expected,
    sync,
    health,
    atExpected,
    revision,
    op,
    opRevisions,
    ourOperation: opRevisions.length === 0 || opRevisions.includes(expected),
    base: { sync, health, revision, operation: op?.phase, resources: counts },
  };
}

/**
 * An error condition. SyncError describes the last operation ("Failed last sync attempt to [sha]"):
 * when that operation was for an earlier revision it is stale, and Argo CD will still try the pushed one.
 */
function errorConditions({ app, base, ourOperation }: Facts): Verdict {
  const errors = (app.status?.conditions ?? []).filter(
    (c) => c.type?.endsWith('Error') === true && (c.type !== 'SyncError' || ourOperation),
  );
  if (errors.length === 0) return undefined;
  const lacking = errors.map(schemaLackingOf);
  const schemaLacks = lacking.every((g) => g !== undefined) ? lacking[0] : undefined;
  return {
    ...base,
    phase: 'failed',
    reason: errors.map((c) => `${c.type ?? ''}: ${firstLine(c.message)}`).join('; '),
    problems: syncFailures(app).concat(resourceProblems(app)),
    ...(errors.some(isRepoUnreachable) ? { repoUnreachable: true } : {}),
    ...(schemaLacks ? { schemaLacks } : {}),
    ...(errors.every(isWebhookRefused) ? { webhookRefused: true } : {}),
  };
}

/** Our operation failed or errored. */
function failedOperation({ app, base, op, ourOperation }: Facts): Verdict {
  if ((op?.phase !== 'Failed' && op?.phase !== 'Error') || !ourOperation) return undefined;
  return {
    ...base,
    phase: 'failed',
    reason: `sync ${op.phase.toLowerCase()}: ${firstLine(op.message)}`,
    problems: syncFailures(app).concat(resourceProblems(app)),
  };
}

/**
 * Argo CD keeps a failed sync "Running" while it retries with backoff (up to its retry limit, many
 * minutes); the attempt already failed, so say so now. The failure grace lets a retry recover.
 */
function retryingOperation({ app, base, op, ourOperation }: Facts): Verdict {
  const retrying = /^(.*?)\.? Retrying attempt #\d+/s.exec(op?.message ?? '');
  if (op?.phase !== 'Running' || (op.retryCount ?? 0) === 0 || !retrying || !ourOperation) return undefined;
  return {
    ...base,
    phase: 'failed',
    reason: `sync failed, Argo CD is retrying (attempt ${op.retryCount ?? 0}): ${firstLine(retrying[1])}`,
    problems: syncFailures(app).concat(resourceProblems(app)),
  };
}

/** Degraded or Suspended: Argo CD does not expect it to get better by itself. */
function failedHealth({ app, base, health }: Facts): Verdict {
  if (health !== 'Degraded' && health !== 'Suspended') return undefined;
  const problems = resourceProblems(app);
  const why =
    health === 'Suspended'
      ? 'paused, will not progress until resumed'
      : 'Argo CD does not expect it to recover by itself';
  return {
    ...base,
    phase: 'failed',
    reason: `${health}: ${explain(app.status?.health?.message, problems, health) ?? why}`,
    problems,
  };
}

/** Being deleted, or synced to another revision than the pushed one. */
function notYetAtRevision({ app, base, atExpected, op, opRevisions, sync, revision, expected }: Facts): Verdict {
  if (app.metadata?.deletionTimestamp !== undefined)
    return { ...base, phase: 'progressing', reason: 'being deleted', problems: [] };
  if (atExpected) return undefined;
  const lastFailed =
    op?.phase === 'Failed' || op?.phase === 'Error'
      ? ` (last sync ${op.phase.toLowerCase()} at ${short(opRevisions[0])})`
      : '';
  return {
    ...base,
    phase: 'progressing',
    reason: `${sync ?? 'Unknown'} at ${short(revision)}, waiting for ${short(expected)}${lastFailed}`,
    problems: [],
  };
}

/** A sync is running: its hooks, or an object it awaits that is gone (then it cannot finish). */
function runningOperation({ app, base, op }: Facts): Verdict {
  if (op?.phase !== 'Running') return undefined;
  const gone: AppResource | undefined = awaitedButMissing(app);
  if (gone !== undefined)
    return {
      ...base,
      phase: 'failed',
      awaitsMissing: gone,
      reason: `sync cannot finish: it waits for ${resourceName(gone)} to turn healthy, but that object is gone (deleted after the sync applied it); terminate the operation (argocd app terminate-op ${app.metadata?.name ?? ''}) and Argo CD syncs again`,
      problems: [{ resource: resourceName(gone), status: 'Missing', message: 'awaited by the running sync' }],
    };
  const retry = op.retryCount ? ` (retry ${op.retryCount})` : '';
  return {
    ...base,
    phase: 'progressing',
    reason: `syncing${retry}${op.message ? `: ${firstLine(op.message)}` : ''}`,
    problems: runningHooks(app).concat(syncFailures(app)),
  };
}

/** At the revision but not Synced: waiting for a sync, or for Argo CD to compare again after ours. */
function notSynced({ app, base, sync, health, op, ourOperation, expected }: Facts): Verdict {
  if (sync === 'Synced') return undefined;
  const h = health !== undefined && health !== 'Healthy' ? ` (${health})` : '';
  if (op?.phase === 'Succeeded' && ourOperation)
    return {
      ...base,
      phase: 'progressing',
      reason: `${sync ?? 'Unknown'}${h}: synced ${short(expected)}, waiting for Argo CD to compare again`,
      problems: outOfSync(app),
      recheck: true,
    };
  return {
    ...base,
    phase: 'progressing',
    reason: `${sync ?? 'Unknown'}${h}: waiting for sync`,
    problems: outOfSync(app),
  };
}

/** Synced at the revision: ready once Healthy with its last operation Succeeded. */
function settled({ app, base, health, op, revision }: Facts): ComponentState {
  if (health !== 'Healthy') {
    const problems = resourceProblems(app);
    const why = explain(app.status?.health?.message, problems, health);
    return { ...base, phase: 'progressing', reason: `${health ?? 'Unknown'}${why ? `: ${why}` : ''}`, problems };
  }
  if (op !== undefined && op.phase !== 'Succeeded')
    return { ...base, phase: 'progressing', reason: `last operation ${op.phase ?? 'unknown'}`, problems: [] };
  return { ...base, phase: 'ready', reason: `Synced at ${short(revision)} and Healthy`, problems: [] };
}
