/**
 * Reads the Kubeflow Gateway and returns the HTTPS URL it serves, if any (open/gateway-url.ts). Only
 * reads; a cluster without Istio's Gateway API, or without the Gateway, simply has no such URL.
 */
import { KUBEFLOW_GATEWAY, gatewayUrl, type GatewayDoc } from '../plan/gateway-url.js';
import type { Kube, KubeObject } from '../systems/kube.js';

export async function readGatewayUrl(kube: Kube): Promise<string | undefined> {
  if (!(await kube.served('networking.istio.io/v1beta1').catch(() => false))) return undefined;
  const gw = await kube.get<GatewayDoc & KubeObject>({
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    ...KUBEFLOW_GATEWAY,
  });
  return gatewayUrl(gw);
}
