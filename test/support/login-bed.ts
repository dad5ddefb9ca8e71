/**
 * The login test bed: oauth2-proxy v7.15.6 and mockoidc (an OpenID provider), both built from the Go
 * module proxy like the local cluster's binaries, run as local processes. oauth2-proxy runs with the
 * configuration rendered into a fork by the CLI for `--idp oidc-direct`: its oauth2_proxy.cfg, the
 * Deployment's arguments and environment (ConfigMap and Secret references resolved to what the
 * install creates), mounted files laid out under a temporary root. The provider serves HTTPS with a
 * certificate from a CA made for the test, given as --idp-ca-file: oauth2-proxy trusts it only through
 * the bundle rendered into the fork, with TLS verification on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseAllDocuments } from 'yaml';
import { loginSecretsFor } from '../../installer/steps/ensure-login-secrets.js';
import { loginOptionsFrom } from '../../installer/inputs/login-options.js';
import { buildLoginBinaries } from '../../installer/systems/local-cluster/login-binaries.js';
import { fixturesMissing } from './fixtures.js';
import { run, runCli, startForkEnv, TOKEN } from './fork-env.js';
import { call } from './http-call.js';
import { OFFLINE } from './render-offline.js';
import { toolMissing } from './require-tool.js';
import { makeTestCa, type TestCa } from './test-ca.js';

const SECRET = 'provider-client-secret-4711';
const CLIENT = 'kubeflow';

export interface K8sObject {
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

/** A user the provider logs in next (mockoidc's queue). */
export interface ProviderUser {
  Subject: string;
  Email: string;
  Groups: string[];
}

export interface LoginBed {
  readonly ca: TestCa;
  /** The provider's issuer (HTTPS) and its control address (queues users). */
  readonly issuer: string;
  readonly control: string;
  /** Where oauth2-proxy listens, as the gateway's external URL. */
  readonly external: string;
  /** The oauth2-proxy overlay as rendered from the fork. */
  readonly rendered: K8sObject[];
  readonly proxyLog: string[];
  queueUser(user: ProviderUser): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
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

/** Why the bed cannot run here (fixtures or Go missing), or undefined; in CI a missing tool throws. */
export function loginBedMissing(): string | undefined {
  return fixturesMissing() ?? toolMissing('go', 'builds oauth2-proxy and the OpenID provider');
}

/**
 * Starts the provider, renders a fork with the login flags and starts oauth2-proxy from it.
 * `upstream` replaces the rendered static upstream with a page on loopback, as the gateway routes to
 * the apps after ext-authz allowed the request.
 */
export async function startLoginBed(opts: { upstream?: string } = {}): Promise<LoginBed> {
  const bins = await buildLoginBinaries(() => undefined);
  const env = await startForkEnv();
  const children: ChildProcess[] = [];
  const close = async () => {
    for (const c of children) c.kill();
    await env.close();
  };
  try {
    const ca = await makeTestCa();
    const provider = spawn(
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
    children.push(provider);
    const first = await new Promise<string>((resolve) => {
      createInterface({ input: provider.stdout }).once('line', resolve);
    });
    const { issuer, control } = JSON.parse(first) as { issuer: string; control: string };

    const port = await freePort();
    const external = `http://localhost:${String(port)}`;
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
        ...env.cliArgs('fork', fork, '26.03'),
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
    if (r.code !== 0) throw new Error(`fork exited ${String(r.code)}:\n${r.stderr}`);
    const clone = join(mkdtempSync(join(env.root, 'proof-')), 'f');
    await env.git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, clone]);
    const { stdout } = await run('kubectl', ['kustomize', 'overlays/generic/oauth2-proxy'], {
      cwd: clone,
      env: OFFLINE,
      maxBuffer: 1 << 26,
    });
    const rendered = parseAllDocuments(stdout).map((d) => d.toJS() as K8sObject);

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
    // A flag wins over the config file in oauth2-proxy, so the rendered cfg stays as it is.
    if (opts.upstream !== undefined) args.push(`--upstream=${opts.upstream}`);
    const proxy = spawn(bins.oauth2Proxy, args, {
      // Only the pod's environment: the provider's CA comes from the fork (--idp-ca-file), as in the pod.
      env: { ...processEnv, PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(proxy);
    const proxyLog: string[] = [];
    for (const s of [proxy.stdout, proxy.stderr]) createInterface({ input: s }).on('line', (l) => proxyLog.push(l));
    for (;;) {
      const up = await call(`${external}/ping`).catch(() => undefined);
      if (up?.status === 200) break;
      if (proxy.exitCode !== null) throw new Error(`oauth2-proxy exited:\n${proxyLog.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const queueUser = async (user: ProviderUser) => {
      const q = await call(`${control}/users`, {
        method: 'POST',
        body: JSON.stringify({ ...user, EmailVerified: true, PreferredUsername: user.Subject }),
      });
      if (q.status !== 204) throw new Error(`mockoidc refused the user: ${String(q.status)} ${q.body}`);
    };
    return { ca, issuer, control, external, rendered, proxyLog, queueUser, close };
  } catch (e) {
    await close();
    throw e;
  }
}
