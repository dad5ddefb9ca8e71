/**
 * How a person reaches the Kubeflow dashboard once everything is ready, as lines to print and as data
 * for --output json. Pure: the target and what the cluster says about the gateway and the login go
 * in; `install`, `apply`, `upgrade` and `status` print the result (steps/tell-how-to-reach.ts).
 *
 * Workstation clusters (kind, minikube, MicroK8s, the local test cluster) are reached through a
 * port-forward from the machine that ran the command. Cloud and generic clusters are reached through
 * an HTTPS Ingress in front of the gateway, or the gateway Service's LoadBalancer address or node
 * port; upstream's gateway Service is ClusterIP and serves plain HTTP, which Kubeflow's login accepts
 * only on localhost, so until it is exposed over HTTPS the port-forward is the way in there too.
 */
import type { Target } from '../catalogue/targets.js';
import { GATEWAY_NAMESPACE, GATEWAY_SERVICE, OPEN_DEFAULT_PORT, TOOL } from '../core/constants.js';

export interface GatewayPort {
  readonly name?: string | undefined;
  readonly port: number;
  readonly nodePort?: number | undefined;
}

/** The Service istio-system/istio-ingressgateway as the cluster has it. */
export interface GatewayFacts {
  /** ClusterIP, LoadBalancer or NodePort. */
  readonly type: string;
  readonly ports: readonly GatewayPort[];
  /** The LoadBalancer's first address (IP or host name), once the cloud has given one. */
  readonly loadBalancer?: string | undefined;
}

/** An Ingress that sends traffic to the gateway Service. */
export interface IngressFacts {
  readonly namespace: string;
  readonly name: string;
  /** The first rule's host, when it names one. */
  readonly host?: string | undefined;
  /** The address the Ingress controller published (IP or host name). */
  readonly address?: string | undefined;
  readonly tls: boolean;
}

export interface ReachFacts {
  /** The kubeconfig context the commands must use. */
  readonly context: string;
  /** Undefined when the cluster has no gateway Service (the istio component is not installed). */
  readonly gateway?: GatewayFacts | undefined;
  readonly ingress?: IngressFacts | undefined;
  /** The HTTPS URL the Kubeflow Gateway serves (--url with --tls), when it serves one. */
  readonly external?: string | undefined;
  /** The Dex static user; undefined when the install has no Dex. */
  readonly login?:
    | {
        readonly email: string;
        /** Where the generated password was saved on this machine; undefined when the user chose it. */
        readonly passwordFile?: string | undefined;
      }
    | undefined;
}

export type ReachWay = 'https' | 'port-forward' | 'load-balancer' | 'ingress' | 'node-port' | 'no-gateway';

export interface Reach {
  readonly way: ReachWay;
  /** Where the dashboard answers (for a port-forward: once it runs). */
  readonly url?: string | undefined;
  /** Commands to run, in the order given. */
  readonly commands: readonly string[];
  readonly login?: ReachFacts['login'];
  /** What is printed on stderr. */
  readonly lines: readonly string[];
}

/** Clusters on the machine that runs the command: a port-forward is the way in. */
export const WORKSTATION_TARGETS: readonly Target[] = ['kind', 'minikube', 'microk8s', 'local'];

/** How to expose the gateway on each cloud, said when it is still ClusterIP. */
const EXPOSE: Readonly<Partial<Record<Target, string>>> = {
  eks: 'an Ingress for the AWS Load Balancer Controller, or a Service type: LoadBalancer patch',
  gke: 'a Service type: LoadBalancer patch, or a GKE Ingress',
  aks: 'a Service type: LoadBalancer patch, or an Application Gateway Ingress',
  generic: "a Service type: LoadBalancer (or NodePort) patch, or an Ingress of your cluster's controller",
};

/** `s` as one shell word (contexts such as EKS ARNs are fine bare; anything else is single-quoted). */
export const shellWord = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);

/** The gateway's HTTP port: the one named http2 or http (upstream: 80, named http2), else 80. */
export function httpPort(gateway: GatewayFacts | undefined): GatewayPort {
  const ports = gateway?.ports ?? [];
  return (
    ports.find((p) => p.name === 'http2') ??
    ports.find((p) => p.name === 'http') ??
    ports.find((p) => p.port === 80) ?? { port: 80 }
  );
}

const urlFor = (scheme: 'http' | 'https', host: string, port?: number): string =>
  `${scheme}://${host.includes(':') ? `[${host}]` : host}${port === undefined || port === (scheme === 'http' ? 80 : 443) ? '' : `:${port}`}/`;

export function describeReach(target: Target, facts: ReachFacts): Reach {
  const ctx = shellWord(facts.context);
  const open = `${TOOL} open --context ${ctx}`;
  const forward = `kubectl --context ${ctx} port-forward svc/${GATEWAY_SERVICE} -n ${GATEWAY_NAMESPACE} ${OPEN_DEFAULT_PORT}:${httpPort(facts.gateway).port}`;
  const local = `http://localhost:${OPEN_DEFAULT_PORT}/`;
  const login = loginLines(facts.login);
  const service = `Service ${GATEWAY_NAMESPACE}/${GATEWAY_SERVICE}`;
  const portForward = (why: string[]): Reach => ({
    way: 'port-forward',
    url: local,
    commands: [open],
    login: facts.login,
    lines: [
      ...why,
      'Open the Kubeflow dashboard from this machine:',
      `  ${open}`,
      `  (or: ${forward}, then browse ${local})`,
      ...login,
    ],
  });

  // Kubeflow's web apps set secure cookies, which browsers keep over plain HTTP only for localhost.
  const plainHttp = (way: ReachWay, url: string, via: string): Reach => ({
    ...portForward([
      `The gateway answers at ${url} ${via}, but over plain HTTP, and Kubeflow's login needs HTTPS anywhere but localhost: put TLS in front of it (see docs/reaching-kubeflow.md). Until then:`,
    ]),
    way,
    url,
  });

  if (facts.gateway === undefined)
    return {
      way: 'no-gateway',
      commands: [],
      login: facts.login,
      lines: [
        `Kubeflow has no Istio ingress gateway here (${service} does not exist), and the dashboard is served through it: add the istio component.`,
      ],
    };
  if (facts.external !== undefined)
    return reachAt('https', facts.external, '(the gateway serves HTTPS for this host, --url)', facts, login);
  if (WORKSTATION_TARGETS.includes(target)) return portForward([]);

  const ing = facts.ingress;
  if (ing !== undefined && (ing.host ?? ing.address) !== undefined) {
    const url = urlFor(ing.tls ? 'https' : 'http', ing.host ?? ing.address ?? '');
    const via = `(Ingress ${ing.namespace}/${ing.name} in front of the gateway)`;
    return ing.tls ? reachAt('ingress', url, via, facts, login) : plainHttp('ingress', url, via);
  }
  const gw = facts.gateway;
  if (gw.type === 'LoadBalancer' && gw.loadBalancer !== undefined)
    return plainHttp(
      'load-balancer',
      urlFor('http', gw.loadBalancer, httpPort(gw).port),
      `(the LoadBalancer of ${service})`,
    );
  if (gw.type === 'NodePort' && httpPort(gw).nodePort !== undefined) {
    const url = `http://<node-address>:${String(httpPort(gw).nodePort)}/`;
    return plainHttp('node-port', url, `(any node's address: kubectl --context ${ctx} get nodes -o wide)`);
  }
  if (gw.type === 'LoadBalancer' || ing !== undefined) {
    const what =
      gw.type === 'LoadBalancer'
        ? `The LoadBalancer of ${service}`
        : `Ingress ${ing?.namespace ?? ''}/${ing?.name ?? ''}`;
    return portForward([
      `${what} has no address yet; see when it gets one: kubectl --context ${ctx} get ${gw.type === 'LoadBalancer' ? `svc ${GATEWAY_SERVICE}` : `ingress ${ing?.name ?? ''}`} -n ${GATEWAY_NAMESPACE} -w`,
      'Until then:',
    ]);
  }
  return portForward([
    `The gateway (${service}) is ${gw.type}: only reachable inside the cluster. To serve Kubeflow to others, expose it with ${EXPOSE[target] ?? EXPOSE.generic ?? ''} in the fork's overlays/${target}/istio/ (see docs/reaching-kubeflow.md).`,
  ]);
}

export function reachLines(target: Target, facts: ReachFacts): readonly string[] {
  return describeReach(target, facts).lines;
}

/** The `reach` event of --output json. */
export function reachJson(target: Target, facts: ReachFacts): object {
  const r = describeReach(target, facts);
  return {
    event: 'reach',
    target,
    way: r.way,
    url: r.url,
    commands: r.commands,
    email: r.login?.email,
    passwordFile: r.login?.passwordFile,
    message: r.lines,
  };
}

function reachAt(way: ReachWay, url: string, via: string, facts: ReachFacts, login: string[]): Reach {
  return {
    way,
    url,
    commands: [],
    login: facts.login,
    lines: [`Open the Kubeflow dashboard: ${url} ${via}`, ...login],
  };
}

function loginLines(login: ReachFacts['login']): string[] {
  if (login === undefined) return [];
  const where =
    login.passwordFile !== undefined
      ? `the password in ${login.passwordFile}`
      : 'the password you set (--admin-password-file, KFG_ADMIN_PASSWORD or the wizard); no generated password is kept on this machine';
  return [`Log in as ${login.email} with ${where}.`];
}
