/**
 * Whether `open` starts a browser: only for a person at a terminal with a desktop to show it on
 * (macOS, or an X11/Wayland display), never with --no-browser, in CI or when stdout is a pipe (a
 * script reading the URL). Pure.
 */
export interface BrowserFacts {
  /** false with --no-browser. */
  readonly browser: boolean;
  /** stdout is a terminal. */
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
}

export function shouldOpenBrowser(f: BrowserFacts): boolean {
  if (!f.browser || !f.isTTY || (f.env.CI ?? '') !== '') return false;
  if (f.platform === 'darwin') return true;
  return (f.env.DISPLAY ?? '') !== '' || (f.env.WAYLAND_DISPLAY ?? '') !== '';
}
