/**
 * The person's web browser, started the way the desktop does it (`open` on macOS, `xdg-open`
 * elsewhere). Whether there is one to start is commands/open/browser-choice.ts's decision, not this module's.
 */
import { execa } from 'execa';

/**
 * Starts the browser on `url` without waiting for it: xdg-open may block until the browser it started
 * exits. `onError` hears when there was none to start.
 */
export function openInBrowser(url: string, onError: (message: string) => void, platform = process.platform): void {
  const command = platform === 'darwin' ? 'open' : 'xdg-open';
  const child = execa(command, [url], { stdio: 'ignore', detached: true });
  child.unref();
  child.catch((err: unknown) => {
    onError(`${command} ${url} failed: ${(err as { shortMessage?: string }).shortMessage ?? String(err)}`);
  });
}
