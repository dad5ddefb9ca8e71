import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../../../installer/core/errors.js';
import { askAccess, askArgoCd } from '../../../../installer/steps/wizard/ask-access.js';
import type { WizardSecrets } from '../../../../installer/steps/wizard/facts.js';
import { accept, answer, choose, scriptedPrompter, type PromptUi } from '../../../support/inquirer-script.js';
import { fakeFacts, given, KIND } from './facts.js';

const typeSecret = (ui: PromptUi, text: string) => {
  ui.type(text);
  ui.press('enter');
};

describe('question 6: admin login', () => {
  it('email (default user@example.com) and a generated password by default', async () => {
    const s = scriptedPrompter([
      accept(/Admin email .*\(user@example\.com\)/),
      accept(/Admin password[\s\S]*❯ generate one \(shown once at the end\)/),
    ]);
    expect(await askAccess(given(), { withDex: true }, fakeFacts(), s.prompter, {})).toEqual({
      adminEmail: 'user@example.com',
      password: 'kept-or-generated',
    });
  });

  it('a typed password is masked, strength-checked at the question and typed twice; a mismatch asks both again', async () => {
    const s = scriptedPrompter([
      {
        ask: /Admin email/,
        act: async (ui) => {
          ui.type('not-an-email');
          ui.press('enter');
          await ui.settle();
          expect(ui.screen()).toContain('give an email address');
          for (let i = 0; i < 12; i++) ui.press('backspace');
          ui.type('ada@example.org');
          ui.press('enter');
        },
      },
      choose(/Admin password/, 1),
      {
        ask: /Admin password \(hidden\)/,
        act: async (ui) => {
          ui.type('short');
          ui.press('enter');
          await ui.settle();
          expect(ui.screen()).toContain('the password is too short: use at least 12 characters');
          for (let i = 0; i < 5; i++) ui.press('backspace');
          ui.type('lowercase12345');
          ui.press('enter');
          await ui.settle();
          expect(ui.screen()).toContain(
            'the password is too weak: mix three of lower case, upper case, digits and symbols',
          );
          for (let i = 0; i < 14; i++) ui.press('backspace');
          typeSecret(ui, 'Analytical-Engine-1843');
        },
      },
      {
        ask: /Type it again/,
        act: (ui) => {
          typeSecret(ui, 'Analytical-Engine-1834');
        },
      },
      {
        ask: /Admin password \(hidden\)/,
        act: (ui) => {
          typeSecret(ui, 'Analytical-Engine-1843');
        },
      },
      {
        ask: /Type it again/,
        act: (ui) => {
          typeSecret(ui, 'Analytical-Engine-1843');
        },
      },
    ]);
    const secrets: WizardSecrets = {};
    expect(await askAccess(given(), { withDex: true }, fakeFacts(), s.prompter, secrets)).toEqual({
      adminEmail: 'ada@example.org',
      password: 'typed',
    });
    expect(secrets.adminPassword).toBe('Analytical-Engine-1843');
    expect(s.notes).toEqual(['✗ the two passwords differ; type both again']);
    expect(s.screens.join('\n')).not.toContain('Analytical');
  });

  it('nothing is asked without Dex, and no password question with KFG_ADMIN_PASSWORD or a password file', async () => {
    const none = scriptedPrompter([]);
    expect(await askAccess(given(), { withDex: false }, fakeFacts(), none.prompter, {})).toEqual({ password: 'none' });
    const env = scriptedPrompter([accept(/Admin email/)]);
    expect(
      await askAccess(given(), { withDex: true }, fakeFacts({ env: { KFG_ADMIN_PASSWORD: 'x' } }), env.prompter, {}),
    ).toEqual({
      adminEmail: 'user@example.com',
      password: 'environment',
    });
    const file = scriptedPrompter([]);
    expect(
      await askAccess(
        given({ adminEmail: 'a@b.io', adminPasswordFile: '/run/pw' }),
        { withDex: true },
        fakeFacts(),
        file.prompter,
        {},
      ),
    ).toEqual({ adminEmail: 'a@b.io', password: 'file' });
    expect(file.notes).toEqual([
      '✔ Admin email: a@b.io (from install.yaml:1 (key admin-email))',
      '✔ Admin password file: /run/pw (from install.yaml:2 (key admin-password-file))',
    ]);
  });
});

describe('question 7: Argo CD', () => {
  it('adopts the one found, leaving its configuration alone by default, or configures it', async () => {
    const s = scriptedPrompter([
      accept(
        /Argo CD v3\.2\.12 found in the cluster: adopt it[\s\S]*it lacks the Application health check and persisted resource health/,
      ),
    ]);
    expect(await askArgoCd(given(), KIND, s.prompter)).toBe(false);
    const c = scriptedPrompter([choose(/Argo CD/, 1)]);
    expect(await askArgoCd(given(), KIND, c.prompter)).toBe(true);
  });

  it('installs the pinned version when there is none; declining changes nothing', async () => {
    const absent = { ...KIND, argocd: { present: false, appHealthCheck: false, persistsHealth: false } };
    const s = scriptedPrompter([accept(/Argo CD is not in this cluster: install Argo CD v3\.6\.2 from your fork/)]);
    expect(await askArgoCd(given(), absent, s.prompter)).toBe(false);
    const no = scriptedPrompter([answer(/Argo CD is not in this cluster/, 'n')]);
    await expect(askArgoCd(given(), absent, no.prompter)).rejects.toBeInstanceOf(InterruptedError);
  });
});
