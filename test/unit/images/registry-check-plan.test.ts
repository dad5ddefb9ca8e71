import { describe, expect, it } from 'vitest';
import { IMAGE_LOCATIONS } from '../../../installer/catalogue/image-locations.js';
import { findImages } from '../../../installer/images/find-images.js';
import { describeMissing, planRegistryCheck } from '../../../installer/images/registry-check-plan.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const REGISTRY = 'reg.example.com:5000/kf';

const deployment = (name: string, image: string, env: { name: string; value: string }[] = []) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'kubeflow' },
  spec: { template: { spec: { containers: [{ name, image, env }] } } },
});

describe('planRegistryCheck', () => {
  it('looks up each upstream image once, mirrored as --registry rewrites it, by the locked digest', () => {
    const { uses } = findImages(
      'pipelines',
      [
        deployment('ml-pipeline', 'ghcr.io/kubeflow/kfp-api-server:2.16.0', [
          { name: 'V2_DRIVER_IMAGE', value: 'ghcr.io/kubeflow/kfp-driver:2.16.0' },
        ]),
        deployment('mysql', 'mysql:8.0'),
        deployment('again', 'ghcr.io/kubeflow/kfp-api-server:2.16.0'),
      ],
      IMAGE_LOCATIONS['26.03'],
    );
    const lock = { images: [{ name: 'ghcr.io/kubeflow/kfp-api-server', tag: '2.16.0', digest: DIGEST }] };
    expect(planRegistryCheck(uses, REGISTRY, lock)).toEqual([
      { reference: `${REGISTRY}/docker.io/library/mysql:8.0` },
      { reference: `${REGISTRY}/ghcr.io/kubeflow/kfp-api-server@${DIGEST}` },
      { reference: `${REGISTRY}/ghcr.io/kubeflow/kfp-driver:2.16.0` },
    ]);
  });

  it('takes a reference the fork already points at the registry as written, hidden ones too', () => {
    const pinned = `${REGISTRY}/ghcr.io/kubeflow/kfp-api-server@${DIGEST}`;
    const { uses } = findImages(
      'pipelines',
      [
        deployment('ml-pipeline', pinned, [
          { name: 'V2_DRIVER_IMAGE', value: `${REGISTRY}/ghcr.io/kubeflow/kfp-driver:2.16.0` },
        ]),
      ],
      IMAGE_LOCATIONS['26.03'],
    );
    expect(uses.map((u) => u.how).sort()).toEqual(['field', 'hidden']);
    expect(planRegistryCheck(uses, REGISTRY, undefined).map((i) => i.reference)).toEqual([
      pinned,
      `${REGISTRY}/ghcr.io/kubeflow/kfp-driver:2.16.0`,
    ]);
  });

  it('is empty for a selection without images', () => {
    expect(planRegistryCheck([], REGISTRY, undefined)).toEqual([]);
  });
});

describe('describeMissing', () => {
  it('names the first three and says how many in all', () => {
    expect(describeMissing(['a'])).toBe('a');
    expect(describeMissing(['a', 'b', 'c'])).toBe('a, b, c');
    expect(describeMissing(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more (5 in all)');
  });
});
