import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../../../installer/core/errors.js';
import { renderConfigFile, parseConfigText } from '../../../../installer/inputs/config-file.js';
import { mergeSettings } from '../../../../installer/inputs/merge-settings.js';
import { askSettings } from '../../../../installer/steps/wizard/ask-settings.js';
import { accept, answer, scriptedPrompter, type PromptUi } from '../../../support/inquirer-script.js';
import { fakeFacts, given } from './facts.js';

const onlyCertManager = (ui: PromptUi) => {
  ui.press('a', 'a');
  for (let i = 0; i < 40 && !ui.screen().includes('❯◯ cert-manager '); i++) ui.press('down');
  ui.press('space', 'enter');
};

describe('the wizard', () => {
  it('asks every question in order, shows the plan, and returns settings a config file can repeat', async () => {
    const s = scriptedPrompter([
      accept(/Kubernetes context/),
      accept(/Cluster type \(detected: kind/),
      accept(/Kubeflow release/),
      {
        ask: /Components for Kubeflow 26\.03/,
        act: (ui) => {
          ui.press('a', 'a');
          for (let i = 0; i < 40 && !ui.screen().includes('❯◯ dex '); i++) ui.press('down');
          ui.press('space', 'enter');
        },
      },
      accept(/Where should your fork/),
      answer(/Git URL/, 'https://git.example.com/me/kf.git'),
      answer(/Token for git\.example\.com/, 'tok'),
      accept(/Branch/),
      answer(/Admin email/, 'ada@example.org'),
      accept(/Admin password/),
      accept(/Argo CD v3\.2\.12 found/),
      accept(/images from your own registry/),
      accept(/Fork, push and install this now\?/),
    ]);
    const r = await askSettings(given(), fakeFacts(), s.prompter);
    expect(s.remaining()).toBe(0);
    expect(r.settings).toEqual({
      context: 'kind-kubeflow',
      target: 'kind',
      release: '26.03',
      components: ['dex'],
      fork: 'https://git.example.com/me/kf.git',
      branch: 'kubeflow-gitops',
      adminEmail: 'ada@example.org',
      configureArgocd: false,
    });
    expect(r.secrets).toEqual({ gitToken: 'tok' });
    const plan = s.notes.find((n) => n.includes('The plan')) ?? '';
    expect(plan).toContain('context kind-kubeflow (https://127.0.0.1:6443), target kind, small footprint');
    expect(plan).toMatch(
      /components {3}5 in sync-wave order \(4 added as dependencies\):\n {5}10 {2}istio-crds +\(needed by istio\)/,
    );
    expect(plan).toMatch(/ {5}40 {2}dex\n/);
    expect(plan).toContain(
      'fork         https://git.example.com/me/kf.git, branch kubeflow-gitops (token from the prompt)',
    );
    expect(plan).toContain(
      'admin        ada@example.org, password kept if the fork has one, else generated and shown once at the end',
    );
    expect(plan).toContain('Argo CD      adopt v3.2.12, configuration left alone');
    // The saved file repeats the same answers, and holds no secret.
    const saved = renderConfigFile(r.settings);
    expect(saved).not.toContain('tok\n');
    expect(mergeSettings({ config: parseConfigText(saved, 'saved.yaml'), env: {}, flags: {} }).values).toEqual(
      r.settings,
    );
  });

  it('with every answer in a config file only the plan is confirmed', async () => {
    const s = scriptedPrompter([accept(/Fork, push and install this now\?/)]);
    const facts = fakeFacts({ env: { KFG_GIT_TOKEN: 'x' } });
    const settings = {
      context: 'prod',
      target: 'eks',
      release: 'v1.11.0',
      components: ['cert-manager'],
      fork: 'https://git.example.com/me/kf.git',
      branch: 'main',
      configureArgocd: true,
      registry: 'reg.example.com/kf',
    };
    const r = await askSettings(given(settings), facts, s.prompter);
    expect(r.settings).toEqual(settings);
    expect(s.notes.filter((n) => n.startsWith('✔ ')).length).toBeGreaterThanOrEqual(6);
    expect(s.notes.join('\n')).toContain('Argo CD      adopt v3.2.12 and configure it (--configure-argocd)');
  });

  it('declining the plan changes nothing; Ctrl-C at any question rejects with ExitPromptError', async () => {
    const no = scriptedPrompter([
      accept(/context/),
      accept(/Cluster type/),
      accept(/release/),
      { ask: /Components/, act: onlyCertManager },
      accept(/Where/),
      answer(/Git URL/, 'https://git.example.com/me/kf.git'),
      answer(/Token/, 't'),
      accept(/Branch/),
      accept(/Argo CD/),
      accept(/own registry/),
      answer(/install this now/, 'n'),
    ]);
    await expect(askSettings(given(), fakeFacts(), no.prompter)).rejects.toBeInstanceOf(InterruptedError);
    expect(no.notes).toContain('✔ Admin login: none (Dex is not in this selection)');
    const quit = scriptedPrompter([
      accept(/context/),
      {
        ask: /Cluster type/,
        act: (ui) => {
          ui.press({ name: 'c', ctrl: true });
        },
      },
    ]);
    await expect(askSettings(given(), fakeFacts(), quit.prompter)).rejects.toMatchObject({ name: 'ExitPromptError' });
  });
});
