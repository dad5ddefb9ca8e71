/**
 * `open`: the Kubeflow dashboard on this machine, through the Istio ingress gateway. Finds a Ready
 * pod behind Service istio-system/istio-ingressgateway, forwards a local port to it (as
 * `kubectl port-forward svc/istio-ingressgateway` does), prints the URL on stdout, starts a browser
 * when a person at a desktop ran it, and forwards until Ctrl-C. Changes nothing in the cluster.
 */
import type { Interruptible } from '../../core/interruptible.js';
import { GATEWAY_NAMESPACE, GATEWAY_SERVICE, TOOL } from '../../core/constants.js';
import type { Deps } from '../../deps.js';
import { ExitCode, UserError } from '../../core/errors.js';
import { connectCluster } from '../../steps/connect-cluster.js';
import type { ClusterChoice } from '../../inputs/cluster-choice.js';
import type { Kube, KubeObject } from '../../systems/kube.js';
import { readGatewayUrl } from '../../steps/read-gateway-url.js';
import { shouldOpenBrowser, type BrowserFacts } from './browser-choice.js';
import { shellWord } from '../../plan/describe-reach.js';
import { pickGatewayPod, selectorOf, type PodDoc, type ServiceDoc } from './gateway-pod.js';

export interface OpenOptions {
  readonly cluster: ClusterChoice;
  /** Local port; 0 lets the system choose (the URL on stdout says which). */
  readonly port: number;
  /** Whether a browser may be started, and what decides it (see browser-choice.ts). */
  readonly browser: BrowserFacts;
  readonly stdout: NodeJS.WritableStream;
  /** Runs the forward until Ctrl-C aborts its signal (the CLI's withInterrupt). */
  readonly interruptible: Interruptible;
}

export async function runOpen(o: OpenOptions, deps: Deps): Promise<number> {
  const kube = connectCluster(deps, o.cluster);
  // Served over HTTPS at its own URL: that is the way in (a port-forward would meet the redirect).
  const external = await readGatewayUrl(kube);
  if (external !== undefined) {
    deps.log.step(`Kubeflow is served at ${external} (the gateway's HTTPS host)`);
    o.stdout.write(`${external}\n`);
    if (shouldOpenBrowser(o.browser))
      deps.openBrowser(external, (m) => {
        deps.log.warn(`${m}; open ${external} yourself`);
      });
    return ExitCode.ok;
  }
  const target = await findGatewayPod(kube);
  const tunnel = await deps
    .portForward(o.cluster)
    .listen({ namespace: GATEWAY_NAMESPACE, pod: target.pod, port: target.port }, o.port, (m) => {
      deps.log.warn(m);
    });
  try {
    const url = `http://localhost:${String(tunnel.port)}/`;
    deps.log.step(
      `forwarding ${url} to pod ${GATEWAY_NAMESPACE}/${target.pod} port ${String(target.port)} (the gateway's port ${String(target.servicePort)}); Ctrl-C to stop`,
    );
    o.stdout.write(`${url}\n`);
    if (shouldOpenBrowser(o.browser))
      deps.openBrowser(url, (m) => {
        deps.log.warn(`${m}; open ${url} yourself`);
      });
    await o.interruptible(untilAborted);
    return ExitCode.ok;
  } finally {
    await tunnel.close();
  }
}

/** The pod behind the gateway Service, or a message naming what is missing and the command that tells more. */
async function findGatewayPod(kube: Kube): Promise<{ pod: string; port: number; servicePort: number }> {
  const service = await kube.get<ServiceDoc & KubeObject>({
    apiVersion: 'v1',
    kind: 'Service',
    namespace: GATEWAY_NAMESPACE,
    name: GATEWAY_SERVICE,
  });
  const selector = service ? selectorOf(service) : undefined;
  const pods =
    selector === undefined
      ? []
      : await kube.list<PodDoc & KubeObject>(
          { apiVersion: 'v1', resource: 'pods' },
          { namespace: GATEWAY_NAMESPACE, labelSelector: selector },
        );
  const picked = pickGatewayPod(service, pods);
  if (picked.kind === 'missing')
    throw new UserError(
      `cannot open Kubeflow in context "${kube.target.context}": ${picked.what}. The dashboard is served through the Istio ingress gateway; see what the install is waiting for with: ${TOOL} status --context ${shellWord(kube.target.context)}`,
      ExitCode.preflight,
    );
  return picked;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    signal.addEventListener(
      'abort',
      () => {
        resolve();
      },
      { once: true },
    );
  });
}
