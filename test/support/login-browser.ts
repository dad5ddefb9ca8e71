/**
 * The login as a user meets it in Chromium, on the login test bed with the signed-in page behind
 * oauth2-proxy: the sign-in page oauth2-proxy shows for a Kubeflow URL, then the page after the
 * authorization-code login. Shared by the browser test and the docs' screenshots.
 */
import { dumpDom, screenshot, type ChromiumPage } from './chromium.js';
import { startLoginBed, type LoginBed, type ProviderUser } from './login-bed.js';
import { startSignedInPage, type SignedInPage } from './signed-in-page.js';

/** A user of the allowed domain and group (test/support/login-bed.ts renders example.org, kubeflow-users). */
export const ADA: ProviderUser = { Subject: 'ada', Email: 'ada@example.org', Groups: ['kubeflow-users'] };

export interface BrowserLogin {
  readonly bed: LoginBed;
  /** The Kubeflow page the user opens first; without a session oauth2-proxy answers with its sign-in page. */
  readonly firstUrl: string;
  /** Where the sign-in button (a GET form) goes: the login, back to `firstUrl` once signed in. */
  readonly signInUrl: string;
  readonly chromium: ChromiumPage;
  close(): Promise<void>;
}

export async function startBrowserLogin(page: Omit<ChromiumPage, 'trustCert'> = {}): Promise<BrowserLogin> {
  const upstream: SignedInPage = await startSignedInPage();
  let bed: LoginBed;
  try {
    bed = await startLoginBed({ upstream: upstream.url });
  } catch (e) {
    await upstream.close();
    throw e;
  }
  return {
    bed,
    firstUrl: `${bed.external}/jupyter/`,
    signInUrl: `${bed.external}/oauth2/start?rd=${encodeURIComponent('/jupyter/')}`,
    chromium: { ...page, trustCert: bed.ca.cert },
    close: async () => {
      await bed.close();
      await upstream.close();
    },
  };
}

/** The sign-in page's DOM, and the DOM after `user` logged in (each in a fresh browser profile). */
export async function browseLogin(b: BrowserLogin, user: ProviderUser): Promise<{ signIn: string; after: string }> {
  const signIn = await dumpDom(b.firstUrl, b.chromium);
  await b.bed.queueUser(user);
  const after = await dumpDom(b.signInUrl, b.chromium);
  return { signIn, after };
}

/** Screenshots of the sign-in page and of the page after `user` logged in. */
export async function shootLogin(
  b: BrowserLogin,
  user: ProviderUser,
  files: { signIn: string; after: string },
): Promise<void> {
  await screenshot(b.firstUrl, files.signIn, b.chromium);
  await b.bed.queueUser(user);
  await screenshot(b.signInUrl, files.after, b.chromium);
}
