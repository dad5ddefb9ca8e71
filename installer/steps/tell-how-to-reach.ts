/**
 * Once every component is ready, `install`, `apply`, `upgrade` and `status` end by saying how to open
 * the dashboard. The facts come from the cluster itself (the root Application names the fork and
 * branch, the component Applications the target, the gateway Service and any Ingress in front of it,
 * Dex's configuration the login email) so all four commands say the same; the words are
 * plan/describe-reach.ts's. Only reads: a read that fails costs the message, never the run.
 */
import { existsSync } from 'node:fs';
import { isTarget, type Target } from '../catalogue/targets.js';
import {
  ANNOTATION_COMPONENT,
  DEFAULT_ADMIN_EMAIL,
  FORK_OVERLAYS_DIR,
  GATEWAY_NAMESPACE,
  GATEWAY_SERVICE,
  ROOT_APP_NAME,
} from '../core/constants.js';
import type { Deps } from '../deps.js';
import { adminPasswordFile } from './publish-fork.js';
import {
  describeReach,
  reachJson,
  type GatewayFacts,
  type IngressFacts,
  type ReachFacts,
} from '../plan/describe-reach.js';
import { dexStaticUserEmail } from '../plan/render-dex-user.js';
import { readGatewayUrl } from './read-gateway-url.js';
import { applicationRef, listApplications } from '../systems/argocd.js';
import { orAbsent, type Kube, type KubeObject } from '../systems/kube.js';

export interface ReachOutput {
  readonly json: boolean;
  readonly stdout?: NodeJS.WritableStream | undefined;
  readonly stderr?: NodeJS.WritableStream | undefined;
}

export async function tellHowToReach(
  kube: Kube,
  deps: Pick<Deps, 'stateDir' | 'log'>,
  out: ReachOutput,
): Promise<void> {
  let found: { target: Target; facts: ReachFacts };
  try {
    found = await gatherReachFacts(kube, deps.stateDir);
  } catch (err) {
    deps.log.warn(`could not read how to reach the dashboard: ${(err as Error).message}`);
    return;
  }
  if (out.json) {
    const line = { time: new Date().toISOString(), ...reachJson(found.target, found.facts) };
    (out.stdout ?? process.stdout).write(`${JSON.stringify(line)}\n`);
    return;
  }
  const lines = describeReach(found.target, found.facts).lines;
  (out.stderr ?? process.stderr).write(`\n${lines.join('\n')}\n`);
}

interface App extends KubeObject {
  spec?: { source?: { repoURL?: string; targetRevision?: string; path?: string } };
}

interface Service extends KubeObject {
  spec?: { type?: string; ports?: { name?: string; port?: number; nodePort?: number }[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

interface Ingress extends KubeObject {
  spec?: {
    defaultBackend?: { service?: { name?: string } };
    rules?: { host?: string; http?: { paths?: { backend?: { service?: { name?: string } } }[] } }[];
    tls?: unknown[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export async function gatherReachFacts(kube: Kube, stateDir: string): Promise<{ target: Target; facts: ReachFacts }> {
  const root = await kube.get<App>(applicationRef(ROOT_APP_NAME));
  const apps = (await listApplications(kube)) as App[];
  const components = apps.filter((a) => a.metadata?.annotations?.[ANNOTATION_COMPONENT] !== undefined);
  const service = await kube.get<Service>({
    apiVersion: 'v1',
    kind: 'Service',
    namespace: GATEWAY_NAMESPACE,
    name: GATEWAY_SERVICE,
  });
  const hasDex = components.some((a) => a.metadata?.annotations?.[ANNOTATION_COMPONENT] === 'dex');
  const repoURL = root?.spec?.source?.repoURL;
  const branch = root?.spec?.source?.targetRevision;
  const saved = repoURL && branch ? adminPasswordFile(stateDir, repoURL, branch) : undefined;
  return {
    target: targetOf(components),
    facts: {
      context: kube.target.context,
      gateway: service ? gatewayOf(service) : undefined,
      ingress: service ? await ingressToGateway(kube) : undefined,
      external: service ? await readGatewayUrl(kube) : undefined,
      login: hasDex
        ? {
            email: (await dexEmail(kube)) ?? DEFAULT_ADMIN_EMAIL,
            passwordFile: saved && existsSync(saved) ? saved : undefined,
          }
        : undefined,
    },
  };
}

/** The target the components' overlays are for (`overlays/<target>/<component>`); generic when they do not say. */
export function targetOf(components: readonly App[]): Target {
  for (const a of components) {
    const m = new RegExp(`^${FORK_OVERLAYS_DIR}/([^/]+)/`).exec(a.spec?.source?.path ?? '');
    if (m?.[1] !== undefined && isTarget(m[1])) return m[1];
  }
  return 'generic';
}

function gatewayOf(s: Service): GatewayFacts {
  const lb = s.status?.loadBalancer?.ingress?.[0];
  return {
    type: s.spec?.type ?? 'ClusterIP',
    ports: (s.spec?.ports ?? []).map((p) => ({ name: p.name, port: p.port ?? 0, nodePort: p.nodePort })),
    loadBalancer: lb?.hostname ?? lb?.ip,
  };
}

/** An Ingress in the gateway's namespace whose backend is the gateway Service (as EKS's ALB setup has). */
async function ingressToGateway(kube: Kube): Promise<IngressFacts | undefined> {
  const list = await kube
    .list<Ingress>({ apiVersion: 'networking.k8s.io/v1', resource: 'ingresses' }, { namespace: GATEWAY_NAMESPACE })
    .catch(orAbsent([]));
  const ing = list.find(
    (i) =>
      i.spec?.defaultBackend?.service?.name === GATEWAY_SERVICE ||
      (i.spec?.rules ?? []).some((r) =>
        (r.http?.paths ?? []).some((p) => p.backend?.service?.name === GATEWAY_SERVICE),
      ),
  );
  if (ing === undefined) return undefined;
  const lb = ing.status?.loadBalancer?.ingress?.[0];
  return {
    namespace: GATEWAY_NAMESPACE,
    name: ing.metadata?.name ?? '',
    host: ing.spec?.rules?.find((r) => r.host !== undefined)?.host,
    address: lb?.hostname ?? lb?.ip,
    tls:
      (ing.spec?.tls ?? []).length > 0 ||
      Object.keys(ing.metadata?.annotations ?? {}).some((k) => TLS_ANNOTATIONS.has(k)),
  };
}

/** Cloud Ingress controllers take the certificate from an annotation rather than spec.tls. */
const TLS_ANNOTATIONS = new Set([
  'alb.ingress.kubernetes.io/certificate-arn',
  'networking.gke.io/managed-certificates',
  'ingress.gcp.kubernetes.io/pre-shared-cert',
  'appgw.ingress.kubernetes.io/appgw-ssl-certificate',
]);

/** The static user's email from Dex's configuration as deployed (upstream: ConfigMap auth/dex). */
async function dexEmail(kube: Kube): Promise<string | undefined> {
  const cm = await kube.get<KubeObject & { data?: Record<string, string> }>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'auth',
    name: 'dex',
  });
  const config = cm?.data?.['config.yaml'];
  return config === undefined ? undefined : dexStaticUserEmail(config);
}
