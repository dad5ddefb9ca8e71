import { describe, expect, it } from 'vitest';
import { DEMO_COMPONENTS, demoForkPath, demoSettings } from '../../../installer/inputs/demo-settings.js';
import { mergeSettings } from '../../../installer/inputs/merge-settings.js';

const STATE = '/home/me/.config/kubeflow-gitops';

describe('demoSettings', () => {
  it('installs Pipelines, Notebooks and KServe on the local target from a fork under the state dir', () => {
    const { settings, ignored } = demoSettings(mergeSettings({ env: {}, flags: {} }), STATE);
    expect(settings).toMatchObject({
      target: 'local',
      fork: `${STATE}/demo/manifests.git`,
      components: [...DEMO_COMPONENTS],
    });
    expect(demoForkPath(STATE)).toBe(`${STATE}/demo/manifests.git`);
    expect(ignored).toEqual([]);
  });

  it('reads release, components, upstream and mirrors as install does: defaults < environment < flags', () => {
    const merged = mergeSettings({
      env: {
        KFG_COMPONENTS: 'katib',
        KFG_MIRROR: 'https://github.com/=http://127.0.0.1:29418/',
        KFG_RELEASE: 'v1.11.0',
      },
      flags: { components: ['cert-manager'] },
    });
    const { settings } = demoSettings(merged, STATE);
    expect(settings).toMatchObject({
      components: ['cert-manager'],
      mirror: ['https://github.com/=http://127.0.0.1:29418/'],
      release: 'v1.11.0',
    });
  });

  it('decides the fork, target and cluster itself, and names where a value it does not use came from', () => {
    const merged = mergeSettings({
      env: { KFG_FORK: 'https://git.example.com/me/manifests.git', KFG_CONTEXT: 'prod' },
      flags: { target: 'kind' },
    });
    const { settings, ignored } = demoSettings(merged, STATE);
    expect(settings).toMatchObject({ fork: `${STATE}/demo/manifests.git`, target: 'local', context: undefined });
    expect([...ignored].sort()).toEqual(['--target', 'KFG_CONTEXT', 'KFG_FORK']);
  });
});
