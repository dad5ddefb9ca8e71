/**
 * The page behind oauth2-proxy, standing in for Kubeflow's dashboard: a loopback server that shows
 * who oauth2-proxy says is signed in (its X-Forwarded-Email and -Groups headers), so a browser test
 * can read the user from the DOM and the docs can show the page after login.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SignedInPage {
  readonly url: string;
  close(): Promise<void>;
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(email: string, groups: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Signed in</title>
<style>
body { font-family: sans-serif; margin: 0; background: #f4f4f4; color: #222; }
header { background: #1a56db; color: #fff; padding: 14px 24px; font-size: 20px; }
main { margin: 40px auto; max-width: 560px; background: #fff; padding: 24px 32px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,.15); }
dt { color: #666; font-size: 13px; margin-top: 12px; } dd { margin: 2px 0 0; font-size: 18px; }
</style></head>
<body><header>A page behind oauth2-proxy (in the cluster: Kubeflow's dashboard)</header>
<main><h1>Signed in</h1>
<dl><dt>email</dt><dd id="email">${escape(email)}</dd><dt>groups</dt><dd id="groups">${escape(groups)}</dd></dl>
<p>oauth2-proxy let this request through with the identity above, as the gateway passes it to Kubeflow.</p>
</main></body></html>
`;
}

export async function startSignedInPage(): Promise<SignedInPage> {
  const server: Server = createServer((req, res) => {
    const h = (n: string) => String(req.headers[n] ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(h('x-forwarded-email'), h('x-forwarded-groups')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => {
          r();
        });
      }),
  };
}
