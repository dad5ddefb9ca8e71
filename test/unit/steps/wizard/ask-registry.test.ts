import { describe, expect, it } from 'vitest';
import { askRegistry } from '../../../../installer/steps/wizard/ask-registry.js';
import { accept, answer, scriptedPrompter } from '../../../support/inquirer-script.js';
import { given } from './facts.js';

describe('the registry question', () => {
  it('leaves the images with the upstream registries when left empty', async () => {
    const s = scriptedPrompter([accept(/Install images from your own registry\? .*empty for the upstream/)]);
    expect(await askRegistry(given(), s.prompter)).toEqual({});
    expect(s.remaining()).toBe(0);
  });

  it('takes <host>[:port][/prefix] as the registry setting', async () => {
    const s = scriptedPrompter([answer(/own registry/, ' reg.example.com:5000/kf ')]);
    expect(await askRegistry(given(), s.prompter)).toEqual({ registry: 'reg.example.com:5000/kf' });
  });

  it('is not asked when a registry is given, and says where from', async () => {
    const s = scriptedPrompter([]);
    expect(await askRegistry(given({ registry: 'reg.example.com/kf' }), s.prompter)).toEqual({});
    expect(s.notes.join('\n')).toMatch(/✔ Images from: reg\.example\.com\/kf \(from install\.yaml/);
  });
});
