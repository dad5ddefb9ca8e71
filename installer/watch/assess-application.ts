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
      operation?: { sync?: { revision?: string; revisions?: string[] } };
    };
    conditions?: { type?: string; message?: string }[];
    resources?: AppResource[];
    reconciledAt?: string;
  };
}

export interface AppResource {
  group?: string;
  version?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  status?: string;
  health?: { status?: string; message?: string };
}
interface SyncResultResource {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  status?: string;
  message?: string;
  hookPhase?: string;
  hookType?: string;
}

export type Phase = 'ready' | 'progressing' | 'failed' | 'missing';

export interface Problem {
  readonly resource: string;
  readonly status: string;
  readonly message?: string | undefined;
}

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
  /**
   * Argo CD applied the expected revision successfully yet still compares OutOfSync: usually its
   * cluster cache has not caught up with objects of CRDs created moments ago, and a fresh comparison
   * (a refresh, not another sync) settles it.
   */
  readonly recheck?: boolean;
  /**
   * The running sync waits for this object to turn healthy, and Argo CD sees it Missing: Argo CD
   * never re-checks a task without a live object, so unless its cache is only behind (the watch asks
   * the API server) that sync cannot finish.
   */
  readonly awaitsMissing?: AppResource | undefined;
  /**
   * Argo CD cannot read the Application's repository at all (not found, credentials refused, host
   * unknown): nothing it does by itself changes that, so a root in this state ends the wait at once.
   */
  readonly repoUnreachable?: boolean;
  /**
   * Argo CD cannot compare because the API schema its cluster cache holds lacks a kind the
   * Application uses (see schemaLackingOf): the API server may serve it by now.
   */
  readonly schemaLacks?: GroupVersionKind | undefined;
  /**
   * Argo CD v3.6+ could not compare because an admission webhook refused or could not answer the
   * dry-run apply of its server-side diff (a webhook whose service is still starting): a fresh
   * comparison settles it once the webhook answers.
   */
  readonly webhookRefused?: boolean;
}

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/**
 * How Argo CD (and the git it runs) words a repository it cannot read, in a ComparisonError:
 * "repository not found", "authentication required: ...", "Unable to resolve '<branch>' to a commit
 * SHA", "... Could not resolve host", "dial tcp: lookup <host>: no such host", "connection refused",
 * "Permission denied (publickey)".
 */
const REPO_UNREACHABLE =
  /repository not found|authentication required|authentication failed|unable to resolve|could not resolve host|no such host|connection refused|permission denied \(publickey\)|ssh: handshake failed/i;

/**
 * gitops-engine's diff of a server-side-applied Application looks each kind up in the OpenAPI schema
 * its cluster cache loaded (v3.0-v3.5 in its structured-merge diff; from v3.6, which diffs such
 * Applications server-side, to tell its own fields from webhook mutations), and reloads that schema
 * only on a CRD or APIService event. Loaded while the API server had not yet published a new CRD's
 * schema (it does so just after the CRD is Established, and again for every CRD after it restarts), it
 * lacks that kind until the next such event: "error calculating structured merge diff: unable to
 * resolve parseableType for GroupVersionKind: cert-manager.io/v1, Kind=ClusterIssuer" (v3.6: "error
 * calculating server side diff: serverSideDiff error: error removing non config mutations for resource
 * ClusterIssuer/<name>: unable to resolve parseableType ..."; the same GroupVersionKind wording).
 */
const SCHEMA_LACKS =
  /unable to resolve parseableType for GroupVersionKind: ([^/\s,]*)\/([^/\s,]+), Kind=([A-Za-z0-9]+)/;

export function schemaLackingOf(condition: { type?: string; message?: string }): GroupVersionKind | undefined {
  if (condition.type !== 'ComparisonError') return undefined;
  const m = SCHEMA_LACKS.exec(condition.message ?? '');
  return m ? { group: m[1] ?? '', version: m[2] ?? '', kind: m[3] ?? '' } : undefined;
}

/**
 * A comparison that failed after the repository was read: from v3.6 Argo CD diffs a server-side-applied
 * Application by a dry-run apply, so an admission webhook that cannot be reached fails the comparison
 * ("failed calling webhook ...: connect: connection refused"), which is not about the repository.
 */
const DIFF_STAGE = /failed to compare desired state to live state|failed calling webhook/i;

const isWebhookRefused = (condition: { type?: string; message?: string }): boolean =>
  condition.type === 'ComparisonError' && /failed calling webhook/i.test(condition.message ?? '');

export const isRepoUnreachable = (condition: { type?: string; message?: string }): boolean =>
  condition.type === 'ComparisonError' &&
  REPO_UNREACHABLE.test(condition.message ?? '') &&
  !DIFF_STAGE.test(condition.message ?? '') &&
  schemaLackingOf(condition) === undefined;

const short = (sha: string | undefined): string => (sha ?? '?').slice(0, 7);

export function assessApplication(app: ArgoApplication | undefined, expectedRevision: string): ComponentState {
  if (app === undefined)
    return {
      phase: 'missing',
      reason: 'Application not created yet',
      resources: { total: 0, healthy: 0, synced: 0 },
      problems: [],
    };
  const st = app.status ?? {};
  const sync = st.sync?.status;
  const health = st.health?.status;
  const synced = revisionsOf(st.sync);
  const atExpected = synced.includes(expectedRevision);
  const revision = atExpected ? expectedRevision : synced[0];
  const op = st.operationState;
  const opRevisions = revisionsOf(op?.syncResult).concat(revisionsOf(op?.operation?.sync));
  // An operation that names no revision cannot be told apart from ours; count it as ours.
  const ourOperation = opRevisions.length === 0 || opRevisions.includes(expectedRevision);
  const resources = st.resources ?? [];
  const counts = {
    total: resources.length,
    healthy: resources.filter((r) => r.health === undefined || r.health.status === 'Healthy').length,
    synced: resources.filter((r) => r.status === 'Synced').length,
  };
  const base = { sync, health, revision, operation: op?.phase, resources: counts };

  // SyncError describes the last operation ("Failed last sync attempt to [sha]"): when that operation
  // was for an earlier revision it is stale, and Argo CD will still try the pushed one.
  const errors = (st.conditions ?? []).filter(
    (c) => c.type?.endsWith('Error') === true && (c.type !== 'SyncError' || ourOperation),
  );
  if (errors.length > 0) {
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
  if ((op?.phase === 'Failed' || op?.phase === 'Error') && ourOperation) {
    return {
      ...base,
      phase: 'failed',
      reason: `sync ${op.phase.toLowerCase()}: ${firstLine(op.message)}`,
      problems: syncFailures(app).concat(resourceProblems(app)),
    };
  }
  // Argo CD keeps a failed sync "Running" while it retries with backoff (up to its retry limit, many
  // minutes); the attempt already failed, so say so now. The failure grace lets a retry recover.
  const retrying = /^(.*?)\.? Retrying attempt #\d+/s.exec(op?.message ?? '');
  if (op?.phase === 'Running' && (op.retryCount ?? 0) > 0 && retrying && ourOperation) {
    return {
      ...base,
      phase: 'failed',
      reason: `sync failed, Argo CD is retrying (attempt ${op.retryCount ?? 0}): ${firstLine(retrying[1])}`,
      problems: syncFailures(app).concat(resourceProblems(app)),
    };
  }
  if (health === 'Degraded' || health === 'Suspended') {
    const problems = resourceProblems(app);
    const why =
      health === 'Suspended'
        ? 'paused, will not progress until resumed'
        : 'Argo CD does not expect it to recover by itself';
    return {
      ...base,
      phase: 'failed',
      reason: `${health}: ${explain(st.health?.message, problems, health) ?? why}`,
      problems,
    };
  }
  if (app.metadata?.deletionTimestamp !== undefined)
    return { ...base, phase: 'progressing', reason: 'being deleted', problems: [] };
  if (!atExpected) {
    const lastFailed =
      op?.phase === 'Failed' || op?.phase === 'Error'
        ? ` (last sync ${op.phase.toLowerCase()} at ${short(opRevisions[0])})`
        : '';
    return {
      ...base,
      phase: 'progressing',
      reason: `${sync ?? 'Unknown'} at ${short(revision)}, waiting for ${short(expectedRevision)}${lastFailed}`,
      problems: [],
    };
  }
  if (op?.phase === 'Running') {
    const gone = awaitedButMissing(app);
    if (gone !== undefined) {
      return {
        ...base,
        phase: 'failed',
        awaitsMissing: gone,
        reason: `sync cannot finish: it waits for ${resourceName(gone)} to turn healthy, but that object is gone (deleted after the sync applied it); terminate the operation (argocd app terminate-op ${app.metadata?.name ?? ''}) and Argo CD syncs again`,
        problems: [{ resource: resourceName(gone), status: 'Missing', message: 'awaited by the running sync' }],
      };
    }
    const retry = op.retryCount ? ` (retry ${op.retryCount})` : '';
    return {
      ...base,
      phase: 'progressing',
      reason: `syncing${retry}${op.message ? `: ${firstLine(op.message)}` : ''}`,
      problems: runningHooks(app).concat(syncFailures(app)),
    };
  }
  if (sync !== 'Synced') {
    const h = health !== undefined && health !== 'Healthy' ? ` (${health})` : '';
    if (op?.phase === 'Succeeded' && ourOperation) {
      return {
        ...base,
        phase: 'progressing',
        reason: `${sync ?? 'Unknown'}${h}: synced ${short(expectedRevision)}, waiting for Argo CD to compare again`,
        problems: outOfSync(app),
        recheck: true,
      };
    }
    return {
      ...base,
      phase: 'progressing',
      reason: `${sync ?? 'Unknown'}${h}: waiting for sync`,
      problems: outOfSync(app),
    };
  }
  if (health !== 'Healthy') {
    const problems = resourceProblems(app);
    const why = explain(st.health?.message, problems, health);
    return { ...base, phase: 'progressing', reason: `${health ?? 'Unknown'}${why ? `: ${why}` : ''}`, problems };
  }
  if (op !== undefined && op.phase !== 'Succeeded')
    return { ...base, phase: 'progressing', reason: `last operation ${op.phase ?? 'unknown'}`, problems: [] };
  return { ...base, phase: 'ready', reason: `Synced at ${short(revision)} and Healthy`, problems: [] };
}

/** gitops-engine names the first task it waits for as "waiting for healthy state of <group>/<kind>/<name>". */
function awaitedButMissing(app: ArgoApplication): AppResource | undefined {
  const m = /^waiting for healthy state of ([^/\s]*)\/([^/\s]+)\/(\S+)/.exec(app.status?.operationState?.message ?? '');
  if (!m) return undefined;
  const [, group, kind, name] = m;
  return (app.status?.resources ?? []).find(
    (r) => (r.group ?? '') === group && r.kind === kind && r.name === name && r.health?.status === 'Missing',
  );
}

/** Single-source status fills `revision`; multi-source fills `revisions` (and may leave `revision` empty). */
function revisionsOf(s: { revision?: string; revisions?: string[] } | undefined): string[] {
  return [s?.revision, ...(s?.revisions ?? [])].filter((r): r is string => r !== undefined && r !== '');
}

/**
 * Why the Application is in `health`: the resource Argo CD names, with its own message when Argo CD
 * keeps per-resource health, else the first resource in that health, else Argo CD's message as it is.
 * Argo CD v3.0-v3.5 leave the Application's health message empty; v3.6 fills it with the resources that
 * caused the last change of health ("Caused by apps/Deployment:ns/web, ... and 2 more", at most three),
 * which without per-resource health is kept from that change and may name a resource that has since
 * recovered: a hint, and explain-from-objects.ts has the last word.
 */
function explain(
  appMessage: string | undefined,
  problems: readonly Problem[],
  health: string | undefined,
): string | undefined {
  const causes = causesOf(appMessage);
  if (causes === undefined && appMessage) return firstLine(appMessage);
  const named = causes?.map((c) => problems.find((p) => p.resource === c)).find((p) => p !== undefined);
  const p = named ?? problems.find((x) => x.status === health) ?? problems[0];
  if (p) return `${p.resource}${p.message ? `: ${firstLine(p.message)}` : ` is ${p.status}`}`;
  return causes?.[0] === undefined ? undefined : `${causes[0]} is ${health ?? 'Unknown'}`;
}

/** The resources of Argo CD v3.6's "Caused by <group/Kind>:<namespace>/<name>, ..." as resourceName() words them. */
export function causesOf(message: string | undefined): string[] | undefined {
  const m = /^Caused by (.+?)(?: and \d+ more)?$/.exec(firstLine(message));
  if (!m) return undefined;
  return (m[1] ?? '').split(', ').map((part) => {
    const colon = part.indexOf(':');
    const groupKind = colon < 0 ? part : part.slice(0, colon);
    const ref = colon < 0 ? '' : part.slice(colon + 1);
    const slash = ref.indexOf('/');
    return resourceName({
      kind: groupKind.split('/').pop(),
      namespace: slash < 0 ? undefined : ref.slice(0, slash),
      name: slash < 0 ? ref : ref.slice(slash + 1),
    });
  });
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
    .map((r) => ({
      resource: resourceName(r),
      status: r.status ?? r.hookPhase ?? 'Failed',
      message: firstLine(r.message),
    }));
}

/** Hooks the running operation waits for (plain resources also say `hookPhase: Running`, hooks have a `hookType`). */
function runningHooks(app: ArgoApplication): Problem[] {
  return (app.status?.operationState?.syncResult?.resources ?? [])
    .filter((r) => r.hookType !== undefined && (r.hookPhase === 'Running' || r.hookPhase === 'Pending'))
    .map((r) => ({
      resource: resourceName(r),
      status: `${r.hookType ?? ''} hook ${r.hookPhase ?? ''}`,
      message: firstLine(r.message),
    }));
}

function outOfSync(app: ArgoApplication): Problem[] {
  return (app.status?.resources ?? [])
    .filter((r) => r.status === 'OutOfSync')
    .map((r) => ({ resource: resourceName(r), status: 'OutOfSync' }));
}
