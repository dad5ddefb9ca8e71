/**
 * A real terminal for tests: a detached tmux session on a private socket (so a developer's own tmux
 * is never touched), driven with send-keys and read with capture-pane. Secrets are pasted through a
 * tmux buffer loaded from stdin, so they never appear in a process's arguments.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Terminal {
  /** tmux key names (Enter, Down, Space, C-c) or literal text with `literal`. */
  keys(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  /** Pastes text without it ever being a process argument. */
  paste(secret: string): Promise<void>;
  /** Everything the terminal showed: scrollback and screen, wrapped lines joined. */
  capture(): Promise<string>;
  /**
   * Presses `key` until the line under the prompt's cursor (the last line starting with ❯) matches,
   * waiting after each press until the cursor has moved: send-keys returns before the program
   * redraws, so checking right after a press reads the old screen and overshoots.
   */
  moveTo(line: RegExp, key?: string, maxPresses?: number): Promise<void>;
  /** Polls the screen until it matches; fails with the screen when it does not in time. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(): Promise<void>;
}

export async function startTerminal(
  command: string,
  opts: { env: NodeJS.ProcessEnv; cwd: string; width?: number; height?: number },
): Promise<Terminal> {
  const socket = join(mkdtempSync(join(tmpdir(), 'kfg-tmux-')), 'sock');
  const tmux = (args: string[]) =>
    run('tmux', ['-S', socket, ...args], { env: opts.env, cwd: opts.cwd, maxBuffer: 1 << 24 });
  await tmux([
    'new-session',
    '-d',
    '-s',
    'kfg',
    '-x',
    String(opts.width ?? 200),
    '-y',
    String(opts.height ?? 60),
    command,
  ]);
  await tmux(['set-option', '-t', 'kfg', 'history-limit', '50000']);
  const term: Terminal = {
    async keys(...keys) {
      for (const k of keys) await tmux(['send-keys', '-t', 'kfg', k]);
    },
    async type(text) {
      await tmux(['send-keys', '-t', 'kfg', '-l', text]);
    },
    async paste(secret) {
      await new Promise<void>((resolve, reject) => {
        const p = spawn('tmux', ['-S', socket, 'load-buffer', '-b', 'kfg-secret', '-'], {
          env: opts.env,
          stdio: ['pipe', 'ignore', 'inherit'],
        });
        p.on('error', reject);
        p.on('close', (code) => {
          if (code === 0) resolve();
          else reject(new Error(`tmux load-buffer exited ${String(code)}`));
        });
        p.stdin.end(secret);
      });
      await tmux(['paste-buffer', '-d', '-b', 'kfg-secret', '-t', 'kfg']);
    },
    async capture() {
      return (await tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', 'kfg'])).stdout;
    },
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const screen = await term.capture();
        if (pattern.test(screen)) return screen;
        if (Date.now() > deadline)
          throw new Error(
            `the terminal never showed ${String(pattern)}; it shows:\n${screen.split('\n').filter(Boolean).slice(-60).join('\n')}`,
          );
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async moveTo(line, key = 'Down', maxPresses = 60) {
      const cursor = async () =>
        (await term.capture())
          .split('\n')
          .filter((l) => l.startsWith('❯'))
          .at(-1) ?? '';
      let at = await cursor();
      for (let i = 0; !line.test(at); i++) {
        if (i >= maxPresses)
          throw new Error(
            `the cursor never reached ${String(line)} after ${String(maxPresses)} × ${key}; it is on: ${at}`,
          );
        await term.keys(key);
        const before = at;
        const deadline = Date.now() + 10_000;
        while ((at = await cursor()) === before) {
          if (Date.now() > deadline) throw new Error(`${key} did not move the cursor off: ${before}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    async kill() {
      await tmux(['kill-server']).catch(() => undefined);
    },
  };
  return term;
}
