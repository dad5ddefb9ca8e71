/** Wherever `plan` names a release, a pre-release says so. */
import { describe, expect, it } from 'vitest';
import { resolveComponents } from '../../../installer/catalogue/resolve-components.js';
import { buildForkPlan } from '../../../installer/plan/build-fork-plan.js';
import { renderPlanText } from '../../../installer/plan/render-plan.js';
import { renderUpgradeText } from '../../../installer/commands/upgrade/render-upgrade-plan.js';
import { readTemplates } from '../../../installer/steps/read-fork-files.js';
import { projectRoot } from '../../support/fixtures.js';

describe('pre-releases in plans', () => {
  it('plan for 26.03.1-rc.2 says pre-release in its heading; 26.03 does not', async () => {
    const plan = async (release: '26.03' | '26.03.1-rc.2') =>
      renderPlanText(
        buildForkPlan(
          {
            release,
            target: 'generic',
            footprint: 'full',
            branch: 'kubeflow-gitops',
            upstreamUrl: 'https://github.com/kubeflow/manifests',
            forkUrl: 'https://git.example.com/team/manifests.git',
            components: resolveComponents(['katib'], release),
            dexPasswordHash: '$2b$12$abcdefghijklmnopqrstuu4yDJVAbW0.F1N1wYI1Zt6fZ0f5W3GvS',
          },
          {
            existing: new Map(),
            templates: await readTemplates(projectRoot, release),
            vendor: { sources: [], rewrites: [] },
          },
        ),
        { diffs: false },
      );
    expect((await plan('26.03.1-rc.2')).split('\n')[0]).toBe(
      'Kubeflow 26.03.1-rc.2 (pre-release) for target generic (full footprint)',
    );
    expect((await plan('26.03')).split('\n')[0]).toBe('Kubeflow 26.03 for target generic (full footprint)');
  });

  it('plan --to names the pre-release it upgrades to', () => {
    const text = renderUpgradeText(
      { from: '26.03', to: '26.03.1-rc.2', autoResolved: [], conflicts: [] },
      { diffs: false },
    );
    expect(text.split('\n')[0]).toBe('Upgrade Kubeflow 26.03 -> 26.03.1-rc.2 (pre-release)');
  });
});
