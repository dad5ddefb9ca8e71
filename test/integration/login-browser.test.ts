/**
 * The login in a real browser: headless Chromium (Debian's package) against oauth2-proxy run with
 * the configuration rendered into a fork and a real OpenID provider (test/support/login-bed.ts).
 * A Kubeflow URL without a session shows oauth2-proxy's sign-in page as the fork styles it; its
 * button runs the authorization-code login through the provider and back, in one browser session,
 * to the page behind oauth2-proxy, which shows the signed-in user's email. A user outside the allowed
 * group ends on oauth2-proxy's refusal instead.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBedMissing } from '../support/login-bed.js';
import { ADA, browseLogin, shootLogin, startBrowserLogin, type BrowserLogin } from '../support/login-browser.js';
import { toolMissing } from '../support/require-tool.js';

const skip = loginBedMissing() ?? toolMissing('chromium', 'the login in a real browser');

describe.skipIf(skip)('Chromium logs in through the rendered oauth2-proxy', () => {
  let b: BrowserLogin;

  beforeAll(async () => {
    b = await startBrowserLogin();
  }, 900_000);

  afterAll(async () => {
    await b.close();
  });

  it('shows the sign-in page, then the page after login with the user’s email', async () => {
    const { signIn, after } = await browseLogin(b, ADA);
    expect(signIn).toContain('<title>Sign In</title>');
    expect(signIn).toMatch(/<form method="GET" action="\/oauth2\/start">/);
    expect(signIn).toMatch(/<button[^>]*>Sign in with your organisation<\/button>/);
    expect(after, b.bed.proxyLog.slice(-5).join('\n')).toContain('<dd id="email">ada@example.org</dd>');
    expect(after).toContain('<dd id="groups">kubeflow-users</dd>');
  });

  it('refuses a user outside the allowed group in the browser too', async () => {
    const { after } = await browseLogin(b, { Subject: 'bob', Email: 'bob@example.org', Groups: ['other'] });
    expect(after).not.toContain('id="email"');
    expect(after).toMatch(/403|Forbidden/);
  });

  it('takes the screenshots the docs show', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfg-shots-'));
    const files = { signIn: join(dir, 'sign-in.png'), after: join(dir, 'after-login.png') };
    await shootLogin(b, ADA, files);
    for (const f of Object.values(files))
      expect(readFileSync(f).subarray(0, 8)).toEqual(Buffer.from('89504e470d0a1a0a', 'hex'));
  });
});
