/**
 * The decisions `open` makes before it forwards anything: which pod and port behind the gateway
 * Service (as `kubectl port-forward svc/…` picks them), and whether to start a browser.
 */
import { describe, expect, it } from 'vitest';
import { shouldOpenBrowser } from '../../../../installer/commands/open/browser-choice.js';
import {
  pickGatewayPod,
  selectorOf,
  type PodDoc,
  type ServiceDoc,
} from '../../../../installer/commands/open/gateway-pod.js';

/** Upstream's istio-ingressgateway Service (Kubeflow 26.03, common/istio/istio-install/base). */
const SERVICE: ServiceDoc = {
  spec: {
    type: 'ClusterIP',
    selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    ports: [
      { name: 'status-port', port: 15021, targetPort: 15021 },
      { name: 'http2', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 8443 },
    ],
  },
};
const pod = (name: string, o: { ready?: boolean; phase?: string; deleting?: boolean } = {}): PodDoc => ({
  metadata: { name, ...(o.deleting ? { deletionTimestamp: '2026-12-02T10:00:00Z' } : {}) },
  spec: { containers: [{ ports: [{ name: 'http2', containerPort: 8080 }] }] },
  status: {
    phase: o.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
  },
});

describe('the pod and port open forwards to', () => {
  it("is a Ready pod's container port behind the Service's HTTP port", () => {
    expect(pickGatewayPod(SERVICE, [pod('gw-b'), pod('gw-a', { ready: false }), pod('gw-c')])).toEqual({
      kind: 'pod',
      pod: 'gw-b',
      port: 8080,
      servicePort: 80,
    });
  });

  it('skips pods that are not Running, not Ready or being deleted', () => {
    const pods = [pod('a', { phase: 'Pending' }), pod('b', { deleting: true }), pod('c', { ready: false }), pod('d')];
    expect(pickGatewayPod(SERVICE, pods)).toMatchObject({ pod: 'd' });
  });

  it("looks a named target port up in the pod's containers", () => {
    const named: ServiceDoc = { spec: { ...SERVICE.spec, ports: [{ name: 'http', port: 8000, targetPort: 'http2' }] } };
    expect(pickGatewayPod(named, [pod('gw')])).toEqual({ kind: 'pod', pod: 'gw', port: 8080, servicePort: 8000 });
  });

  it('without a target port, the Service port itself', () => {
    const bare: ServiceDoc = { spec: { selector: { app: 'gw' }, ports: [{ port: 80 }] } };
    expect(pickGatewayPod(bare, [pod('gw')])).toMatchObject({ port: 80, servicePort: 80 });
  });

  it.each<[string, ServiceDoc | undefined, PodDoc[], string]>([
    ['no Service', undefined, [], 'Service istio-system/istio-ingressgateway does not exist'],
    [
      'no selector',
      { spec: { ports: [{ port: 80 }] } },
      [],
      'Service istio-system/istio-ingressgateway has no selector, so no pod serves it',
    ],
    [
      'no HTTP port',
      { spec: { selector: { app: 'gw' }, ports: [{ name: 'tls', port: 443 }] } },
      [pod('gw')],
      'Service istio-system/istio-ingressgateway has no HTTP port (named http2 or http, or 80)',
    ],
    [
      'no Ready pod',
      SERVICE,
      [pod('gw', { ready: false })],
      'no Ready pod behind Service istio-system/istio-ingressgateway (1 pod(s) match its selector, none Running and Ready)',
    ],
    [
      'a named port no container has',
      { spec: { selector: { app: 'gw' }, ports: [{ name: 'http2', port: 80, targetPort: 'web' }] } },
      [pod('gw')],
      'pod istio-system/gw has no container port named "web" (the target port of Service istio-system/istio-ingressgateway)',
    ],
  ])('%s: says what is missing', (_case, service, pods, what) => {
    expect(pickGatewayPod(service, pods)).toEqual({ kind: 'missing', what });
  });

  it('lists pods by the Service selector', () => {
    expect(selectorOf(SERVICE)).toBe('app=istio-ingressgateway,istio=ingressgateway');
  });
});

describe('whether open starts a browser', () => {
  const person = { browser: true, isTTY: true, env: { DISPLAY: ':0' }, platform: 'linux' as const };
  it('does for a person at a terminal with a desktop: X11, Wayland or macOS', () => {
    expect(shouldOpenBrowser(person)).toBe(true);
    expect(shouldOpenBrowser({ ...person, env: { WAYLAND_DISPLAY: 'wayland-0' } })).toBe(true);
    expect(shouldOpenBrowser({ ...person, env: {}, platform: 'darwin' })).toBe(true);
  });
  it.each([
    ['--no-browser', { ...person, browser: false }],
    ['stdout is not a terminal (a script reads the URL)', { ...person, isTTY: false }],
    ['no display (ssh, a server)', { ...person, env: {} }],
    ['CI', { ...person, env: { DISPLAY: ':0', CI: 'true' } }],
  ])('does not with %s', (_why, facts) => {
    expect(shouldOpenBrowser(facts)).toBe(false);
  });
});
