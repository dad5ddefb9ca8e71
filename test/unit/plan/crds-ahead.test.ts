import { describe, expect, it } from 'vitest';
import { crdsToCreate, isEstablished } from '../../../installer/plan/crds-ahead.js';
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

describe('crdsToCreate', () => {
  it('takes only the missing CRDs of the rendered components, once each, by name', () => {
    const out = crdsToCreate(
      [
        { component: 'istio-crds', objects: [crd('gateways.networking.istio.io'), deployment] },
        {
          component: 'kserve',
          objects: [crd('inferenceservices.serving.kserve.io'), crd('gateways.networking.istio.io')],
        },
        { component: 'cert-manager', objects: [crd('certificates.cert-manager.io')] },
      ],
      new Set(['certificates.cert-manager.io']),
    );
    expect(out.map((c) => [c.name, c.component])).toEqual([
      ['gateways.networking.istio.io', 'kserve'],
      ['inferenceservices.serving.kserve.io', 'kserve'],
    ]);
  });

  it('leaves objects of other groups that happen to be called CustomResourceDefinition alone', () => {
    const other = { ...crd('x.example.com'), apiVersion: 'example.com/v1' };
    expect(crdsToCreate([{ component: 'c', objects: [other] }], new Set())).toEqual([]);
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

describe('refreshStamp', () => {
  it('rounds up to the next second, so a cache synced earlier in that second still rebuilds', () => {
    expect(refreshStamp(new Date('2026-12-02T10:00:00.200Z'))).toBe('2026-12-02T10:00:01Z');
    expect(refreshStamp(new Date('2026-12-02T10:00:00.000Z'))).toBe('2026-12-02T10:00:00Z');
  });
});
