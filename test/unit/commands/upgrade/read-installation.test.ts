import { describe, expect, it } from 'vitest';
import { readInstallation } from '../../../../installer/commands/upgrade/read-installation.js';

const app = (name: string, path: string, component: string | null = name): string => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
${component === null ? '' : `  annotations:\n    kubeflow-gitops.io/component: ${component}\n`}spec:
  source:
    path: ${path}
`;

describe('readInstallation', () => {
  it('components from the annotated Applications, the target from their paths, the footprint from the overlays', () => {
    const files = new Map([
      ['kubeflow-apps/katib.yaml', app('katib', 'overlays/kind/katib')],
      ['kubeflow-apps/cert-manager.yaml', app('cert-manager', 'overlays/kind/cert-manager')],
      ['kubeflow-apps/team.yaml', app('team', 'team/tools', null)],
      ['kubeflow-apps/root/kubeflow.yaml', app('kubeflow', 'kubeflow-apps', null)],
      ['overlays/kind/katib/kustomization.yaml', 'components:\n  - ../../components/small-footprint\n'],
    ]);
    const inst = readInstallation(files, 'the fork');
    expect(inst.components).toEqual(['cert-manager', 'katib']);
    expect(inst.target).toBe('kind');
    expect(inst.footprint).toBe('small');
    expect(inst.appFiles.get('katib')).toBe('kubeflow-apps/katib.yaml');
  });

  it('no kubeflow-gitops Applications: says to fork first (exit 6)', () => {
    expect(() => readInstallation(new Map([['kubeflow-apps/team.yaml', app('team', 'x', null)]]), 'me/fork')).toThrow(
      /me\/fork has no kubeflow-gitops Applications.*run fork or install first/,
    );
  });

  it('Applications on two targets: names them', () => {
    const files = new Map([
      ['kubeflow-apps/katib.yaml', app('katib', 'overlays/kind/katib')],
      ['kubeflow-apps/dex.yaml', app('dex', 'overlays/eks/dex')],
    ]);
    expect(() => readInstallation(files, 'f')).toThrow(
      /kind \(kubeflow-apps\/katib\.yaml\); eks \(kubeflow-apps\/dex\.yaml\)/,
    );
  });
});
