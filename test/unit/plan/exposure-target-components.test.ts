/**
 * The exposure folders come after the target's Components in an overlay's `components:`, and a
 * Component only patches what exists when it runs: a folder that adds objects (the gateway's
 * Certificate, the Ingress) layers the target's kind-wide Components itself, so the local target's
 * "do not wait on cert-manager objects" reaches the Certificate too. A folder that only patches does not.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loginOptionsFrom } from '../../../installer/inputs/login-options.js';
import { loginUrls } from '../../../installer/plan/login-urls.js';
import { renderGatewayComponent, renderIngressComponent } from '../../../installer/plan/render-exposure.js';

const kustomization = (files: Record<string, string> | undefined) =>
  parse(files?.['kustomization.yaml'] ?? '') as { resources?: string[]; components?: string[] };

function login(o: { expose: string; tls: string }) {
  const l = loginOptionsFrom({ url: 'https://kf.example.com', ...o });
  if (l === undefined) throw new Error('no login');
  return l;
}

describe("the target's Components in the exposure folders", () => {
  it('a folder adding the Certificate layers them', () => {
    const l = login({ expose: 'loadbalancer', tls: 'self-signed' });
    const k = kustomization(renderGatewayComponent(l, loginUrls(l), ['local-no-data-plane']));
    expect(k.resources).toEqual(['certificate.yaml']);
    expect(k.components).toEqual(['../../../components/local-no-data-plane']);
  });

  it('a folder adding the Ingress layers them', () => {
    const l = login({ expose: 'ingress', tls: 'self-signed' });
    const k = kustomization(renderIngressComponent(l, loginUrls(l), ['aks-admissions-enforcer']));
    expect(k.resources).toEqual(['ingress.yaml']);
    expect(k.components).toEqual(['../../../components/aks-admissions-enforcer']);
  });

  it('a folder that only patches, or a target without such Components, has none', () => {
    const l = login({ expose: 'loadbalancer', tls: 'secret:istio-system/my-cert' });
    expect(kustomization(renderGatewayComponent(l, loginUrls(l), ['local-no-data-plane'])).components).toBeUndefined();
    expect(kustomization(renderIngressComponent(l, loginUrls(l), ['local-no-data-plane'])).components).toBeUndefined();
    const s = login({ expose: 'loadbalancer', tls: 'self-signed' });
    expect(kustomization(renderGatewayComponent(s, loginUrls(s), [])).components).toBeUndefined();
  });
});
