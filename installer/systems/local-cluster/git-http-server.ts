/**
 * The local cluster's git server, a loopback HTTP server shaped like https://github.com/:
 * `git http-backend` (git's own smart-HTTP CGI) serves bare repositories under `gitRoot`, laid out as
 * `<owner>/<repo>.git`, and plain files under `fileRoot` are served as they are (release assets).
 * One prefix therefore mirrors both `https://github.com/<owner>/<repo>` and
 * `https://github.com/<owner>/<repo>/releases/download/...`, which is how tests put a mirror of
 * github.com there (test/support/git-http-server.ts adds what only tests need).
 *
 * Auth mirrors a git host: with `token` set, pushing always needs HTTP Basic auth whose password is the
 * token; reading needs it too unless the repository is under one of `publicPrefixes`.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';

export interface GitHttpServerOptions {
  gitRoot: string;
  fileRoot?: string;
  token?: string;
  publicPrefixes?: string[];
  port?: number;
  /** Sees every request first; returning true means it answered the request itself. */
  intercept?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
}

export interface GitHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const GIT_PATH =
  /^\/(?<repo>[^/]+\/[^/]+?)(?:\.git)?(?<rest>\/(?:info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.*))$/;

export async function startGitHttpServer(opts: GitHttpServerOptions): Promise<GitHttpServer> {
  const backend = await gitHttpBackendPath();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (opts.intercept?.(req, res, url) === true) return;
    const m = GIT_PATH.exec(url.pathname);
    if (m?.groups) {
      serveGit(req, res, url, m.groups.repo ?? '', m.groups.rest ?? '', backend, opts);
      return;
    }
    serveFile(req, res, url.pathname, opts.fileRoot);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

function isAuthorized(req: IncomingMessage, opts: GitHttpServerOptions, repo: string, write: boolean): boolean {
  if (!opts.token) return true;
  if (!write && (opts.publicPrefixes ?? []).some((p) => repo.startsWith(p))) return true;
  const [scheme = '', value = ''] = (req.headers.authorization ?? '').split(/\s+/, 2);
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) === opts.token;
  }
  return scheme.toLowerCase() === 'bearer' && value === opts.token;
}

function serveGit(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  repo: string,
  rest: string,
  backend: string,
  opts: GitHttpServerOptions,
): void {
  const write = rest === '/git-receive-pack' || url.searchParams.get('service') === 'git-receive-pack';
  if (!isAuthorized(req, opts, repo, write)) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('authentication required\n');
    return;
  }
  // Repositories are stored as <owner>/<repo>.git; clients may ask with or without the suffix.
  const repoDir = existsSync(join(opts.gitRoot, `${repo}.git`)) ? `${repo}.git` : repo;
  if (!existsSync(join(opts.gitRoot, repoDir))) {
    res.writeHead(404).end('repository not found\n');
    return;
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: opts.gitRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: `/${repoDir}${rest}`,
    REQUEST_METHOD: req.method ?? 'GET',
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: '127.0.0.1',
    // http-backend enables receive-pack only for authenticated users.
    REMOTE_USER: 'git',
    GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
    // Partial clones (--filter=blob:none) and fetching any tag or commit, as GitHub allows.
    GIT_CONFIG_COUNT: '3',
    GIT_CONFIG_KEY_0: 'uploadpack.allowFilter',
    GIT_CONFIG_VALUE_0: 'true',
    GIT_CONFIG_KEY_1: 'uploadpack.allowAnySHA1InWant',
    GIT_CONFIG_VALUE_1: 'true',
    GIT_CONFIG_KEY_2: 'receive.denyCurrentBranch',
    GIT_CONFIG_VALUE_2: 'updateInstead',
  };
  const child = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = findHeaderEnd(head);
    if (end < 0) return;
    headersDone = true;
    const lines = head.subarray(0, end.valueOf()).toString('latin1').split(/\r?\n/).filter(Boolean);
    let status = 200;
    for (const line of lines) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + (head[end] === 13 ? 4 : 2)));
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.on('close', (code) => {
    if (!headersDone) {
      res.writeHead(500).end(`git http-backend failed (${code}): ${stderr}`);
      return;
    }
    res.end();
  });
}

function findHeaderEnd(buf: Buffer): number {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf;
  return lf;
}

function serveFile(req: IncomingMessage, res: ServerResponse, pathname: string, root?: string): void {
  if (!root || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404).end('not found\n');
    return;
  }
  const file = normalize(join(root, decodeURIComponent(pathname)));
  if (!file.startsWith(normalize(root) + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end('not found\n');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(file).size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

async function gitHttpBackendPath(): Promise<string> {
  const execPath = await new Promise<string>((resolve, reject) => {
    const child = spawn('git', ['--exec-path']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out.trim());
      else reject(new Error('git --exec-path failed'));
    });
  });
  const backend = join(execPath, 'git-http-backend');
  if (!existsSync(backend)) throw new Error(`git-http-backend not found at ${backend}; install git`);
  return backend;
}
