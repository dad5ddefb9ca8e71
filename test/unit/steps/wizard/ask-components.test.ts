import { describe, expect, it } from 'vitest';
import { askComponents, askRelease } from '../../../../installer/steps/wizard/ask-components.js';
import { accept, scriptedPrompter, type PromptUi } from '../../../support/inquirer-script.js';
import { given, KIND } from './facts.js';

/** Moves the cursor down until the active line names the component. */
function goTo(ui: PromptUi, name: string): void {
  for (let i = 0; i < 40 && !new RegExp(`❯[◉◯] ${name} `).test(ui.screen()); i++) ui.press('down');
  if (!new RegExp(`❯[◉◯] ${name} `).test(ui.screen())) throw new Error(`no ${name} in\n${ui.screen()}`);
}

describe('question 3: release', () => {
  it('offers the newest first with dates and preselects it', async () => {
    const s = scriptedPrompter([accept(/Kubeflow release/)]);
    expect(await askRelease(given(), KIND, s.prompter)).toBe('26.03');
    expect(s.screens[0]).toMatch(/❯ 26\.03 {22}released 2026-03-21, Kubernetes 1\.31\+/);
    expect(s.screens[1]).toMatch(/✔ Kubeflow release .* 26\.03$/);
  });

  it('lists a pre-release as such and never preselects it, even on a cluster new enough for it', async () => {
    const s = scriptedPrompter([accept(/Kubeflow release/)]);
    expect(await askRelease(given(), { ...KIND, version: 'v1.35.4', minor: 35 }, s.prompter)).toBe('26.03');
    expect(s.screens[0]).toContain('  26.03.1-rc.2 (pre-release) released 2026-06-05, Kubernetes 1.35+');
    expect(s.screens[0]).toMatch(/❯ 26\.03 {22}released/);
  });

  it('releases the cluster is too old for are shown but disabled; the default is the newest it supports', async () => {
    const s = scriptedPrompter([accept(/Kubeflow release/)]);
    expect(await askRelease(given(), { ...KIND, version: 'v1.30.2', minor: 30 }, s.prompter)).toBe('v1.10.2');
    expect(s.screens[0]).toContain(
      '- 26.03                      released 2026-03-21, Kubernetes 1.31+ (upstream tests 1.34) needs Kubernetes 1.31+',
    );
    expect(s.screens[0]).toContain(
      '- 26.03.1-rc.2 (pre-release) released 2026-06-05, Kubernetes 1.35+ (upstream tests 1.35) needs Kubernetes 1.35+',
    );
  });
});

describe('question 4: components', () => {
  it('preselects upstream\'s set, which is answered as "all"', async () => {
    const s = scriptedPrompter([accept(/Components for Kubeflow 26\.03/)]);
    expect(await askComponents(given(), '26.03', 'small', KIND, s.prompter)).toEqual(['all']);
    expect(s.screens[0]).toContain('── Platform');
    expect(s.screens[0]).toContain('── Pipelines');
    expect(s.screens[0]).toMatch(
      /27 components: 27 chosen\nrequests 2\.0 CPU and 3\.2 GiB \(small footprint\); the cluster can allocate 8\.0 CPU and 16\.0 GiB: ✔ fits/,
    );
  });

  it('shows the dependencies a choice pulls in and the requests, live, as the selection changes', async () => {
    const s = scriptedPrompter([
      {
        ask: /Components/,
        act: (ui) => {
          ui.press('a', 'a');
          expect(ui.screen()).toContain('nothing selected');
          ui.press('enter');
          expect(ui.screen()).toContain('> choose at least one component');
          goTo(ui, 'kserve');
          ui.press('space');
          expect(ui.screen()).toMatch(
            /12 components: 1 chosen \+ 11 added as dependencies: istio-crds, .*, cert-manager, istio, .*, … \(\+3\)/,
          );
          expect(ui.screen()).toContain('requests 1.1 CPU and 1.7 GiB (small footprint)');
          ui.press('enter');
        },
      },
    ]);
    expect(await askComponents(given(), '26.03', 'small', KIND, s.prompter)).toEqual(['kserve']);
    expect(s.screens.at(-1)).toMatch(/✔ Components .* kserve$/);
  });

  it('a selection that cannot fit the cluster is refused at the question, with what to do', async () => {
    const tiny = { ...KIND, allocatable: { cpuMillis: 1000, memoryMiB: 2048, nodes: 1 } };
    const s = scriptedPrompter([
      {
        ask: /Components/,
        act: async (ui) => {
          expect(ui.screen()).toContain('✗ does not fit');
          ui.press('enter');
          await ui.settle();
          expect(ui.screen()).toContain(
            '> this selection does not fit: it requests 3.0 CPU and 7.0 GiB, the cluster can allocate 1.0 CPU and 2.0 GiB; deselect components, or re-run with --footprint small',
          );
          ui.press('a', 'a');
          goTo(ui, 'cert-manager');
          ui.press('space', 'enter');
        },
      },
    ]);
    expect(await askComponents(given(), '26.03', 'full', tiny, s.prompter)).toEqual(['cert-manager']);
  });

  it('given components are not asked; a set that will not fit is warned about', async () => {
    const s = scriptedPrompter([]);
    const tiny = { ...KIND, allocatable: { cpuMillis: 100, memoryMiB: 256, nodes: 1 } };
    expect(await askComponents(given({ components: ['pipelines'] }), '26.03', 'small', tiny, s.prompter)).toEqual([
      'pipelines',
    ]);
    expect(s.notes[0]).toBe('✔ Components: pipelines (from install.yaml:1 (key components))');
    expect(s.notes[1]).toMatch(/^ {2}! this selection does not fit/);
  });
});
