import { render } from '@inquirer/testing';
import { describe, expect, it } from 'vitest';
import { footerCheckbox } from '../../../installer/systems/checkbox-prompt.js';

const choices = [
  { heading: 'Platform' },
  { value: 'istio', name: 'istio', description: 'Istio (with CNI)' },
  { value: 'dex', name: 'dex', checked: true },
  { heading: 'Apps' },
  { value: 'katib', name: 'katib' },
];

describe('footerCheckbox', () => {
  it('shows headings, the active description and a footer that follows every toggle', async () => {
    const { answer, events, getScreen } = await render(footerCheckbox, {
      message: 'Components',
      choices,
      footer: (v: readonly unknown[]) => `selected: ${v.join(', ') || 'nothing'}`,
    });
    expect(getScreen()).toContain('── Platform');
    expect(getScreen()).toContain('❯◯ istio');
    expect(getScreen()).toContain('Istio (with CNI)');
    expect(getScreen()).toContain('selected: dex');
    events.keypress('space');
    expect(getScreen()).toContain('selected: istio, dex');
    events.keypress('down');
    events.keypress('down'); // skips the heading
    expect(getScreen()).toContain('❯◯ katib');
    events.keypress('space');
    events.keypress('enter');
    await expect(answer).resolves.toEqual(['istio', 'dex', 'katib']);
    expect(getScreen()).toBe('✔ Components istio, dex, katib');
  });

  it('a: all, again: none; validation stops enter with the reason', async () => {
    const { answer, events, getScreen } = await render(footerCheckbox, {
      message: 'Components',
      choices,
      validate: (v: readonly unknown[]) => (v.length > 0 ? true : 'choose one'),
    });
    events.keypress('a');
    expect(getScreen().match(/◉/g)).toHaveLength(3);
    events.keypress('a');
    expect(getScreen()).not.toContain('◉');
    events.keypress('enter');
    expect(getScreen()).toContain('> choose one');
    events.keypress('i');
    events.keypress('enter');
    await expect(answer).resolves.toEqual(['istio', 'dex', 'katib']);
  });

  it('Ctrl-C rejects with ExitPromptError (the CLI exits 130)', async () => {
    const { answer, events } = await render(footerCheckbox, { message: 'Components', choices });
    events.keypress({ name: 'c', ctrl: true });
    await expect(answer).rejects.toMatchObject({ name: 'ExitPromptError' });
  });
});
