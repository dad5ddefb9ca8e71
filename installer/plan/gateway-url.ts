/**
 * The external URL of an install served over HTTPS (--url with --tls): the Kubeflow Gateway's HTTPS
 * server names the host. `open` and the end-of-install message show it instead of a port-forward,
 * which the gateway's HTTP→HTTPS redirect would send to a localhost certificate that cannot match.
 * Pure.
 */
export const KUBEFLOW_GATEWAY = { namespace: 'kubeflow', name: 'kubeflow-gateway' } as const;

export interface GatewayDoc {
  spec?: {
    servers?: { port?: { protocol?: string; number?: number }; hosts?: string[]; tls?: { credentialName?: string } }[];
  };
}

export function gatewayUrl(gw: GatewayDoc | undefined): string | undefined {
  for (const s of gw?.spec?.servers ?? []) {
    if (s.port?.protocol !== 'HTTPS') continue;
    const host = (s.hosts ?? []).map((h) => h.replace(/^[^/]*\//, '')).find((h) => h !== '*' && !h.startsWith('*.'));
    if (host !== undefined)
      return `https://${host}${s.port.number === undefined || s.port.number === 443 ? '' : `:${String(s.port.number)}`}/`;
  }
  return undefined;
}
