/**
 * Headless Chromium (Debian's `chromium` package) from its command line: one run opens a URL, follows
 * every redirect of the login in one session as a browser does, then prints the DOM or writes a
 * screenshot of the page it ends on. No driver library: the login needs no clicks, because the
 * sign-in page's button is a GET form to /oauth2/start, which the run opens directly.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './fork-env.js';

export interface ChromiumPage {
  /** A server certificate Chromium accepts besides the system's roots (the test provider's). */
  readonly trustCert?: string;
  readonly width?: number;
  readonly height?: number;
}

function flags(page: ChromiumPage, profile: string): string[] {
  const f = [
    '--headless',
    // Tests run as root in a container, where Chromium's sandbox cannot start.
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    '--no-first-run',
    `--user-data-dir=${profile}`,
    `--window-size=${String(page.width ?? 900)},${String(page.height ?? 600)}`,
  ];
  if (page.trustCert !== undefined) {
    // Pins exactly that certificate's key, narrower than trusting the test CA (Chromium reads CAs
    // from an NSS database, not a file); every other certificate is still verified.
    const spki = new X509Certificate(page.trustCert).publicKey.export({ type: 'spki', format: 'der' });
    f.push(`--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`);
  }
  return f;
}

async function inProfile<T>(use: (profile: string) => Promise<T>): Promise<T> {
  const profile = mkdtempSync(join(tmpdir(), 'kfg-chromium-'));
  try {
    return await use(profile);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The DOM of the page `url` ends on, after every redirect, as Chromium serialises it. */
export function dumpDom(url: string, page: ChromiumPage = {}): Promise<string> {
  return inProfile(async (profile) => {
    const { stdout } = await run('chromium', [...flags(page, profile), '--dump-dom', url], {
      maxBuffer: 1 << 24,
    });
    return stdout;
  });
}

/** Writes a PNG of the page `url` ends on, after every redirect. */
export function screenshot(url: string, file: string, page: ChromiumPage = {}): Promise<void> {
  return inProfile(async (profile) => {
    await run('chromium', [...flags(page, profile), `--screenshot=${file}`, url]);
  });
}
