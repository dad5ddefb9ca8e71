/**
 * A counting proxy in front of the API server, so the installer's requests are counted from outside
 * the installer (no change to it). It serves TLS on 127.0.0.1 with the local cluster's own API server
 * certificate (self-signed for 127.0.0.1, already trusted by the kubeconfig's CA data), forwards every
 * request unchanged (headers included: the client still authenticates itself) and streams responses,
 * watches included. It records method, path, status and timings, never headers or bodies.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse, stringify } from 'yaml';
import { classifyRequest, type Verb } from './classify-request.js';

export interface ProxiedRequest {
  /** ms since the proxy started (performance.now clock of this process). */
  readonly at: number;
  readonly method: string;
  /** Path with query, as sent (no credentials are ever in it). */
  readonly path: string;
  readonly verb: Verb;
  readonly resource?: string | undefined;
  status?: number;
  /** ms until the response ended (watches: how long the stream stayed open). */
  durationMs?: number;
}

export interface ApiProxy {
  readonly url: string;
  /** A kubeconfig (mode 0600, temporary) identical to the given one except that it points at the proxy. */
  readonly kubeconfig: string;
  readonly requests: ProxiedRequest[];
  /** performance.now() at start, to convert `at` to this process's clock. */
  readonly startedAt: number;
  close(): Promise<void>;
}

interface KubeconfigDoc {
  clusters?: { cluster?: { server?: string } }[];
}

export async function startApiProxy(opts: {
  kubeconfig: string;
  certFile: string;
  keyFile: string;
}): Promise<ApiProxy> {
  const doc = parse(readFileSync(opts.kubeconfig, 'utf8')) as KubeconfigDoc;
  const cluster = doc.clusters?.[0]?.cluster;
  if (cluster?.server === undefined) throw new Error(`${opts.kubeconfig} names no cluster server`);
  const upstream = new URL(cluster.server);
  const cert = readFileSync(opts.certFile);
  const requests: ProxiedRequest[] = [];
  const startedAt = performance.now();
  const agent = new https.Agent({ keepAlive: true, ca: cert });

  const server = https.createServer({ cert, key: readFileSync(opts.keyFile) }, (req, res) => {
    const path = req.url ?? '/';
    const c = classifyRequest(req.method ?? 'GET', path);
    const rec: ProxiedRequest = {
      at: performance.now() - startedAt,
      method: req.method ?? 'GET',
      path,
      verb: c.verb,
      resource: c.resource,
    };
    requests.push(rec);
    const up = https.request(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path,
        headers: { ...req.headers, host: upstream.host },
      },
      (upRes) => {
        rec.status = upRes.statusCode;
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        upRes.on('end', () => {
          rec.durationMs = performance.now() - startedAt - rec.at;
        });
      },
    );
    up.on('error', (err) => {
      rec.status ??= 502;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${err.message}`);
    });
    // A client that goes away (an aborted watch) ends the upstream request too.
    res.on('close', () => {
      if (!up.destroyed) up.destroy();
      rec.durationMs ??= performance.now() - startedAt - rec.at;
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `https://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'kfg-bench-proxy-'));
  const kubeconfig = join(dir, 'kubeconfig');
  cluster.server = url;
  writeFileSync(kubeconfig, stringify(doc), { mode: 0o600 });
  return {
    url,
    kubeconfig,
    requests,
    startedAt,
    close: () =>
      new Promise<void>((resolve) => {
        rmSync(dir, { recursive: true, force: true });
        server.closeAllConnections();
        agent.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
