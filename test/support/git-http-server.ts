/**
 * The local cluster's git server (installer/systems/local-cluster/git-http-server.ts) with what only
 * tests need: a log of the requests it answered, and repositories that refuse every client the way
 * some servers do, by echoing its credentials in a git protocol error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  startGitHttpServer as startServer,
  type GitHttpServer as Server,
  type GitHttpServerOptions as ServerOptions,
} from '../../installer/systems/local-cluster/git-http-server.js';

export interface GitHttpServerOptions extends Omit<ServerOptions, 'intercept'> {
  /**
   * Repositories (by prefix) that refuse every client by echoing its Authorization credentials in a
   * git protocol error, as some servers do: "access denied for credentials <base64>".
   */
  echoCredentialsPrefixes?: string[];
}

export interface GitHttpServer extends Server {
  /** Requests seen, for tests that assert what a client did (never includes credentials). */
  requests: { method: string; path: string; status: number }[];
}

export async function startGitHttpServer(opts: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const { echoCredentialsPrefixes = [], ...options } = opts;
  const server = await startServer({
    ...options,
    intercept: (req, res, url) => {
      res.on('finish', () =>
        requests.push({ method: req.method ?? 'GET', path: url.pathname, status: res.statusCode }),
      );
      const refs = /^\/(?<repo>.+?)(?:\.git)?\/info\/refs$/.exec(url.pathname)?.groups?.repo;
      if (refs === undefined || !echoCredentialsPrefixes.some((p) => refs.startsWith(p))) return false;
      refuseEchoingCredentials(req, res, url.searchParams.get('service') ?? 'git-upload-pack');
      return true;
    },
  });
  return { ...server, requests };
}

/** A smart-HTTP advertisement that is only an ERR packet, quoting the credentials the client sent. */
function refuseEchoingCredentials(req: IncomingMessage, res: ServerResponse, service: string): void {
  const credentials = (req.headers.authorization ?? '').split(/\s+/, 2)[1] ?? '(none)';
  const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
  res.writeHead(200, { 'Content-Type': `application/x-${service}-advertisement`, 'Cache-Control': 'no-cache' });
  res.end(`${pkt(`# service=${service}\n`)}0000${pkt(`ERR access denied for credentials ${credentials}\n`)}`);
}
