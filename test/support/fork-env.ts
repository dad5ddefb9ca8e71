/**
 * A loopback world for fork tests: the fixture server standing in for github.com (public upstream
 * mirrors, token-protected forks), temporary state, and real Deps pointed at it.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Deps } from '../../installer/deps.js';
import { createDeps } from '../../installer/deps.js';
import { resolveForkOptions, type ForkOptions, type RawForkOptions } from '../../installer/inputs/fork-options.js';
import { silentLogger } from '../../installer/ui/logger.js';
import { fixtureFileRoot, prepareUpstreamRepos, projectRoot } from './fixtures.js';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.js';

export const run = promisify(execFile);
export const TOKEN = 'kfg-test-token-0123456789';
const CLI = join(projectRoot, 'installer', 'cli.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user would (tsx, a fresh process), returning its exit code and output. */
export async function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: projectRoot,
      maxBuffer: 1 << 26,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export interface ForkEnv {
  server: GitHttpServer;
  root: string;
  /** `--mirror` making github.com resolve to the fixture server. */
  mirror: string;
  /** Creates an empty bare repository for a fork and returns its URL. */
  newFork(name: string): Promise<string>;
  deps(extraEnv?: Record<string, string>): Deps;
  options(raw: RawForkOptions): ForkOptions;
  /** git with the token, for inspecting forks. */
  git(args: string[], cwd?: string): Promise<string>;
  /**
   * `<command> --fork <fork> --mirror <this mirror> --release <release> ...rest`: how the CLI tests
   * start a command of the fork family (fork, plan, install).
   */
  cliArgs(command: string, fork: string, release: string, ...rest: string[]): string[];
  close(): Promise<void>;
}

export async function startForkEnv(): Promise<ForkEnv> {
  const root = mkdtempSync(join(tmpdir(), 'kfg-fork-'));
  const gitRoot = join(root, 'git');
  await prepareUpstreamRepos(gitRoot);
  const server = await startGitHttpServer({
    gitRoot,
    fileRoot: fixtureFileRoot,
    token: TOKEN,
    publicPrefixes: ['kubeflow/', 'argoproj/', 'kubernetes-sigs/'],
    echoCredentialsPrefixes: ['echo/'],
  });
  const authEnv = {
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${server.url}/.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`,
  };
  let n = 0;
  return {
    server,
    root,
    mirror: `https://github.com/=${server.url}/`,
    async newFork(name) {
      mkdirSync(join(gitRoot, 'me'), { recursive: true });
      await run('git', ['init', '--quiet', '--bare', join(gitRoot, 'me', `${name}.git`)]);
      return `${server.url}/me/${name}.git`;
    },
    deps(extraEnv = {}) {
      n += 1;
      const state = join(root, `state-${n}`);
      mkdirSync(state, { recursive: true });
      return {
        ...createDeps({ ...process.env, KFG_GIT_TOKEN: TOKEN, KFG_STATE_DIR: state, ...extraEnv }, silentLogger),
        packageRoot: projectRoot,
        tmpDir: root,
      };
    },
    options(raw) {
      return resolveForkOptions({ mirror: [`https://github.com/=${server.url}/`], yes: true, ...raw }, {});
    },
    async git(args, cwd) {
      return (await run('git', args, { cwd, env: { ...process.env, ...authEnv }, maxBuffer: 1 << 26 })).stdout;
    },
    cliArgs(command, fork, release, ...rest) {
      return [command, '--fork', fork, '--mirror', `https://github.com/=${server.url}/`, '--release', release, ...rest];
    },
    close: () => server.close(),
  };
}
