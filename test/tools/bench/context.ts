/**
 * What one measured run of a method is given, instead of module state: the options, a log, and the
 * means to make things that must be undone when the run ends (per-CLI state directories, proxies,
 * observers), each undone in reverse order by `withRun`, whether the run succeeded or not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliFlavour } from './run-cli.js';

export interface BenchOptions {
  readonly release: string;
  readonly components: string;
  readonly target: string;
  readonly flavour: CliFlavour;
  /** Per end-to-end method. */
  readonly timeoutMs: number;
  /** The official method's documented retry interval (upstream's README loops with `sleep 20`). */
  readonly retrySeconds: number;
  /** Extra flags for `install`. */
  readonly installArgs: readonly string[];
  /** NODE_OPTIONS for the CLI processes (e.g. --max-old-space-size, to see what memory is garbage). */
  readonly nodeOptions: string;
  readonly log: (m: string) => void;
}

export interface RunContext {
  readonly o: BenchOptions;
  readonly log: (m: string) => void;
  /** Registers an undo step for the end of the run (last registered, first undone). */
  defer(undo: () => Promise<void> | void): void;
  /**
   * The environment of one CLI process: nothing from the bench's own beyond PATH, HOME and LANG, and
   * a fresh state directory (it may hold a generated admin password), removed at the end of the run.
   */
  cliEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
}

/** Runs `fn` with a fresh context and undoes whatever it registered, in reverse order, however it ends. */
export async function withRun<T>(o: BenchOptions, fn: (ctx: RunContext) => Promise<T>): Promise<T> {
  const undo: (() => Promise<void> | void)[] = [];
  const ctx: RunContext = {
    o,
    log: o.log,
    defer: (u) => {
      undo.push(u);
    },
    cliEnv: (extra = {}) => {
      const state = mkdtempSync(join(tmpdir(), 'kfg-bench-state-'));
      undo.push(() => {
        rmSync(state, { recursive: true, force: true });
      });
      return {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LANG: process.env.LANG,
        CI: 'true',
        GIT_TERMINAL_PROMPT: '0',
        KFG_STATE_DIR: state,
        ...(o.nodeOptions !== '' ? { NODE_OPTIONS: o.nodeOptions } : {}),
        ...extra,
      };
    },
  };
  try {
    return await fn(ctx);
  } finally {
    for (const u of undo.reverse()) {
      try {
        await u();
      } catch (err) {
        o.log(`cleanup: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
