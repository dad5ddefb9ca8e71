import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { IMAGE_LOCATIONS } from '../../../installer/catalogue/image-locations.js';
import { findImages } from '../../../installer/images/find-images.js';
import { renderRegistryComponent, writtenName } from '../../../installer/images/registry-overlay.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

describe('renderRegistryComponent', () => {
  const objects = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ml-pipeline', namespace: 'kubeflow' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'api',
                image: 'ghcr.io/kubeflow/kfp-api-server:2.16.0',
                env: [{ name: 'V2_DRIVER_IMAGE', value: 'ghcr.io/kubeflow/kfp-driver:2.16.0' }],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'tensorboard-controller-config-7hd244gf2d', namespace: 'kubeflow' },
      data: { TENSORBOARD_IMAGE: 'tensorflow/tensorflow:2.5.1' },
    },
  ];
  const { uses } = findImages('x', objects, IMAGE_LOCATIONS['26.03']);
  const lock = {
    registry: 'r.example.com/kf',
    images: [{ name: 'ghcr.io/kubeflow/kfp-api-server', tag: '2.16.0', digest: DIGEST }],
  };
  const component = parse(
    renderRegistryComponent({ registry: 'r.example.com/kf', release: '26.03', component: 'x', uses, objects, lock }),
  ) as { images: unknown[]; patches: { target: { name: string }; patch: string }[] };

  it('rewrites container image fields with images: entries, pinned by the locked digest', () => {
    expect(component.images).toEqual([
      {
        name: 'ghcr.io/kubeflow/kfp-api-server',
        newName: 'r.example.com/kf/ghcr.io/kubeflow/kfp-api-server',
        digest: DIGEST,
      },
    ]);
  });

  it('patches hidden references in place, and a generated ConfigMap by its name before the hash', () => {
    expect(component.patches.map((p) => p.target.name)).toEqual([
      'ml-pipeline',
      '^tensorboard-controller-config(-[bcdfghkmt2-9]{10})?$',
    ]);
    expect(parse(component.patches[0]!.patch)).toEqual([
      {
        op: 'replace',
        path: '/spec/template/spec/containers/0/env/0/value',
        value: 'r.example.com/kf/ghcr.io/kubeflow/kfp-driver:2.16.0',
      },
    ]);
    expect(parse(component.patches[1]!.patch)).toEqual([
      {
        op: 'replace',
        path: '/data/TENSORBOARD_IMAGE',
        value: 'r.example.com/kf/docker.io/tensorflow/tensorflow:2.5.1',
      },
    ]);
  });

  it('matches names as written', () => {
    expect(writtenName('mysql:8.0')).toBe('mysql');
    expect(writtenName('localhost:5000/a/b:1')).toBe('localhost:5000/a/b');
    expect(writtenName(`gcr.io/x/y@${DIGEST}`)).toBe('gcr.io/x/y');
  });
});
