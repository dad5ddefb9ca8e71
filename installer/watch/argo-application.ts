/** An Argo CD Application as readiness reads it, and what readiness says of it (assess-application.ts). */

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
