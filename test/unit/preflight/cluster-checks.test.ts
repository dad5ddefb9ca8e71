import { describe, expect, it } from 'vitest';
import type { NodeFacts } from '../../../installer/preflight/detect-target.js';
import {
  archCheck,
  capacityCheck,
  kubernetesVersionCheck,
  targetCheck,
} from '../../../installer/preflight/cluster-checks.js';
import type { PreflightInputs } from '../../../installer/preflight/check.js';

const node = (name: string, over: Partial<NodeFacts> = {}): NodeFacts => ({
  name,
  labels: {},
  annotations: {},
  providerID: '',
  arch: 'amd64',
  cpuMillis: 16_000,
  memoryMiB: 64 * 1024,
  ...over,
});

const inputs: PreflightInputs = { release: '26.03', target: 'generic', footprint: 'full', components: ['pipelines'] };

describe('the preflight checks that judge what was read', () => {
  it('kubernetes-version fails on a cluster older than the release supports and warns on an unreadable one', () => {
    expect(kubernetesVersionCheck('26.03', { gitVersion: 'v1.20.0', major: '1', minor: '20' }).status).toBe('fail');
    expect(kubernetesVersionCheck('26.03', { gitVersion: 'v1.33.1', major: '1', minor: '33' }).status).toBe('ok');
    const unreadable = kubernetesVersionCheck('26.03', {});
    expect(unreadable.status).toBe('warn');
    expect(unreadable.message).toContain('no readable version (none)');
  });

  it('capacity compares the selection with what the nodes can allocate, with a fix only when it does not fit', () => {
    expect(capacityCheck([node('a')], inputs)).toMatchObject({ name: 'capacity', status: 'ok', fix: undefined });
    const small = capacityCheck([node('a', { cpuMillis: 100, memoryMiB: 128 })], inputs);
    expect(small.status).toBe('fail');
    expect(small.fix).toContain('--footprint small');
  });

  it('arch warns only when some node is arm64, naming it', () => {
    expect(archCheck([node('a')])).toBeUndefined();
    expect(archCheck([node('a'), node('b', { arch: 'arm64' })])).toMatchObject({ status: 'warn' });
    expect(archCheck([node('b', { arch: 'arm64' })])?.message).toContain('arm64 nodes (b)');
  });

  it('target warns when the nodes suggest another cluster type than --target, except for generic', () => {
    expect(targetCheck('kind', 'eks')).toMatchObject({
      status: 'warn',
      fix: 'pass --target kind unless you know better',
    });
    expect(targetCheck('kind', 'generic').status).toBe('ok');
    expect(targetCheck(undefined, 'eks').message).toBe('cluster type: unknown; overlays for eks');
  });
});
