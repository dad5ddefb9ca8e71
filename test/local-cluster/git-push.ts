/** Pushing test content to the local git server with the token (never in argv or a remote URL). */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Env that authenticates every git HTTP request with the token through an extra header. */
export function gitAuthEnv(token: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const pairs: [string, string][] = [
    ['http.extraHeader', `Authorization: Basic ${Buffer.from(`git:${token}`).toString('base64')}`],
    ...Object.entries(extra),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env;
}

/** Commits `files` (path → content) as the whole tree of `main` and pushes it to `url`. */
export async function pushFiles(
  url: string,
  token: string,
  files: Record<string, string>,
  message = 'test content',
): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'kfg-push-'));
  const git = (...args: string[]) => run('git', ['-C', work, ...args], { env: gitAuthEnv(token) });
  await git('init', '--quiet', '--initial-branch=main');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  }
  await git('add', '-A');
  await git(
    '-c',
    'user.name=kfg-test',
    '-c',
    'user.email=kfg-test@example.invalid',
    'commit',
    '--quiet',
    '-m',
    message,
  );
  await git('push', '--quiet', '--force', url, 'HEAD:refs/heads/main');
}
