/**
 * Readiness is a pure function of an Argo CD Application and the revision that was pushed.
 * Ready means all of: Synced at exactly that revision, Healthy, and the last operation Succeeded.
 * Failed means Argo CD says it will not get there by itself: Degraded or Suspended health, a failed
 * or errored operation on that revision, or an error condition. Everything else is progress.
 */

export interface ArgoApplication {
  metadata?: { name?: string; namespace?: string; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec?: { source?: { repoURL?: string; path?: string; targetRevision?: string } };
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[] };
    health?: { status?: string; message?: string };
    operationState?: {
      phase?: string;
      message?: string;
      retryCount?: number;
      syncResult?: { revision?: string; revisions?: string[]; resources?: SyncResultResource[] };
      operation?: { sync?: { revision?: string } };
    };
    conditions?: { type?: string; message?: string }[];
    resources?: AppResource[];
    reconciledAt?: string;
  };
}

export interface AppResource {
  group?: string; kind?: string; namespace?: string; name?: string; status?: string;
  health?: { status?: string; message?: string };
}
interface SyncResultResource { group?: string; kind?: string; namespace?: string; name?: string; status?: string; message?: string; hookPhase?: string }

export type Phase = 'ready' | 'progressing' | 'failed' | 'missing';

export interface Problem { readonly resource: string; readonly status: string; readonly message?: string | undefined }

export interface ComponentState {
  readonly phase: Phase;
  /** One line a person can act on. */
  readonly reason: string;
  readonly sync?: string | undefined;
  readonly health?: string | undefined;
  readonly revision?: string | undefined;
  readonly operation?: string | undefined;
  readonly resources: { readonly total: number; readonly healthy: number; readonly synced: number };
  /** The resources and messages that explain a failure or a wait. */
  readonly problems: readonly Problem[];
}

const short = (sha: string | undefined): string => (sha ?? '?').slice(0, 7);

export function assessApplication(app: ArgoApplication | undefined, expectedRevision: string): ComponentState {
  if (app === undefined) return { phase: 'missing', reason: 'Application not created yet', resources: { total: 0, healthy: 0, synced: 0 }, problems: [] };
  const st = app.status ?? {};
  const sync = st.sync?.status;
  const health = st.health?.status;
  const revision = st.sync?.revision ?? st.sync?.revisions?.[0];
  const op = st.operationState;
  const opRevision = op?.syncResult?.revision ?? op?.syncResult?.revisions?.[0] ?? op?.operation?.sync?.revision;
  const resources = st.resources ?? [];
  const counts = {
    total: resources.length,
    healthy: resources.filter((r) => r.health === undefined || r.health.status === 'Healthy').length,
    synced: resources.filter((r) => r.status === 'Synced').length,
  };
  const base = { sync, health, revision, operation: op?.phase, resources: counts };

  const errors = (st.conditions ?? []).filter((c) => c.type?.endsWith('Error') === true);
  if (errors.length > 0) {
    return { ...base, phase: 'failed', reason: errors.map((c) => `${c.type ?? ''}: ${firstLine(c.message)}`).join('; '), problems: resourceProblems(app) };
  }
  const ourOperation = opRevision === undefined || opRevision === expectedRevision;
  if ((op?.phase === 'Failed' || op?.phase === 'Error') && ourOperation) {
    return { ...base, phase: 'failed', reason: `sync ${op.phase.toLowerCase()}: ${firstLine(op.message)}`, problems: syncFailures(app).concat(resourceProblems(app)) };
  }
  if (health === 'Degraded') {
    return { ...base, phase: 'failed', reason: `Degraded${st.health?.message ? `: ${firstLine(st.health.message)}` : ''}`, problems: resourceProblems(app) };
  }
  if (health === 'Suspended') {
    return { ...base, phase: 'failed', reason: 'Suspended: a resource is paused and will not progress until resumed', problems: resourceProblems(app) };
  }
  if (app.metadata?.deletionTimestamp !== undefined) return { ...base, phase: 'progressing', reason: 'being deleted', problems: [] };
  if (revision !== expectedRevision) {
    return { ...base, phase: 'progressing', reason: `${sync ?? 'Unknown'} at ${short(revision)}, waiting for ${short(expectedRevision)}`, problems: [] };
  }
  if (op?.phase === 'Running') {
    const retry = op.retryCount ? ` (retry ${op.retryCount})` : '';
    return { ...base, phase: 'progressing', reason: `syncing${retry}${op.message ? `: ${firstLine(op.message)}` : ''}`, problems: syncFailures(app) };
  }
  if (sync !== 'Synced') return { ...base, phase: 'progressing', reason: `${sync ?? 'Unknown'}: waiting for sync`, problems: outOfSync(app) };
  if (health !== 'Healthy') {
    return { ...base, phase: 'progressing', reason: `${health ?? 'Unknown'}${st.health?.message ? `: ${firstLine(st.health.message)}` : ''}`, problems: resourceProblems(app) };
  }
  if (op !== undefined && op.phase !== 'Succeeded') return { ...base, phase: 'progressing', reason: `last operation ${op.phase ?? 'unknown'}`, problems: [] };
  return { ...base, phase: 'ready', reason: `Synced at ${short(revision)} and Healthy`, problems: [] };
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0]?.trim() ?? '';
}

function resourceName(r: { kind?: string; namespace?: string; name?: string }): string {
  return `${r.kind ?? '?'} ${r.namespace ? `${r.namespace}/` : ''}${r.name ?? '?'}`;
}

function resourceProblems(app: ArgoApplication): Problem[] {
  return (app.status?.resources ?? [])
    .filter((r) => r.health !== undefined && r.health.status !== 'Healthy')
    .map((r) => ({ resource: resourceName(r), status: r.health?.status ?? 'Unknown', message: r.health?.message }));
}

function syncFailures(app: ArgoApplication): Problem[] {
  return (app.status?.operationState?.syncResult?.resources ?? [])
    .filter((r) => r.status === 'SyncFailed' || r.hookPhase === 'Failed' || r.hookPhase === 'Error')
    .map((r) => ({ resource: resourceName(r), status: r.status ?? r.hookPhase ?? 'Failed', message: firstLine(r.message) }));
}

function outOfSync(app: ArgoApplication): Problem[] {
  return (app.status?.resources ?? []).filter((r) => r.status === 'OutOfSync').map((r) => ({ resource: resourceName(r), status: 'OutOfSync' }));
}
