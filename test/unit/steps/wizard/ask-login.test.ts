import { describe, expect, it } from 'vitest';
import { loginOptionsFrom } from '../../../../installer/inputs/login-options.js';
import { askLogin } from '../../../../installer/steps/wizard/ask-login.js';
import type { WizardSecrets } from '../../../../installer/steps/wizard/facts.js';
import { accept, answer, choose, scriptedPrompter } from '../../../support/inquirer-script.js';
import { fakeFacts, given } from './facts.js';

describe('the login questions', () => {
  it('are not asked without oauth2-proxy in the selection, nor when a login setting is given', async () => {
    const none = scriptedPrompter([]);
    expect(await askLogin(given(), { withLogin: false }, fakeFacts(), none.prompter, {})).toEqual({});
    const g = scriptedPrompter([]);
    expect(
      await askLogin(given({ url: 'https://kf.example.com' }), { withLogin: true }, fakeFacts(), g.prompter, {}),
    ).toEqual({});
    expect(g.notes).toContain("✔ Login: Dex's static user, at https://kf.example.com (as given)");
  });

  it('default to the static user reached through open', async () => {
    const s = scriptedPrompter([accept(/Login/), accept(/External URL/)]);
    expect(await askLogin(given(), { withLogin: true }, fakeFacts(), s.prompter, {})).toEqual({});
    expect(s.remaining()).toBe(0);
  });

  it('ask the provider, its hidden secret, who may log in, the URL, exposure and certificate', async () => {
    const secrets: WizardSecrets = {};
    const s = scriptedPrompter([
      choose(/Login/, 1),
      answer(/Issuer URL/, 'https://login.example.org/realms/kf'),
      answer(/Client ID/, 'kubeflow'),
      answer(/Client secret \(hidden, never stored\)/, 's3cret'),
      answer(/Allowed email domains/, 'example.org, example.com'),
      answer(/Allowed groups/, 'ml'),
      answer(/Keep Dex's static admin user/, 'n'),
      answer(/External URL/, 'https://kf.example.com'),
      accept(/How is the gateway reached/),
      choose(/HTTPS certificate/, 1),
      answer(/Email for Let's Encrypt/, 'ops@example.org'),
    ]);
    const settings = await askLogin(given(), { withLogin: true }, fakeFacts(), s.prompter, secrets);
    expect(s.remaining()).toBe(0);
    expect(settings).toEqual({
      idp: 'oidc',
      idpIssuer: 'https://login.example.org/realms/kf',
      idpClientId: 'kubeflow',
      allowedEmailDomains: ['example.org', 'example.com'],
      allowedGroups: ['ml'],
      noStaticUser: true,
      url: 'https://kf.example.com',
      expose: 'loadbalancer',
      tls: 'acme:ops@example.org',
    });
    expect(secrets.idpSecret).toBe('s3cret');
    // The answers are settings the same checks accept (the admin email comes from its own question).
    expect(loginOptionsFrom({ ...settings, adminEmail: 'ada@example.org' })?.tls).toEqual({
      kind: 'acme',
      email: 'ops@example.org',
    });
  });
});
