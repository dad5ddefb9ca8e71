/** Readiness probes that speak the components' real protocols (HTTPS health endpoints, RESP, TCP). */
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

export interface HttpProbe {
  status: number;
  body: string;
}

/**
 * GET over HTTP(S). Component health ports (KCM, scheduler) serve self-signed certs nobody can verify
 * from outside, so TLS verification is off unless a CA is given.
 */
export function httpGet(
  url: string,
  opts: { token?: string; ca?: string; timeoutMs?: number } = {},
): Promise<HttpProbe> {
  const u = new URL(url);
  const headers: Record<string, string> = opts.token ? { Authorization: `Bearer ${opts.token}` } : {};
  return new Promise((resolve, reject) => {
    const onResponse = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    };
    const req =
      u.protocol === 'https:'
        ? request(
            u,
            { headers, ca: opts.ca, rejectUnauthorized: opts.ca !== undefined, timeout: opts.timeoutMs ?? 5000 },
            onResponse,
          )
        : httpRequest(u, { headers, timeout: opts.timeoutMs ?? 5000 }, onResponse);
    req.on('timeout', () => {
      req.destroy(new Error(`timeout calling ${url}`));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function httpOk(url: string, opts: { token?: string; ca?: string } = {}): Promise<boolean> {
  const res = await httpGet(url, opts);
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${res.body.slice(0, 300)}`);
  return true;
}

/** Sends a raw command on a TCP port and resolves with the first chunk of the answer. */
export function tcpExchange(port: number, payload: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`timeout on 127.0.0.1:${port}`));
    }, timeoutMs);
    sock.on('connect', () => {
      if (payload) sock.write(payload);
      else {
        clearTimeout(timer);
        sock.end();
        resolve('');
      }
    });
    sock.on('data', (d) => {
      clearTimeout(timer);
      sock.end();
      resolve(d.toString());
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export async function redisPing(port: number): Promise<boolean> {
  return (await tcpExchange(port, 'PING\r\n')).startsWith('+PONG');
}

export async function tcpOpen(port: number): Promise<boolean> {
  await tcpExchange(port, '');
  return true;
}
