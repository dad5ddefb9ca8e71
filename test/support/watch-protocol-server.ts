/**
 * A loopback HTTP server that speaks the Kubernetes list and watch protocol for one collection, the
 * way git is tested over loopback: the client under test is the real one (`createKube` with a
 * kubeconfig pointing here), and the test answers each request as the API server would, in the
 * order they arrive. A list is answered with items and a resourceVersion; a watch (`?watch=true`)
 * with a chunked 200 response carrying one JSON event per line, which the test writes, ends, or
 * cuts mid-line; any request with a Status (401, 403, 404, 410, 500).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WatchStream {
  /** One watch event, as one line of JSON. */
  send(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR', object: object): void;
  /** Bytes as they are, e.g. half an event. */
  sendRaw(text: string): void;
  /** The server ends the watch cleanly, as it does at `timeoutSeconds`. */
  end(): void;
  /** The connection drops after what was written, without the end of the chunked body. */
  cut(): void;
  /** Resolves when the connection is closed, by either side (the client aborting its watch). */
  readonly closed: Promise<void>;
}

export interface WatchCall {
  readonly kind: 'list' | 'watch';
  readonly path: string;
  /** The query parameters (`resourceVersion`, `allowWatchBookmarks`, `labelSelector`...). */
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
  /** Answers a list with these items at this resourceVersion. */
  list(items: readonly object[], resourceVersion: string): void;
  /** Answers with a Kubernetes Status of this HTTP code. */
  status(code: number, message?: string): void;
  /** Starts a watch's 200 response (headers sent at once) and returns its event stream. */
  stream(): WatchStream;
}

export interface WatchProtocolServer {
  readonly url: string;
  /** A kubeconfig file whose current context points at this server over plain HTTP. */
  readonly kubeconfig: string;
  /** Every request so far, in arrival order. */
  readonly calls: readonly WatchCall[];
  /** The next request not yet taken (in arrival order), once it has arrived. */
  next(): Promise<WatchCall>;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  410: 'Expired',
  500: 'InternalError',
};

/** A Kubernetes Status object, as the API server sends in an error response or an ERROR event. */
export function statusObject(code: number, message = `HTTP ${code}`): object {
  const reason = REASONS[code] ?? String(code);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export async function startWatchProtocolServer(token = 'loopback-token'): Promise<WatchProtocolServer> {
  const calls: WatchCall[] = [];
  const arrived: WatchCall[] = [];
  const waiting: ((c: WatchCall) => void)[] = [];

  const callOf = (req: IncomingMessage, res: ServerResponse): WatchCall => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const query = Object.fromEntries(url.searchParams);
    const json = (code: number, body: object) => {
      res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    return {
      kind: query.watch === 'true' || query.watch === '1' ? 'watch' : 'list',
      path: url.pathname,
      query,
      authorization: req.headers.authorization,
      list(items, resourceVersion) {
        json(200, {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'ApplicationList',
          metadata: { resourceVersion },
          items,
        });
      },
      status(code, message) {
        json(code, statusObject(code, message));
      },
      stream() {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        const closed = new Promise<void>((resolve) => res.on('close', resolve));
        return {
          send(type, object) {
            res.write(`${JSON.stringify({ type, object })}\n`);
          },
          sendRaw(text) {
            res.write(text);
          },
          end() {
            res.end();
          },
          cut() {
            // What was written still goes out (half an event, say), then the connection closes
            // without the chunked body's end.
            const socket = req.socket;
            socket.end(() => socket.destroy());
          },
          closed,
        };
      },
    };
  };

  const server = createServer((req, res) => {
    const call = callOf(req, res);
    calls.push(call);
    const take = waiting.shift();
    if (take) take(call);
    else arrived.push(call);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kfg-watch-')), 'kubeconfig');
  // client-node refuses plain HTTP unless TLS verification is off (there is no TLS to verify).
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'loopback', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'loopback', user: { token } }],
      contexts: [{ name: 'loopback', context: { cluster: 'loopback', user: 'loopback' } }],
      'current-context': 'loopback',
    }),
  );
  return {
    url,
    kubeconfig,
    calls,
    next() {
      const call = arrived.shift();
      return call ? Promise.resolve(call) : new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
      });
    },
  };
}
