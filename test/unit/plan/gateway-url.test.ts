import { describe, expect, it } from 'vitest';
import { loginOptionsFrom } from '../../../installer/inputs/login-options.js';
import { describeReach } from '../../../installer/plan/describe-reach.js';
import { gatewayUrl, type GatewayDoc } from '../../../installer/plan/gateway-url.js';
import { loginUrls } from '../../../installer/plan/login-urls.js';
import { renderGatewayComponent } from '../../../installer/plan/render-exposure.js';
import { parse } from 'yaml';

describe('the real URL of an HTTPS install', () => {
  it('is read back from the Gateway the fork renders for --url and --tls', () => {
    const login = loginOptionsFrom({ url: 'https://kf.example.com', expose: 'loadbalancer', tls: 'self-signed' });
    if (login === undefined) throw new Error('no login');
    const k = parse(renderGatewayComponent(login, loginUrls(login))?.['kustomization.yaml'] ?? '') as {
      patches: { patch: string }[];
    };
    const [op] = parse(k.patches[0]?.patch ?? '') as { value: NonNullable<GatewayDoc['spec']>['servers'] }[];
    expect(gatewayUrl({ spec: { servers: op?.value } })).toBe('https://kf.example.com/');
    expect(
      gatewayUrl({ spec: { servers: [{ port: { protocol: 'HTTP', number: 80 }, hosts: ['*'] }] } }),
    ).toBeUndefined();
  });

  it('is what the end-of-install message shows, on any target', () => {
    const r = describeReach('kind', {
      context: 'kind-kf',
      gateway: { type: 'LoadBalancer', ports: [{ name: 'http2', port: 80 }] },
      external: 'https://kf.example.com/',
      login: { email: 'ada@example.org' },
    });
    expect(r.way).toBe('https');
    expect(r.url).toBe('https://kf.example.com/');
    expect(r.lines[0]).toBe(
      'Open the Kubeflow dashboard: https://kf.example.com/ (the gateway serves HTTPS for this host, --url)',
    );
  });
});
