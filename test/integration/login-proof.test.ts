/**
 * The login path proven with real programs, no browser: oauth2-proxy v7.15.6 and mockoidc (an OpenID
 * provider), both built from the Go module proxy like the local cluster's binaries, run as local
 * processes. oauth2-proxy runs with the configuration rendered into a fork by the CLI for
 * `--idp oidc-direct`: its oauth2_proxy.cfg, the Deployment's arguments and environment (ConfigMap and
 * Secret references resolved to what the install creates), mounted files laid out under a temporary
 * root. The provider serves HTTPS with a certificate from a CA made for the test, given as
 * --idp-ca-file: oauth2-proxy trusts it only through the bundle rendered into the fork, with TLS
 * verification on.
 * The authorization-code login runs over HTTP as a browser would; then /oauth2/auth and a page are
 * checked the way Istio's ext-authz asks (cookie header only), with the user's email and the issuer's
 * token in the answer, and users outside the allowed domain or group are refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loginSecretsFor } from '../../installer/steps/ensure-login-secrets.js';
import { loginOptionsFrom } from '../../installer/inputs/login-options.js';
import { buildLoginBinaries } from '../../installer/systems/local-cluster/login-binaries.js';
import { fixturesMissing } from '../support/fixtures.js';
import { run, runCli, startForkEnv, TOKEN, type ForkEnv } from '../support/fork-env.js';
import { call, CookieJar, type Answer } from '../support/http-call.js';
import { OFFLINE } from '../support/render-offline.js';
import { toolMissing } from '../support/require-tool.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';

const SECRET = 'provider-client-secret-4711';
const CLIENT = 'kubeflow';

interface K8sObject {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } };
}
interface Container {
  args: string[];
  env: EnvVar[];
  volumeMounts: { name: string; mountPath: string; subPath?: string }[];
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) =>
    s.close(() => {
      r();
    }),
  );
  return port;
}

const skip = fixturesMissing() || toolMissing('go', 'builds oauth2-proxy and the OpenID provider') !== undefined;

describe.skipIf(skip)('a real oauth2-proxy logs in against a real OpenID provider with the rendered config', () => {
  let env: ForkEnv;
  let ca: TestCa;
  let provider: ChildProcess;
  let proxy: ChildProcess | undefined;
  let issuer: string;
  let control: string;
  let external: string;
  let rendered: K8sObject[];
  const proxyLog: string[] = [];

  beforeAll(async () => {
    const bins = await buildLoginBinaries(() => undefined);
    env = await startForkEnv();
    ca = await makeTestCa();
    provider = spawn(
      bins.mockoidc,
      [
        '-addr',
        '127.0.0.1:0',
        '-control-addr',
        '127.0.0.1:0',
        '-client-id',
        CLIENT,
        '-tls-cert',
        ca.certFile,
        '-tls-key',
        ca.keyFile,
      ],
      { env: { ...process.env, MOCKOIDC_CLIENT_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const first = await new Promise<string>((resolve) => {
      createInterface({ input: provider.stdout! }).once('line', resolve);
    });
    ({ issuer, control } = JSON.parse(first) as { issuer: string; control: string });

    const port = await freePort();
    external = `http://localhost:${String(port)}`;
    const settings = {
      idp: 'oidc-direct',
      idpIssuer: issuer,
      idpClientId: CLIENT,
      url: external,
      allowedEmailDomains: ['example.org'],
      allowedGroups: ['kubeflow-users'],
      adminEmail: 'ada@example.org',
    };
    const fork = await env.newFork('proof');
    const r = await runCli(
      [
        'fork',
        '--fork',
        fork,
        '--mirror',
        env.mirror,
        '--release',
        '26.03',
        '--yes',
        '--components',
        'oauth2-proxy',
        '--idp',
        'oidc-direct',
        '--idp-issuer',
        issuer,
        '--idp-client-id',
        CLIENT,
        '--url',
        external,
        '--idp-ca-file',
        ca.caFile,
        '--allowed-email-domains',
        'example.org',
        '--allowed-groups',
        'kubeflow-users',
        '--admin-email',
        'ada@example.org',
      ],
      { KFG_GIT_TOKEN: TOKEN },
    );
    expect(r.code, r.stderr).toBe(0);
    const clone = join(mkdtempSync(join(env.root, 'proof-')), 'f');
    await env.git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, clone]);
    const { stdout } = await run('kubectl', ['kustomize', 'overlays/generic/oauth2-proxy'], {
      cwd: clone,
      env: OFFLINE,
      maxBuffer: 1 << 26,
    });
    rendered = parseAllDocuments(stdout).map((d) => d.toJS() as K8sObject);

    // The Secrets install creates: its own cookie secret, and the provider's client (loginSecretsFor).
    const secrets = new Map<string, Record<string, string>>([
      [
        'oauth2-proxy-credentials',
        {
          'client-id': 'kubeflow-oidc-authservice',
          'client-secret': 'unused',
          'cookie-secret': randomBytes(16).toString('hex'),
        },
      ],
    ]);
    for (const s of await loginSecretsFor(loginOptionsFrom(settings), { KFG_IDP_CLIENT_SECRET: SECRET }))
      secrets.set(s.name, { ...s.stringData });
    const objectNamed = (kind: string, name: string) =>
      rendered.find((o) => o.kind === kind && o.metadata.name === name);
    const deployment = objectNamed('Deployment', 'oauth2-proxy') as {
      spec: {
        template: { spec: { containers: Container[]; volumes: { name: string; configMap?: { name: string } }[] } };
      };
    };
    const pod = deployment.spec.template.spec;
    const c = pod.containers[0]!;
    const processEnv: Record<string, string> = {};
    for (const e of c.env) {
      const cm = e.valueFrom?.configMapKeyRef;
      const sk = e.valueFrom?.secretKeyRef;
      const v =
        e.value ??
        (cm ? objectNamed('ConfigMap', cm.name)?.data?.[cm.key] : sk ? secrets.get(sk.name)?.[sk.key] : undefined);
      if (v === undefined) throw new Error(`env ${e.name}: nothing to resolve it from`);
      processEnv[e.name] = v;
    }
    // Mounted files under a temporary root; every in-pod path in them and in the arguments follows.
    const root = mkdtempSync(join(env.root, 'pod-'));
    const moved = (text: string) =>
      c.volumeMounts.reduce((t, m) => t.split(m.mountPath).join(join(root, m.mountPath)), text);
    for (const m of c.volumeMounts) {
      const cmName = pod.volumes.find((v) => v.name === m.name)?.configMap?.name;
      const data = cmName === undefined ? undefined : objectNamed('ConfigMap', cmName)?.data;
      if (data === undefined) throw new Error(`mount ${m.mountPath}: no ConfigMap`);
      // A subPath mounts one key as the file; otherwise every key is a file in the folder.
      const files =
        m.subPath !== undefined
          ? { [m.mountPath]: data[m.subPath] }
          : Object.fromEntries(Object.entries(data).map(([k, v]) => [join(m.mountPath, k), v]));
      for (const [path, content] of Object.entries(files)) {
        if (content === undefined) throw new Error(`mount ${m.mountPath}: no file ${m.subPath ?? ''}`);
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), moved(content));
      }
    }
    const args = c.args.map((a) =>
      a.startsWith('--http-address=') ? `--http-address=127.0.0.1:${String(port)}` : moved(a),
    );
    proxy = spawn(bins.oauth2Proxy, args, {
      // Only the pod's environment: the provider's CA comes from the fork (--idp-ca-file), as in the pod.
      env: { ...processEnv, PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const s of [proxy.stdout!, proxy.stderr!]) createInterface({ input: s }).on('line', (l) => proxyLog.push(l));
    for (;;) {
      const up = await call(`${external}/ping`).catch(() => undefined);
      if (up?.status === 200) break;
      if (proxy.exitCode !== null) throw new Error(`oauth2-proxy exited:\n${proxyLog.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 900_000);

  afterAll(async () => {
    proxy?.kill();
    provider.kill();
    await env.close();
  });

  /** Queues the user the provider logs in next, then walks the authorization-code flow. */
  async function logIn(user: {
    Subject: string;
    Email: string;
    Groups: string[];
  }): Promise<{ jar: CookieJar; callback: Answer }> {
    const q = await call(`${control}/users`, {
      method: 'POST',
      body: JSON.stringify({ ...user, EmailVerified: true, PreferredUsername: user.Subject }),
    });
    expect(q.status).toBe(204);
    const jar = new CookieJar();
    const start = await call(`${external}/oauth2/start?rd=%2Fjupyter%2F`);
    jar.take(start);
    expect(start.status, start.body).toBe(302);
    expect(start.location).toMatch(new RegExp(`^${issuer}/authorize\\?`));
    const authorize = await call(start.location!, { ca: ca.ca });
    expect(authorize.status, authorize.body).toBe(302);
    expect(authorize.location).toMatch(new RegExp(`^${external}/oauth2/callback\\?`));
    const callback = await call(authorize.location!, { headers: { cookie: jar.header() } });
    jar.take(callback);
    return { jar, callback };
  }

  it('logs in a user of the allowed domain and group; ext-authz gets the email and the token', async () => {
    const { jar, callback } = await logIn({ Subject: 'ada', Email: 'ada@example.org', Groups: ['kubeflow-users'] });
    expect(callback.status, proxyLog.slice(-5).join('\n')).toBe(302);
    expect(callback.location).toBe(`${external}/jupyter/`);
    expect(jar.cookies.has('oauth2_proxy_kubeflow')).toBe(true);

    // Istio's ext-authz forwards only the cookie (includeRequestHeadersInCheck) and passes these on.
    const auth = await call(`${external}/oauth2/auth`, { headers: { cookie: jar.header() } });
    expect(auth.status).toBe(202);
    expect(auth.headers['x-auth-request-email']).toBe('ada@example.org');
    expect(auth.headers['x-auth-request-groups']).toContain('kubeflow-users');
    const page = await call(`${external}/jupyter/`, { headers: { cookie: jar.header() } });
    expect(page.status).toBe(200);
    const bearer = String(page.headers.authorization ?? auth.headers.authorization ?? '');
    expect(bearer).toMatch(/^Bearer /);
    // The token the gateway gets is the provider's, with the issuer the RequestAuthentication trusts.
    const claims = JSON.parse(Buffer.from(bearer.split('.')[1] ?? '', 'base64url').toString()) as {
      iss: string;
      email: string;
    };
    expect(claims).toMatchObject({ iss: issuer, email: 'ada@example.org' });
    const ra = rendered.find((o) => o.kind === 'RequestAuthentication') as { spec: { jwtRules: { issuer: string }[] } };
    expect(ra.spec.jwtRules[0]?.issuer).toBe(claims.iss);
  });

  it('refuses a user outside the allowed domain, and one outside the allowed group', async () => {
    for (const user of [
      { Subject: 'eve', Email: 'eve@elsewhere.example.com', Groups: ['kubeflow-users'] },
      { Subject: 'bob', Email: 'bob@example.org', Groups: ['other'] },
    ]) {
      const { jar, callback } = await logIn(user);
      expect(callback.status, user.Email).toBe(403);
      expect(jar.cookies.has('oauth2_proxy_kubeflow'), user.Email).toBe(false);
      const auth = await call(`${external}/oauth2/auth`, { headers: { cookie: jar.header() } });
      expect(auth.status, user.Email).toBe(401);
      // Refused for who they are, after a good login at the provider (not for a broken flow).
      expect(proxyLog.join('\n')).toMatch(new RegExp(`${user.Email}.*AuthFailure|AuthFailure.*${user.Email}`));
    }
  });
});
