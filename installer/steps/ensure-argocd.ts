/**
 * Argo CD: adopt the one the cluster has (changing its configuration only with --configure-argocd),
 * or install the pinned version from the fork when there is none.
 */
import { ARGOCD_NAMESPACE, ARGOCD_VERSION } from '../core/constants.js';
import { ExternalError } from '../core/errors.js';
import { ARGOCD_CONFIG_KEYS, type ArgoCdFacts } from '../systems/argocd.js';
import type { Kube, KubeObject } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';
import { markArgoCdConfigured } from './ensure-install-record.js';

const { appHealth: APP_HEALTH_KEY, crdHealth: CRD_HEALTH_KEY, persistHealth: PERSIST_KEY } = ARGOCD_CONFIG_KEYS;

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export interface ArgoCdOptions {
  /** --configure-argocd: an adopted Argo CD may get our health check and settings. */
  readonly configure: boolean;
}

/** What the run does to Argo CD: install it (absent), configure an adopted one (when allowed), or nothing. */
export function argoCdAction(facts: ArgoCdFacts | undefined, how: ArgoCdOptions): 'install' | 'configure' | 'none' {
  if (facts?.present === false) return 'install';
  if (facts && (!facts.appHealthCheck || !facts.persistsHealth) && how.configure) return 'configure';
  return 'none';
}

/** Installs Argo CD from the fork when the cluster has none; configures an adopted one with --configure-argocd. */
export async function ensureArgoCd(
  kube: Kube,
  facts: ArgoCdFacts | undefined,
  manifests: () => Promise<KubeObject[]>,
  how: ArgoCdOptions,
  log: Logger,
): Promise<void> {
  switch (argoCdAction(facts, how)) {
    case 'install':
      log.step(`installing Argo CD ${ARGOCD_VERSION} from the fork`);
      await installArgoCd(kube, await manifests(), log);
      return;
    case 'configure': {
      const health = healthChecksFrom(await manifests());
      if (health[APP_HEALTH_KEY] === undefined) return;
      log.step('configuring the adopted Argo CD (--configure-argocd)');
      await markArgoCdConfigured(kube);
      await configureArgoCd(kube, health);
      return;
    }
    case 'none':
      return;
  }
}

/**
 * Adds only the installer's keys to Argo CD's config (server-side apply owns just those fields): the
 * health checks, which Argo CD reads live, and health persistence (read at the controller's start).
 */
export async function configureArgoCd(kube: Kube, healthChecks: Record<string, string>): Promise<void> {
  await kube.apply({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-cm', namespace: ARGOCD_NAMESPACE },
    data: healthChecks,
  });
  await kube.apply({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-cmd-params-cm', namespace: ARGOCD_NAMESPACE },
    data: { [PERSIST_KEY]: 'true' },
  });
}

/**
 * The health checks shipped in the fork's Argo CD overlay: Applications (a child gates the root's
 * waves) and CRDs (Progressing until Established, where Argo CD's own says Degraded and fails the
 * root's sync, which then restarts from the first wave).
 */
export function healthChecksFrom(objects: readonly KubeObject[]): Record<string, string> {
  const cm: ConfigMap | undefined = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'argocd-cm');
  const out: Record<string, string> = {};
  for (const key of [APP_HEALTH_KEY, CRD_HEALTH_KEY]) {
    const v = cm?.data?.[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Installs Argo CD from rendered manifests: CRDs first (until Established), then the rest, then waits for its workloads. */
export async function installArgoCd(
  kube: Kube,
  objects: readonly KubeObject[],
  log: Logger,
  timeoutMs = 300_000,
): Promise<void> {
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const ns = objects.filter((o) => o.kind === 'Namespace');
  const rest = objects.filter((o) => o.kind !== 'CustomResourceDefinition' && o.kind !== 'Namespace');
  for (const o of [...ns, ...crds]) await kube.apply(o);
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    for (;;) {
      const got = await kube.get<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: crd.metadata?.name ?? '',
      });
      if (got?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new ExternalError(`CRD ${crd.metadata?.name ?? ''} was not Established in time`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  log.step(`applying ${rest.length} Argo CD objects`);
  for (const o of rest) await kube.apply(o);
}
