import { describe, expect, it } from 'vitest';
import { APPLICATIONS_PATH, cascadePatch } from '../../../installer/systems/argocd.js';
import { collectionPath, retryDelayMs } from '../../../installer/systems/kube.js';

describe('collectionPath', () => {
  it('puts the core group under /api and every other group under /apis', () => {
    expect(collectionPath({ apiVersion: 'v1', resource: 'namespaces' })).toBe('/api/v1/namespaces');
    expect(collectionPath({ apiVersion: 'apps/v1', resource: 'deployments' })).toBe('/apis/apps/v1/deployments');
    expect(collectionPath({ apiVersion: 'argoproj.io/v1alpha1', resource: 'applications' })).toBe(
      '/apis/argoproj.io/v1alpha1/applications',
    );
  });
  it('puts a namespace before the resource when given one', () => {
    expect(APPLICATIONS_PATH).toBe('/apis/argoproj.io/v1alpha1/namespaces/argocd/applications');
    expect(collectionPath({ apiVersion: 'v1', resource: 'secrets' }, 'a b')).toBe('/api/v1/namespaces/a%20b/secrets');
  });
});

describe('cascadePatch', () => {
  it('turns auto-sync off and adds the resources finalizer once', () => {
    expect(cascadePatch({ metadata: { name: 'a', finalizers: ['x'] } })).toEqual({
      metadata: { finalizers: ['x', 'resources-finalizer.argocd.argoproj.io'] },
      spec: { syncPolicy: { automated: null } },
    });
    expect(cascadePatch({ metadata: { name: 'a', finalizers: ['resources-finalizer.argocd.argoproj.io'] } })).toEqual({
      metadata: { finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      spec: { syncPolicy: { automated: null } },
    });
  });
  it('leaves an Application being deleted alone unless an operation is pending, which it drops', () => {
    expect(cascadePatch({ metadata: { name: 'a', deletionTimestamp: 'now' } })).toBeUndefined();
    expect(cascadePatch({ metadata: { name: 'a', deletionTimestamp: 'now' }, operation: { sync: {} } })).toEqual({
      spec: { syncPolicy: { automated: null } },
      operation: null,
    });
  });
});

describe('retryDelayMs', () => {
  it("waits as the server says on 429 (a new CRD's storage initialising answers so, Retry-After: 1)", () => {
    expect(retryDelayMs(429, '1')).toBe(1000);
    expect(retryDelayMs(429, '3')).toBe(3000);
    expect(retryDelayMs(429, undefined)).toBe(1000);
  });
  it('retries a 5xx only when it names a Retry-After, and keeps the wait within 1-10 s', () => {
    expect(retryDelayMs(503, '2')).toBe(2000);
    expect(retryDelayMs(503, undefined)).toBeUndefined();
    expect(retryDelayMs(500, '120')).toBe(10_000);
    expect(retryDelayMs(429, '0')).toBe(1000);
    expect(retryDelayMs(429, 'Wed, 21 Oct 2026 07:28:00 GMT')).toBe(1000);
  });
  it('never retries what the server decided: success, conflicts, refusals', () => {
    for (const status of [200, 201, 400, 401, 403, 404, 409, 410, 422])
      expect(retryDelayMs(status, '1')).toBeUndefined();
  });
});
