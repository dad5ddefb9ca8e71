/**
 * On an empty cluster (`freshCluster({ argocd: 'absent' })`) whoever installs Argo CD applies its
 * manifests, and kwok moves its pods to Running, but nothing runs in them: the local cluster runs
 * Argo CD's application controller, repo-server and redis as host processes. This stands in for the
 * kubelet: it starts those processes (`up` with `argocd: 'processes'`, which re-applies nothing) once
 * the three pods are Running, the moment a kubelet would start their containers. Image pulls and
 * container start-up are not simulated, for either method of the pair.
 */
import { performance } from 'node:perf_hooks';
import { ARGOCD_NAMESPACE } from '../../../installer/core/constants.js';
import type { Kube, KubeObject } from '../../../installer/systems/kube.js';
import { ARGOCD_VERSIONS, type ArgocdVersion } from '../../../installer/systems/local-cluster/config.js';
import { up } from '../../../installer/systems/local-cluster/lifecycle.js';
import { waitUntil } from './wait.js';

/** The pods whose containers are the local cluster's host processes, by app.kubernetes.io/name. */
const HOSTED = ['argocd-application-controller', 'argocd-repo-server', 'argocd-redis'];

interface Pod extends KubeObject {
  status?: { phase?: string };
  spec?: { containers?: { image?: string }[] };
}

/** Pure: whether every hosted pod is Running, and the Argo CD version of the controller's image. */
export function hostedPodsRunning(pods: readonly Pod[]): { running: boolean; version: string | undefined } {
  const nameOf = (p: Pod) => p.metadata?.labels?.['app.kubernetes.io/name'];
  const running = HOSTED.every((n) => pods.some((p) => nameOf(p) === n && p.status?.phase === 'Running'));
  const image = pods.find((p) => nameOf(p) === HOSTED[0])?.spec?.containers?.[0]?.image;
  return { running, version: image?.split(':').at(-1) };
}

export interface ArgocdStart {
  /** performance.now when the pods were Running, and when the processes were ready. */
  readonly podsRunningAt: number;
  readonly readyAt: number;
  readonly version: ArgocdVersion;
}

/** Starts Argo CD's processes once its pods run; rejects at the deadline, resolves undefined when aborted. */
export async function startArgocdWhenItsPodsRun(
  kube: Kube,
  opts: { readonly timeoutMs: number; readonly signal: AbortSignal; readonly log: (m: string) => void },
): Promise<ArgocdStart | undefined> {
  let version: string | undefined;
  const podsRunningAt = await waitUntil(
    async () => {
      const pods = (await kube.request<{ items: Pod[] }>('GET', `/api/v1/namespaces/${ARGOCD_NAMESPACE}/pods`)).items;
      const r = hostedPodsRunning(pods);
      version = r.version;
      return r.running;
    },
    { what: "Argo CD's pods Running", timeoutMs: opts.timeoutMs, intervalMs: 250, signal: opts.signal },
  );
  if (podsRunningAt === undefined) return undefined;
  const known = ARGOCD_VERSIONS.find((v) => v === version);
  if (known === undefined)
    throw new Error(
      `Argo CD ${version ?? '?'} was installed, but the local cluster runs only ${ARGOCD_VERSIONS.join(', ')}`,
    );
  opts.log(`argocd: its pods run; starting the controller and repo-server ${known}`);
  await up({ argocdVersion: known, argocd: 'processes', log: () => undefined });
  return { podsRunningAt, readyAt: performance.now(), version: known };
}
