import { crdServing, isEstablished } from '../../../installer/core/crd-status.js';
import { describe, expect, it } from 'vitest';
import { crdsToApply } from '../../../installer/plan/crds-ahead.js';
import { refreshStamp } from '../../../installer/systems/argocd.js';
import type { KubeObject } from '../../../installer/systems/kube.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../support/fixtures.js';

const crd = (name: string): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name },
});
const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'k' } };

const live = (name: string, manager: string, spec: object = {}, labels: Record<string, string> = {}) => ({
  ...crd(name),
  metadata: { name, labels, managedFields: [{ manager, operation: 'Apply' }] },
  spec,
});

describe('crdsToApply', () => {
  it('creates the missing CRDs of the rendered components, once each, by name', () => {
    const out = crdsToApply(
      [
        { component: 'istio-crds', objects: [crd('gateways.networking.istio.io'), deployment] },
        {
          component: 'kserve',
          objects: [crd('inferenceservices.serving.kserve.io'), crd('gateways.networking.istio.io')],
        },
        { component: 'cert-manager', objects: [crd('certificates.cert-manager.io')] },
      ],
      new Map([['certificates.cert-manager.io', live('certificates.cert-manager.io', 'helm')]]),
      'argocd-controller',
    );
    expect(out.map((c) => [c.name, c.component, c.action])).toEqual([
      ['gateways.networking.istio.io', 'kserve', 'create'],
      ['inferenceservices.serving.kserve.io', 'kserve', 'create'],
    ]);
  });

  it('updates one Argo CD applies when the commit changes it, and leaves it when the API server only added defaults', () => {
    const want = { ...crd('a.example.com'), spec: { group: 'example.com', versions: [{ name: 'v2' }] } };
    const same = live('a.example.com', 'argocd-controller', {
      group: 'example.com',
      versions: [{ name: 'v2', served: true }],
      conversion: { strategy: 'None' },
    });
    const older = live('a.example.com', 'argocd-controller', { group: 'example.com', versions: [{ name: 'v1' }] });
    const someoneElses = live('a.example.com', 'helm', { group: 'example.com', versions: [{ name: 'v1' }] });
    const relabelled = { ...want, metadata: { name: 'a.example.com', labels: { version: '2' } } };
    const run = (w: typeof want, l: ReturnType<typeof live>) =>
      crdsToApply([{ component: 'c', objects: [w] }], new Map([['a.example.com', l]]), 'argocd-controller').map(
        (c) => c.action,
      );
    expect(run(want, same)).toEqual([]);
    expect(run(want, older)).toEqual(['update']);
    expect(run(want, someoneElses)).toEqual([]);
    expect(run(relabelled, same)).toEqual(['update']);
  });

  it('leaves objects of other groups that happen to be called CustomResourceDefinition alone', () => {
    const other = { ...crd('x.example.com'), apiVersion: 'example.com/v1' };
    expect(crdsToApply([{ component: 'c', objects: [other] }], new Map(), 'argocd-controller')).toEqual([]);
  });
});

describe('isEstablished', () => {
  it('reads the condition the API server sets (a captured CRD)', () => {
    const captured = JSON.parse(
      readFileSync(join(projectRoot, 'test/fixtures/crd-status/established.json'), 'utf8'),
    ) as KubeObject;
    expect(isEstablished(captured)).toBe(true);
    expect(isEstablished({ ...captured, status: { conditions: [{ type: 'Established', status: 'False' }] } })).toBe(
      false,
    );
    expect(isEstablished(undefined)).toBe(false);
  });
});

describe('crdServing', () => {
  const served = (name: string, kind: string, versions: [string, boolean][], established = true) => ({
    metadata: { name },
    spec: { group: 'cert-manager.io', names: { kind }, versions: versions.map(([n, s]) => ({ name: n, served: s })) },
    status: { conditions: [{ type: 'Established', status: established ? 'True' : 'False' }] },
  });
  const gvk = { group: 'cert-manager.io', version: 'v1', kind: 'ClusterIssuer' };

  it('finds the Established CRD serving that group, version and kind', () => {
    const crds = [
      served('issuers.cert-manager.io', 'Issuer', [['v1', true]]),
      served('clusterissuers.cert-manager.io', 'ClusterIssuer', [
        ['v1alpha2', false],
        ['v1', true],
      ]),
    ];
    expect(crdServing(crds, gvk)?.metadata.name).toBe('clusterissuers.cert-manager.io');
  });

  it('finds none when the version is not served or the CRD is not Established', () => {
    expect(crdServing([served('c', 'ClusterIssuer', [['v1', false]])], gvk)).toBeUndefined();
    expect(crdServing([served('c', 'ClusterIssuer', [['v1', true]], false)], gvk)).toBeUndefined();
    expect(crdServing([] as ReturnType<typeof served>[], gvk)).toBeUndefined();
  });
});

describe('refreshStamp', () => {
  it('rounds up to the next second, so a cache synced earlier in that second still rebuilds', () => {
    expect(refreshStamp(new Date('2026-12-02T10:00:00.200Z'))).toBe('2026-12-02T10:00:01Z');
    expect(refreshStamp(new Date('2026-12-02T10:00:00.000Z'))).toBe('2026-12-02T10:00:00Z');
  });
});
