import { describe, expect, it } from 'vitest';
import { collectionPath } from '../../../installer/systems/kube.js';

describe('collectionPath', () => {
  it('puts the core group under /api and every other group under /apis', () => {
    expect(collectionPath({ apiVersion: 'v1', resource: 'namespaces' })).toBe('/api/v1/namespaces');
    expect(collectionPath({ apiVersion: 'apps/v1', resource: 'deployments' })).toBe('/apis/apps/v1/deployments');
    expect(collectionPath({ apiVersion: 'argoproj.io/v1alpha1', resource: 'applications' })).toBe('/apis/argoproj.io/v1alpha1/applications');
  });
});
