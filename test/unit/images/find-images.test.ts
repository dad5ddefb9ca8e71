import { describe, expect, it } from 'vitest';
import { IMAGE_LOCATIONS } from '../../../installer/catalogue/image-locations.js';
import { findImages, globToRegExp } from '../../../installer/images/find-images.js';
import { findImageTokens, looksLikeImage, parseImageRef } from '../../../installer/images/image-reference.js';

describe('image references', () => {
  it('spells out Docker Hub short names and keeps registries with ports', () => {
    expect(parseImageRef('mysql:8.0')).toEqual({ registry: 'docker.io', repository: 'library/mysql', tag: '8.0' });
    expect(parseImageRef('kserve/agent:v0.16.0')?.repository).toBe('kserve/agent');
    expect(parseImageRef('127.0.0.1:5000/a/b@sha256:' + 'a'.repeat(64))).toMatchObject({
      registry: '127.0.0.1:5000',
      repository: 'a/b',
    });
  });
  it('takes host:port and key:value pairs for what they are', () => {
    for (const s of [
      '0.0.0.0:8443',
      'istiod.istio-system.svc:15012',
      'localhost:29500',
      'seaweedfs.kubeflow:9000',
      '1:1',
    ])
      expect(looksLikeImage(s), s).toBe(false);
    for (const s of ['busybox:1.28', 'quay.io/argoproj/argoexec:v3.7.3', 'tensorflow/tensorflow:2.5.1'])
      expect(looksLikeImage(s), s).toBe(true);
  });
  it('finds references inside arguments and embedded YAML', () => {
    expect(findImageTokens('--executor-image=quay.io/argoproj/argoexec:v3.7.3').map((t) => t.token)).toEqual([
      'quay.io/argoproj/argoexec:v3.7.3',
    ]);
    expect(findImageTokens('  image: "kserve/agent:v0.16.0",\n').map((t) => t.token)).toEqual(['kserve/agent:v0.16.0']);
  });
});

describe('findImages', () => {
  const locations = IMAGE_LOCATIONS['26.03'];
  const deployment = (env: { name: string; value: string }[]) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'ml-pipeline', namespace: 'kubeflow' },
    spec: {
      template: { spec: { containers: [{ name: 'api', image: 'ghcr.io/kubeflow/kfp-api-server:2.16.0', env }] } },
    },
  });

  it('finds image fields and hidden references at listed places, with JSON pointers', () => {
    const r = findImages(
      'pipelines',
      [deployment([{ name: 'V2_DRIVER_IMAGE', value: 'ghcr.io/kubeflow/kfp-driver:2.16.0' }])],
      locations,
    );
    expect(r.unaccounted).toEqual([]);
    expect(r.uses.map((u) => [u.how, u.field, u.pointer])).toEqual([
      ['field', 'spec.template.spec.containers[api].image', '/spec/template/spec/containers/0/image'],
      [
        'hidden',
        'spec.template.spec.containers[api].env[V2_DRIVER_IMAGE].value',
        '/spec/template/spec/containers/0/env/0/value',
      ],
    ]);
  });

  it('reports an image-like string at an unlisted place', () => {
    const r = findImages(
      'pipelines',
      [deployment([{ name: 'NEW_IMAGE', value: 'ghcr.io/kubeflow/new:1.0' }])],
      locations,
    );
    expect(r.unaccounted.map((u) => u.token)).toEqual(['ghcr.io/kubeflow/new:1.0']);
  });

  it("assembles Istio's proxy from hub, image and tag", () => {
    const values = JSON.stringify({
      global: { hub: 'gcr.io/istio-release', tag: '1.28.0', proxy: { image: 'proxyv2' } },
    });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-sidecar-injector' }, data: { values } };
    const r = findImages('istio', [cm], locations);
    expect(r.uses.map((u) => [u.reference, u.hub])).toEqual([
      ['gcr.io/istio-release/proxyv2:1.28.0', 'gcr.io/istio-release'],
    ]);
  });

  it('globs match within one part with * and across parts with **', () => {
    expect(globToRegExp('data**').test('data[katib-config.yaml]')).toBe(true);
    expect(globToRegExp('a.*.c').test('a.b.c')).toBe(true);
    expect(globToRegExp('a.*.c').test('a.b.x.c')).toBe(false);
  });
});
