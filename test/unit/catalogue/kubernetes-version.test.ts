import { describe, expect, it } from 'vitest';
import {
  kubernetesFit,
  parseServerVersion,
  satisfiesKubernetes,
} from '../../../installer/catalogue/kubernetes-version.js';
import { RELEASES, RELEASE_INFO } from '../../../installer/catalogue/releases.js';

const server = (minor: string, gitVersion = `v1.${minor.replace(/\D.*$/, '')}.0`) => ({
  major: '1',
  minor,
  gitVersion,
});

describe('Kubernetes version per release', () => {
  it('26.03.1-rc.2 needs 1.35: 1.34 is refused naming both versions, 1.35 and newer pass', () => {
    expect(kubernetesFit('26.03.1-rc.2', server('34'))).toEqual({
      fit: 'too-old',
      server: '1.34',
      min: '1.35',
      tested: '1.35',
    });
    expect(satisfiesKubernetes('26.03.1-rc.2', server('35'))).toBe(true);
    expect(satisfiesKubernetes('26.03.1-rc.2', server('37'))).toBe(true);
    expect(satisfiesKubernetes('26.03.1-rc.2', { major: '2', minor: '0' })).toBe(true);
  });

  it('holds every release to its own minimum, exactly at the boundary', () => {
    for (const r of RELEASES) {
      const min = Number(RELEASE_INFO[r].kubernetes.min.split('.')[1]);
      expect(satisfiesKubernetes(r, server(String(min))), `${r} on 1.${min}`).toBe(true);
      expect(satisfiesKubernetes(r, server(String(min - 1))), `${r} on 1.${min - 1}`).toBe(false);
    }
  });

  it('reads what managed clusters report: "35+" minors, and gitVersion when major/minor are missing', () => {
    expect(parseServerVersion({ major: '1', minor: '35+', gitVersion: 'v1.35.4-gke.1100' })).toEqual({
      major: 1,
      minor: 35,
    });
    expect(parseServerVersion({ gitVersion: 'v1.34.2-eks-113cf36' })).toEqual({ major: 1, minor: 34 });
    expect(kubernetesFit('26.03.1-rc.2', { major: '1', minor: '34+' }).fit).toBe('too-old');
  });

  it('a version it cannot read is unknown, not a pass or a fail', () => {
    expect(kubernetesFit('26.03', {})).toEqual({ fit: 'unknown', min: '1.31', tested: '1.34' });
    expect(kubernetesFit('26.03', { gitVersion: 'devel' }).fit).toBe('unknown');
    expect(satisfiesKubernetes('26.03', {})).toBe(true);
  });
});
