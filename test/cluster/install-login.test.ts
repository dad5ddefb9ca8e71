/**
 * The install line on the local cluster: `install --idp oidc --idp-issuer … --idp-client-id …
 * --url https://kf.example.com --expose loadbalancer --tls self-signed`, the client secret only in
 * KFG_IDP_CLIENT_SECRET. The issuer is a real OpenID provider (mockoidc, built like the cluster's
 * binaries) serving HTTPS with a CA made for the test, given as --idp-ca-file: the preflight fetches
 * its discovery document with TLS verified. The run ends with every component Synced at the pushed
 * commit and Healthy (real Argo CD), the provider's secret in the cluster's Secret and nowhere in the
 * fork's history, the run's output or the Dex configuration; a second run leaves the Secret as it was;
 * the end-of-install message and `open` show the HTTPS URL. Then the same fork switches to
 * `--idp oidc-direct`, whose Secret oauth2-proxy reads.
 *
 * The local cluster issues no certificates (no cert-manager controller runs, docs/local-cluster.md):
 * the `local` target tells Argo CD not to wait on cert-manager objects, the gateway's Certificate
 * included, so "Healthy" here says nothing about the Certificate; its readiness is unit-tested
 * (test/unit/watch/certificate-readiness.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEX_CLIENT_SECRET_VAR, DEX_IDP_SECRET } from '../../installer/plan/render-dex-login.js';
import { OAUTH2_PROXY_IDP_SECRET } from '../../installer/plan/render-oauth2-proxy-login.js';
import { GATEWAY_TLS_SECRET } from '../../installer/plan/render-exposure.js';
import { buildLoginBinaries } from '../../installer/systems/local-cluster/login-binaries.js';
import type { KubeObject } from '../../installer/systems/kube.js';
import { clusterTestSkip, installHarnessSuite, type CliRun } from '../support/installer-harness.js';
import { toolMissing } from '../support/require-tool.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';

const SECRET = 'idp-secret-in-the-cluster-only-7319';
const DIRECT_SECRET = 'direct-idp-secret-in-the-cluster-only-8426';
const CLIENT = 'kubeflow';
const URL_ = 'https://kf.example.com';

interface Secret extends KubeObject {
  data?: Record<string, string>;
}
const decoded = (s: Secret | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(s?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));

/** Commits whose diff adds or removes `s`, and commits whose tree holds it, on every branch. */
async function inHistory(git: (args: string[]) => Promise<string>, s: string): Promise<string[]> {
  const changed = await git(['log', '--all', '--format=%H', '-S', s]);
  const commits = (await git(['rev-list', '--all'])).split('\n').filter(Boolean);
  // git grep exits 1 when nothing matches (the answer wanted); any other failure is the test's.
  const held = await git(['grep', '-l', '-F', s, ...commits]).catch((e: unknown) => {
    if ((e as { code?: unknown }).code === 1) return '';
    throw e;
  });
  return [...changed.split('\n'), ...held.split('\n')].filter(Boolean);
}

const skip = clusterTestSkip() ?? toolMissing('go', 'builds the OpenID provider (mockoidc)');

describe.skipIf(skip)('install with the organisation login over HTTPS on the local cluster', () => {
  const h = installHarnessSuite();
  let ca: TestCa;
  let provider: ChildProcess;
  let issuer: string;
  const runs: CliRun[] = [];

  beforeAll(async () => {
    const bins = await buildLoginBinaries(() => undefined);
    ca = await makeTestCa();
    // The provider knows the secret (it checks it at the token endpoint); it reads it from its environment.
    provider = spawn(
      bins.mockoidc,
      ['-addr', '127.0.0.1:0', '-client-id', CLIENT, '-tls-cert', ca.certFile, '-tls-key', ca.keyFile],
      { env: { ...process.env, MOCKOIDC_CLIENT_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const first = await new Promise<string>((resolve) => {
      createInterface({ input: provider.stdout! }).once('line', resolve);
    });
    ({ issuer } = JSON.parse(first) as { issuer: string });
  });
  afterAll(() => {
    provider.kill();
  });

  const loginArgs = (idp: 'oidc' | 'oidc-direct') => [
    '--idp',
    idp,
    '--idp-issuer',
    issuer,
    '--idp-client-id',
    CLIENT,
    '--idp-ca-file',
    ca.caFile,
    '--url',
    URL_,
    '--expose',
    'loadbalancer',
    '--tls',
    'self-signed',
    '--admin-email',
    'ada@example.org',
  ];
  const install = async (idp: 'oidc' | 'oidc-direct', secret: string): Promise<CliRun> => {
    const args = [...h.installArgs({ components: 'cert-manager,kubeflow-istio-resources' }), ...loginArgs(idp)];
    expect(args.join(' ')).not.toContain(secret);
    const r = await h.cli(args, { KFG_IDP_CLIENT_SECRET: secret });
    runs.push(r);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, await h.explain(r)).toBe(0);
    return r;
  };
  const dexSecret = () =>
    h.kube.get<Secret>({ apiVersion: 'v1', kind: 'Secret', namespace: 'auth', name: DEX_IDP_SECRET });

  it('installs to Synced and Healthy with the secret only in the cluster, at the HTTPS URL', async () => {
    const r = await install('oidc', SECRET);
    expect(r.stderr).toContain('discovery document found, TLS verified');
    const [, branch, revision] = r.stdout.trim().split(' ');
    const remote = await h.forkTip(branch);
    expect(revision).toBe(remote);
    const apps = await h.expectEveryComponentAt(remote);
    expect(apps.map((a) => a.metadata?.name).sort()).toEqual(
      [
        'cert-manager',
        'dex',
        'istio',
        'istio-crds',
        'istio-namespace',
        'kubeflow-istio-resources',
        'kubeflow-namespace',
        'oauth2-proxy',
      ].sort(),
    );

    // The end-of-install message names the external URL, not a port-forward.
    expect(r.stderr).toContain(URL_);

    // The cluster holds the secret where Dex's configuration reads it; the configuration names only the variable.
    expect(decoded(await dexSecret())).toEqual({ [DEX_CLIENT_SECRET_VAR]: SECRET });
    const dexCm = await h.kube.get<KubeObject & { data?: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'auth',
      name: 'dex',
    });
    const dexConfig = dexCm?.data?.['config.yaml'] ?? '';
    expect(dexConfig).toContain(`$${DEX_CLIENT_SECRET_VAR}`);
    expect(dexConfig).toContain(`${URL_}/dex`);
    expect(dexConfig).not.toContain(SECRET);

    // The gateway serves the URL's host with the Certificate's Secret, and the Certificate is in the cluster.
    const gw = await h.kube.get<KubeObject & { spec?: { servers?: { hosts?: string[]; tls?: unknown }[] } }>({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'Gateway',
      namespace: 'kubeflow',
      name: 'kubeflow-gateway',
    });
    expect(gw?.spec?.servers).toContainEqual(
      expect.objectContaining({
        hosts: ['kf.example.com'],
        tls: { mode: 'SIMPLE', credentialName: GATEWAY_TLS_SECRET },
      }),
    );
    const cert = await h.kube.get<KubeObject & { spec?: { dnsNames?: string[] } }>({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      namespace: 'istio-system',
      name: GATEWAY_TLS_SECRET,
    });
    expect(cert?.spec?.dnsNames).toEqual(['kf.example.com']);
    // Nothing issues it here; the local target has Argo CD leave it out of the health, as every cert-manager object.
    expect(cert?.metadata?.annotations?.['argocd.argoproj.io/ignore-healthcheck']).toBe('true');
    const svc = await h.kube.get<KubeObject & { spec?: { type?: string } }>({
      apiVersion: 'v1',
      kind: 'Service',
      namespace: 'istio-system',
      name: 'istio-ingressgateway',
    });
    expect(svc?.spec?.type).toBe('LoadBalancer');

    // Nothing in git: no commit on any branch of a fresh clone adds or removes it (git's pickaxe over
    // every diff; the history holds upstream's manifests, too large to print), and no tree holds it.
    const clone = await h.cloneFork(branch);
    expect(await inHistory(clone.git, SECRET)).toEqual([]);
    expect(await clone.git(['config', '--list'])).not.toContain(SECRET);

    // `open` on an HTTPS install names the URL rather than forwarding a port.
    const open = await h.cli(['open']);
    expect(open.code, open.stderr).toBe(0);
    expect(open.stdout.trim()).toBe(`${URL_}/`);
  });

  it('a second run changes neither the fork nor the Secret', async () => {
    const before = await dexSecret();
    const tip = await h.forkTip();
    const r = await install('oidc', SECRET);
    expect(await h.forkTip()).toBe(tip);
    await h.expectEveryComponentAt(tip);
    const after = await dexSecret();
    expect(after?.metadata?.resourceVersion).toBe(before?.metadata?.resourceVersion);
    expect(after?.metadata?.uid).toBe(before?.metadata?.uid);
    expect(r.stderr).toContain(URL_);
  });

  it('switching the same fork to --idp oidc-direct stores the secret where oauth2-proxy reads it', async () => {
    const r = await install('oidc-direct', DIRECT_SECRET);
    const [, branch, revision] = r.stdout.trim().split(' ');
    const remote = await h.forkTip(branch);
    expect(revision).toBe(remote);
    await h.expectEveryComponentAt(remote);
    const s = await h.kube.get<Secret>({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'oauth2-proxy',
      name: OAUTH2_PROXY_IDP_SECRET,
    });
    expect(decoded(s)).toEqual({ 'client-id': CLIENT, 'client-secret': DIRECT_SECRET });
    const clone = await h.cloneFork(branch);
    expect(await inHistory(clone.git, DIRECT_SECRET)).toEqual([]);
  });

  it('no run printed a secret', () => {
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) {
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout + r.stderr).not.toContain(DIRECT_SECRET);
    }
  });
});
