/**
 * npm run docs:screenshots: the login pictures in docs/login/images/, taken by headless Chromium on
 * the login test bed (test/support/login-browser.ts, the same run as the browser test): the sign-in
 * page oauth2-proxy shows with the fork's configuration, and the page after login. Needs the test
 * fixtures, Go and Debian's chromium, like test/integration/login-browser.test.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../support/fixtures.js';
import { ADA, browseLogin, shootLogin, startBrowserLogin } from '../support/login-browser.js';

const dir = join(projectRoot, 'docs', 'login', 'images');
mkdirSync(dir, { recursive: true });
const b = await startBrowserLogin({ width: 800, height: 520 });
try {
  // A picture of an error page would be worse than none: the login must work first.
  const { after } = await browseLogin(b, ADA);
  if (!after.includes(ADA.Email)) throw new Error(`the page after login does not show ${ADA.Email}`);
  const files = { signIn: join(dir, 'sign-in.png'), after: join(dir, 'after-login.png') };
  await shootLogin(b, ADA, files);
  console.log(`wrote ${files.signIn} and ${files.after}`);
} finally {
  await b.close();
}
