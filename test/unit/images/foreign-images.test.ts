import { describe, expect, it } from 'vitest';
import { foreignContainers, fromRegistry } from '../../../installer/images/foreign-images.js';

describe('foreignContainers', () => {
  const pod = (name: string, spec: object) => ({ metadata: { name, namespace: 'kubeflow' }, spec });

  it('names every container, init and ephemeral ones too, whose image is not from the registry', () => {
    const pods = [
      pod('ml-pipeline', {
        initContainers: [{ name: 'wait', image: 'busybox:1.28' }],
        containers: [
          { name: 'api', image: 'registry.example.com/kf/ghcr.io/kubeflow/kfp-api-server@sha256:' + 'a'.repeat(64) },
        ],
      }),
      pod('step', { containers: [{ name: 'main', image: 'ghcr.io/kubeflow/kfp-launcher:2.16.0' }] }),
      pod('debug', { containers: [], ephemeralContainers: [{ name: 'dbg', image: 'registry.example.com/kfx/a:1' }] }),
    ];
    expect(foreignContainers(pods, 'registry.example.com/kf').map((f) => [f.pod, f.kind, f.image])).toEqual([
      ['debug', 'ephemeral', 'registry.example.com/kfx/a:1'],
      ['ml-pipeline', 'init', 'busybox:1.28'],
      ['step', 'container', 'ghcr.io/kubeflow/kfp-launcher:2.16.0'],
    ]);
  });

  it('reads a registry with a port and no prefix', () => {
    expect(fromRegistry('127.0.0.1:5000/quay.io/a/b:1', '127.0.0.1:5000')).toBe(true);
    expect(fromRegistry('127.0.0.1:5001/quay.io/a/b:1', '127.0.0.1:5000')).toBe(false);
  });
});
