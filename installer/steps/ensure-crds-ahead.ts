/**
 * Creates the components' missing CRDs before the root Application, waits until the API server
 * serves them, and has Argo CD rebuild its cluster cache once (see plan/crds-ahead.ts for why).
 * Two steps, so that the run can stop on the first before anything is seeded: `applyCrdsAhead`
 * (list, record, apply; an error of the cluster stops the run) and `settleCrdsAhead` (the
 * Established wait and the cache rebuild, which seeding overlaps). A CRD that fails to apply, or is
 * not Established in time, is left to Argo CD's own sync, which reports it.
 */
import { isEstablished } from '../core/crd-status.js';
import { crdsToApply, type RenderedComponent } from '../plan/crds-ahead.js';
import { ARGOCD_SSA_MANAGER, invalidateClusterCache } from '../systems/argocd.js';
import { KubeApiError, type Kube, type KubeObject } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';
import { awaitEach, limiter } from './pacing.js';

const CRDS = { apiVersion: 'apiextensions.k8s.io/v1', resource: 'customresourcedefinitions' } as const;
const crdRef = (name: string) => ({
  apiVersion: CRDS.apiVersion,
  kind: 'CustomResourceDefinition',
  name,
});

export interface CrdsAheadOptions {
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Ask Argo CD to rebuild its cluster cache afterwards (see preflight/argocd-version.ts for when it is not safe). */
  readonly invalidate?: boolean;
  /** How long to wait for Established before leaving the rest to Argo CD. */
  readonly establishTimeoutMs?: number;
  /** Told the names of the CRDs about to be created, before they are (the install record, for uninstall). */
  readonly beforeCreate?: (names: readonly string[]) => Promise<void>;
  /**
   * Why Argo CD would not apply this component's CRDs now (its sync window, its project, …): they are
   * then left to its own sync (plan/plan-component-seed.ts crdsAheadRefusal).
   */
  readonly refuse?: ((component: string, crds: readonly string[]) => string | undefined) | undefined;
}

export interface CrdsAheadResult {
  readonly created: readonly string[];
  readonly failed: readonly string[];
  readonly invalidated?: 'annotated' | 'created' | undefined;
}

/** Applies every render's missing CRDs; resolves once all renders are in and each CRD was applied or failed. */
export async function applyCrdsAhead(
  kube: Kube,
  renders: readonly Promise<RenderedComponent>[],
  log: Logger,
  opts: CrdsAheadOptions = {},
): Promise<CrdsAheadResult & { readonly startedAt: number }> {
  const startedAt = (opts.now ?? Date.now)();
  const live = new Map((await kube.list(CRDS)).map((c) => [c.metadata?.name ?? '', c]));
  // Names taken by an earlier component: each CRD is applied once.
  const claimed = new Set<string>();
  const created: string[] = [];
  const failed: string[] = [];
  const apply = limiter(8);
  // Each component's CRDs go as soon as its render lands, so applying overlaps the renders still running.
  await Promise.all(
    renders.map(async (render) => {
      const r = await render.catch(() => undefined);
      if (r === undefined) return;
      const candidates = crdsToApply([r], live, ARGOCD_SSA_MANAGER).filter((c) => !claimed.has(c.name));
      for (const c of candidates) claimed.add(c.name);
      const refused =
        candidates.length > 0
          ? opts.refuse?.(
              r.component,
              candidates.map((c) => c.name),
            )
          : undefined;
      if (refused !== undefined) log.info(`${r.component}: CRDs left to Argo CD's sync (${refused})`);
      const wanted = refused === undefined ? candidates : [];
      const creating = wanted.filter((c) => c.action === 'create').map((c) => c.name);
      if (creating.length > 0) await opts.beforeCreate?.(creating);
      await Promise.all(
        wanted.map((c) =>
          apply(async () => {
            try {
              await kube.apply(c.object, { fieldManager: ARGOCD_SSA_MANAGER, force: true });
              created.push(c.name);
            } catch (err) {
              failed.push(c.name);
              log.warn(`CRD ${c.name} (${c.component}) left to Argo CD's sync: ${errorText(err)}`);
            }
          }),
        ),
      );
    }),
  );
  return { created, failed, startedAt };
}

/**
 * Waits until the CRDs applied ahead are Established, then has Argo CD rebuild its cache once. Both
 * only save Argo CD time, and seeding runs beside them: neither stops the run, each says what it
 * left to Argo CD (a CRD the API server does not call Established, an error reading one, a failed
 * rebuild of the cache).
 */
export async function settleCrdsAhead(
  kube: Kube,
  applied: CrdsAheadResult & { readonly startedAt: number },
  log: Logger,
  opts: CrdsAheadOptions = {},
): Promise<CrdsAheadResult> {
  const now = opts.now ?? Date.now;
  const { created, failed } = applied;
  if (created.length === 0) return { created, failed };
  const pending = await waitEstablished(kube, created, opts).catch((err: unknown) => {
    log.warn(`could not read whether the CRDs ahead are Established, left to Argo CD: ${errorText(err)}`);
    return created;
  });
  if (pending.length > 0) log.warn(`not Established yet, left to Argo CD: ${pending.join(', ')}`);
  // A cache that does not exist yet ignores this; one that does rebuilds once instead of per CRD event.
  const invalidated =
    opts.invalidate === true
      ? await invalidateClusterCache(kube, new Date(now())).catch((err: unknown) => {
          log.warn(`could not have Argo CD rebuild its cluster cache: ${errorText(err)}`);
          return undefined;
        })
      : undefined;
  log.step(
    `applied ${created.length} new or changed CRDs ahead of their components, as Argo CD applies them; ` +
      `Established in ${((now() - applied.startedAt) / 1000).toFixed(1)} s`,
  );
  return { created, failed, invalidated };
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function waitEstablished(kube: Kube, names: readonly string[], opts: CrdsAheadOptions): Promise<string[]> {
  return awaitEach(names, async (name) => isEstablished(await kube.get(crdRef(name)).catch(notFound)), {
    now: opts.now,
    sleep: opts.sleep,
    timeoutMs: opts.establishTimeoutMs ?? 60_000,
    intervalMs: 200,
  });
}

function notFound(err: unknown): KubeObject | undefined {
  if (err instanceof KubeApiError && err.code === 404) return undefined;
  throw err;
}
