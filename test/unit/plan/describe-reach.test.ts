/**
 * What install, apply, upgrade and status say at the end about reaching the dashboard: per target and
 * per shape of the gateway Service (upstream's ClusterIP, a LoadBalancer with or without an address,
 * NodePort, an Ingress in front), the login email and where the generated password is kept.
 */
import { describe, expect, it } from 'vitest';
import { TARGETS, type Target } from '../../../installer/catalogue/targets.js';
import {
  describeReach,
  reachJson,
  reachLines,
  WORKSTATION_TARGETS,
  type GatewayFacts,
  type ReachFacts,
} from '../../../installer/plan/describe-reach.js';
import { targetOf } from '../../../installer/steps/tell-how-to-reach.js';

/** Upstream's gateway Service: ClusterIP, HTTP on 80 named http2. */
const UPSTREAM: GatewayFacts = {
  type: 'ClusterIP',
  ports: [
    { name: 'status-port', port: 15021 },
    { name: 'http2', port: 80 },
    { name: 'https', port: 443 },
  ],
};
const PASSWORD = '/home/ada/.config/kubeflow-gitops/credentials/abc.admin-password';
const facts = (o: Partial<ReachFacts> = {}): ReachFacts => ({
  context: 'kind-kubeflow',
  gateway: UPSTREAM,
  login: { email: 'user@example.com', passwordFile: PASSWORD },
  ...o,
});
const CLOUD = TARGETS.filter((t) => !WORKSTATION_TARGETS.includes(t));

describe('reaching the dashboard on a workstation cluster', () => {
  it.each(WORKSTATION_TARGETS)(
    '%s: `open` or the equivalent kubectl port-forward, the login and the password file',
    (t) => {
      expect(reachLines(t, facts())).toEqual([
        'Open the Kubeflow dashboard from this machine:',
        '  kubeflow-gitops open --context kind-kubeflow',
        '  (or: kubectl --context kind-kubeflow port-forward svc/istio-ingressgateway -n istio-system 8080:80, then browse http://localhost:8080/)',
        `Log in as user@example.com with the password in ${PASSWORD}.`,
      ]);
      expect(describeReach(t, facts())).toMatchObject({ way: 'port-forward', url: 'http://localhost:8080/' });
    },
  );

  it('forwards to whatever port the gateway serves HTTP on', () => {
    const gateway = { type: 'ClusterIP', ports: [{ name: 'http', port: 8000 }] };
    expect(reachLines('kind', facts({ gateway })).join('\n')).toContain(
      'port-forward svc/istio-ingressgateway -n istio-system 8080:8000',
    );
  });

  it('quotes a context name a shell would split', () => {
    expect(reachLines('minikube', facts({ context: "ada's cluster" }))[1]).toBe(
      "  kubeflow-gitops open --context 'ada'\\''s cluster'",
    );
  });
});

describe('reaching the dashboard on a cloud or generic cluster', () => {
  it.each(CLOUD)(
    '%s: the LoadBalancer address of the gateway, which is plain HTTP: TLS first, the port-forward until then',
    (t) => {
      const gateway = { ...UPSTREAM, type: 'LoadBalancer', loadBalancer: 'k8s-istio-abc.elb.amazonaws.com' };
      expect(describeReach(t, facts({ gateway }))).toMatchObject({
        way: 'load-balancer',
        url: 'http://k8s-istio-abc.elb.amazonaws.com/',
        commands: ['kubeflow-gitops open --context kind-kubeflow'],
      });
      expect(reachLines(t, facts({ gateway }))).toEqual([
        "The gateway answers at http://k8s-istio-abc.elb.amazonaws.com/ (the LoadBalancer of Service istio-system/istio-ingressgateway), but over plain HTTP, and Kubeflow's login needs HTTPS anywhere but localhost: put TLS in front of it (see docs/reaching-kubeflow.md). Until then:",
        'Open the Kubeflow dashboard from this machine:',
        '  kubeflow-gitops open --context kind-kubeflow',
        '  (or: kubectl --context kind-kubeflow port-forward svc/istio-ingressgateway -n istio-system 8080:80, then browse http://localhost:8080/)',
        `Log in as user@example.com with the password in ${PASSWORD}.`,
      ]);
    },
  );

  it('an Ingress without TLS is plain HTTP too', () => {
    const ingress = { namespace: 'istio-system', name: 'kubeflow', address: '203.0.113.7', tls: false };
    expect(describeReach('generic', facts({ ingress }))).toMatchObject({ way: 'ingress', url: 'http://203.0.113.7/' });
    expect(reachLines('generic', facts({ ingress }))[0]).toMatch(
      /^The gateway answers at http:\/\/203\.0\.113\.7\/ \(Ingress istio-system\/kubeflow in front of the gateway\), but over plain HTTP/,
    );
  });

  it('an IPv6 LoadBalancer address is bracketed', () => {
    const gateway = { ...UPSTREAM, type: 'LoadBalancer', loadBalancer: '2001:db8::1' };
    expect(describeReach('gke', facts({ gateway })).url).toBe('http://[2001:db8::1]/');
  });

  it('an Ingress in front of the gateway wins, https when it has TLS', () => {
    const ingress = { namespace: 'istio-system', name: 'kubeflow', host: 'kubeflow.example.com', tls: true };
    expect(describeReach('eks', facts({ ingress }))).toMatchObject({
      way: 'ingress',
      url: 'https://kubeflow.example.com/',
      lines: [
        'Open the Kubeflow dashboard: https://kubeflow.example.com/ (Ingress istio-system/kubeflow in front of the gateway)',
        `Log in as user@example.com with the password in ${PASSWORD}.`,
      ],
    });
  });

  it.each(CLOUD)("%s: a ClusterIP gateway is exposed in the fork's istio overlay; meanwhile the port-forward", (t) => {
    const lines = reachLines(t, facts());
    expect(lines[0]).toMatch(
      new RegExp(
        `^The gateway \\(Service istio-system/istio-ingressgateway\\) is ClusterIP: only reachable inside the cluster\\. To serve Kubeflow to others, expose it with .+ in the fork's overlays/${t}/istio/ \\(see docs/reaching-kubeflow\\.md\\)\\.$`,
      ),
    );
    expect(lines.slice(1, 3)).toEqual([
      'Open the Kubeflow dashboard from this machine:',
      '  kubeflow-gitops open --context kind-kubeflow',
    ]);
  });

  it('names the way each cloud exposes a Service', () => {
    expect(reachLines('eks', facts())[0]).toContain('AWS Load Balancer Controller');
    expect(reachLines('gke', facts())[0]).toContain('GKE Ingress');
    expect(reachLines('aks', facts())[0]).toContain('Application Gateway Ingress');
  });

  it('a LoadBalancer still waiting for its address: how to watch for it, and the port-forward until then', () => {
    const gateway = { ...UPSTREAM, type: 'LoadBalancer' };
    expect(reachLines('aks', facts({ gateway })).slice(0, 3)).toEqual([
      'The LoadBalancer of Service istio-system/istio-ingressgateway has no address yet; see when it gets one: kubectl --context kind-kubeflow get svc istio-ingressgateway -n istio-system -w',
      'Until then:',
      'Open the Kubeflow dashboard from this machine:',
    ]);
  });

  it('a NodePort gateway: any node address and the HTTP node port', () => {
    const gateway = { type: 'NodePort', ports: [{ name: 'http2', port: 80, nodePort: 31380 }] };
    expect(describeReach('generic', facts({ gateway }))).toMatchObject({
      way: 'node-port',
      url: 'http://<node-address>:31380/',
    });
  });
});

describe('what every target says', () => {
  it.each(TARGETS)('%s: no gateway Service means no dashboard, and says which component brings it', (t: Target) => {
    expect(describeReach(t, facts({ gateway: undefined }))).toMatchObject({
      way: 'no-gateway',
      lines: [
        'Kubeflow has no Istio ingress gateway here (Service istio-system/istio-ingressgateway does not exist), and the dashboard is served through it: add the istio component.',
      ],
    });
  });

  it('a password the user chose is not looked for on disk', () => {
    const lines = reachLines('kind', facts({ login: { email: 'ada@example.org' } }));
    expect(lines.at(-1)).toBe(
      'Log in as ada@example.org with the password you set (--admin-password-file, KFG_ADMIN_PASSWORD or the wizard); no generated password is kept on this machine.',
    );
  });

  it('without Dex there is no login line', () => {
    expect(reachLines('kind', facts({ login: undefined })).join('\n')).not.toContain('Log in');
  });

  it('--output json: one reach event with the same facts and message', () => {
    expect(reachJson('kind', facts())).toEqual({
      event: 'reach',
      target: 'kind',
      way: 'port-forward',
      url: 'http://localhost:8080/',
      commands: ['kubeflow-gitops open --context kind-kubeflow'],
      email: 'user@example.com',
      passwordFile: PASSWORD,
      message: reachLines('kind', facts()),
    });
  });
});

describe('the target, read from the component Applications in the cluster', () => {
  it('is the overlay folder their paths point at', () => {
    expect(targetOf([{ spec: { source: { path: 'overlays/eks/dex' } } }])).toBe('eks');
  });
  it('is generic when no path names a known target', () => {
    expect(targetOf([{ spec: { source: { path: 'apps/pipeline' } } }, {}])).toBe('generic');
  });
});
