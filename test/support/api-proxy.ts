/**
 * A loopback HTTP proxy in front of a real API server: every request is forwarded to it as it came
 * (method, path, headers, body, streamed answers for watches), except those `refuse` picks, which get
 * a real-shaped Status answer instead. Tests use it to make one later call of a run fail, after the
 * run changed the cluster. The proxy serves plain HTTP on 127.0.0.1; it reaches the API server over
 * TLS with the kubeconfig's CA and passes the client's credentials through.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  /** The status the client got (the API server's, or the refusal's). */
  status?: number;
}

export interface Refusal {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

export interface ApiProxy {
  /** Every request, in order. */
  readonly requests: readonly ProxiedRequest[];
  /** A kubeconfig like the original one whose server is the proxy. */
  readonly kubeconfig: string;
  close(): Promise<void>;
}

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data'?: string } }[];
}

export async function startApiProxy(
  kubeconfig: string,
  out: string,
  refuse: (r: ProxiedRequest, earlier: readonly ProxiedRequest[]) => Refusal | undefined,
): Promise<ApiProxy> {
  const text = readFileSync(kubeconfig, 'utf8');
  const cluster = (parse(text) as Kubeconfig).clusters[0]?.cluster;
  if (!cluster) throw new Error(`no cluster in ${kubeconfig}`);
  const upstream = new URL(cluster.server);
  const caData = cluster['certificate-authority-data'];
  const ca = caData ? Buffer.from(caData, 'base64') : undefined;
  const requests: ProxiedRequest[] = [];

  const server = http.createServer((req, res) => {
    const seen: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/' };
    const earlier = [...requests];
    requests.push(seen);
    const refusal = refuse(seen, earlier);
    if (refusal) {
      seen.status = refusal.code;
      req.resume();
      res.writeHead(refusal.code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', ...refusal }));
      return;
    }
    const headers = { ...req.headers, host: upstream.host };
    const forward = https.request(
      { host: upstream.hostname, port: upstream.port, method: seen.method, path: seen.path, headers, ca },
      (answer) => {
        seen.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (err) => {
      res.destroy(err);
    });
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  writeFileSync(
    out,
    text
      .replace(/server: \S+/, `server: http://127.0.0.1:${String(port)}`)
      // client-node speaks plain HTTP only to a cluster marked so.
      .replace(/certificate-authority-data: \S+/, 'insecure-skip-tls-verify: true'),
  );
  return {
    requests,
    kubeconfig: out,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
