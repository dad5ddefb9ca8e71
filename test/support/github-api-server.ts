/**
 * The few GitHub REST endpoints `--github-fork` uses, on loopback (GitHub itself cannot run here).
 * Creating a fork makes a real bare repository on the git server, like GitHub's own fork, and
 * the fork answers 404 once afterwards because GitHub creates forks asynchronously.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GitHubApiServer {
  url: string;
  calls: { method: string; path: string; auth: boolean }[];
  close(): Promise<void>;
}

export async function startGitHubApiServer(opts: {
  gitRoot: string;
  gitUrl: string;
  token: string;
  login: string;
}): Promise<GitHubApiServer> {
  const calls: GitHubApiServer['calls'] = [];
  const pending = new Set<string>();
  const repoJson = (owner: string, name: string, parent?: string) => ({
    full_name: `${owner}/${name}`,
    fork: parent !== undefined,
    parent: parent ? { full_name: parent } : undefined,
    clone_url: `${opts.gitUrl}/${owner}/${name}.git`,
    html_url: `https://github.example/${owner}/${name}`,
  });
  const server: Server = createServer((req, res) => {
    const auth = req.headers.authorization === `Bearer ${opts.token}`;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    calls.push({ method: req.method ?? 'GET', path, auth });
    const send = (status: number, body?: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(body ? JSON.stringify(body) : '');
    };
    if (!auth) {
      send(401, { message: 'Bad credentials' });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (req.method === 'GET' && path === '/user') {
          send(200, { login: opts.login });
          return;
        }
        let m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path);
        if (req.method === 'GET' && m) {
          const key = `${m[1]}/${m[2]}`;
          if (pending.delete(key) || !existsSync(join(opts.gitRoot, `${key}.git`))) {
            send(404, { message: 'Not Found' });
            return;
          }
          send(200, repoJson(m[1] ?? '', m[2] ?? '', key.startsWith('kubeflow/') ? undefined : 'kubeflow/manifests'));
          return;
        }
        m = /^\/repos\/([^/]+)\/([^/]+)\/forks$/.exec(path);
        if (req.method === 'POST' && m) {
          const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { organization?: string; name?: string };
          const owner = body.organization ?? opts.login;
          const name = body.name ?? m[2] ?? '';
          const dest = join(opts.gitRoot, owner, `${name}.git`);
          if (!existsSync(dest))
            await run('git', ['clone', '--quiet', '--bare', join(opts.gitRoot, `${m[1]}/${m[2]}.git`), dest]);
          pending.add(`${owner}/${name}`);
          send(202, repoJson(owner, name, `${m[1]}/${m[2]}`));
          return;
        }
        send(404, { message: 'Not Found' });
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => {
          r();
        });
      }),
  };
}
