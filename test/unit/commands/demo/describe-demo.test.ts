/** demo's closing notes name commands that exist where it runs: a source checkout, or the installed package. */
import { describe, expect, it } from 'vitest';
import { closingNotes } from '../../../../installer/commands/demo/describe-demo.js';

const notes = (fromCheckout: boolean) =>
  closingNotes({ kubeconfig: '/k/config', clusterDir: '/c', forkPath: '/f.git', fromCheckout }).join('\n');

describe('closingNotes', () => {
  it('in a source checkout: the npm scripts and scripts/local-cluster down', () => {
    expect(notes(true)).toContain('  npm run kubeflow-gitops -- status --watch   # follow every component');
    expect(notes(true)).toContain('  scripts/local-cluster down                  # stops every process and removes /c');
  });
  it('from the installed package: the installed command, and no npm script', () => {
    expect(notes(false)).toContain('  kubeflow-gitops status --watch              # follow every component');
    expect(notes(false)).toContain('  kubeflow-gitops uninstall ');
    expect(notes(false)).not.toContain('npm run');
    expect(notes(false)).toContain('removes /c');
  });
});
