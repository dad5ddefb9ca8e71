/**
 * The login and HTTPS settings of the issue's install line, rendered into a fork through the real CLI,
 * real git and real `kubectl kustomize`: every Application renders offline, no secret reaches git, and
 * Dex, oauth2-proxy, the gateway and the RequestAuthentication agree on the URL and the issuer. A
 * re-run without the settings keeps them; oidc-direct makes the gateway trust the provider itself;
 * an LDAP directory's CA (--idp-ca-file) reaches Dex as a mounted file its connector names.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { fixturesMissing } from '../support/fixtures.js';
import { runCli, startForkEnv, TOKEN, type ForkEnv } from '../support/fork-env.js';
import { renderOffline } from '../support/render-offline.js';
import { makeTestCa } from '../support/test-ca.js';

const URL_ = 'https://kf.example.com';
const ISSUER = 'https://login.example.org/realms/kubeflow';
const SECRET = 'idp-client-secret-never-in-git-4242';

interface Obj {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: unknown;
  data?: Record<string, string>;
}

/** The value at a dotted path ("spec.jwtRules.0.issuer"), or undefined. */
function dig(o: unknown, path: string): unknown {
  let v = o;
  for (const k of path.split('.'))
    v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[k];
  return v;
}

function objects(yaml: string | undefined): Obj[] {
  return parseAllDocuments(yaml ?? '')
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);
}
const find = (objs: Obj[], kind: string, name: string): Obj | undefined =>
  // Generated ConfigMaps carry a content hash after their name.
  objs.find((o) => o.kind === kind && new RegExp(`^${name}(-[a-z0-9]{10})?$`).test(o.metadata?.name ?? ''));

describe.skipIf(fixturesMissing())('login and HTTPS rendered into the fork', () => {
  let env: ForkEnv;
  beforeAll(async () => {
    env = await startForkEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  async function cloneOf(fork: string): Promise<string> {
    const clone = join(mkdtempSync(join(env.root, 'login-')), 'f');
    await env.git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, clone]);
    return clone;
  }

  it('the install line renders a fork that renders offline, keeps the secret out and agrees on the URL', async () => {
    const fork = await env.newFork('login');
    const args = [
      '--idp',
      'oidc',
      '--idp-issuer',
      ISSUER,
      '--idp-client-id',
      'kubeflow',
      '--url',
      URL_,
      '--expose',
      'loadbalancer',
      '--tls',
      'self-signed',
      '--allowed-email-domains',
      'example.org',
      '--admin-email',
      'ada@example.org',
    ];
    const r = await runCli(
      env.cliArgs(
        'fork',
        fork,
        '26.03',
        '--yes',
        '--components',
        'jupyter-web-app,cert-manager,user-namespace',
        ...args,
      ),
      { KFG_GIT_TOKEN: TOKEN, KFG_IDP_CLIENT_SECRET: SECRET, KFG_ADMIN_PASSWORD: 'Correct-Horse-Battery-9' },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(SECRET);

    const clone = await cloneOf(fork);
    const history = await env.git(['log', '-p', '--all'], clone);
    expect(history).not.toContain(SECRET);
    expect(readFileSync(join(clone, '.git', 'config'), 'utf8')).not.toContain(SECRET);

    const apps = readdirSync(join(clone, 'kubeflow-apps')).filter((f) => f.endsWith('.yaml') && f !== 'root.yaml');
    const paths = apps.map(
      (f) =>
        (parse(readFileSync(join(clone, 'kubeflow-apps', f), 'utf8')) as { spec: { source: { path: string } } }).spec
          .source.path,
    );
    expect(paths.length).toBeGreaterThan(10);
    const rendered = await renderOffline(clone, paths);
    for (const [path, out] of rendered) expect(out.error, path).toBeUndefined();
    const at = (c: string) => objects(rendered.get(`overlays/generic/${c}`)?.yaml);

    // Dex: issuer at the URL, the provider as its connector with the secret as a variable, the admin's email.
    const dexCm = find(at('dex'), 'ConfigMap', 'dex');
    const dex = parse(dexCm?.data?.['config.yaml'] ?? '') as unknown;
    expect(dig(dex, 'issuer')).toBe(`${URL_}/dex`);
    expect(dig(dex, 'staticClients.0.redirectURIs')).toEqual([`${URL_}/oauth2/callback`]);
    expect(dig(dex, 'connectors.0')).toMatchObject({
      type: 'oidc',
      config: {
        issuer: ISSUER,
        clientID: 'kubeflow',
        clientSecret: '$IDP_CLIENT_SECRET',
        redirectURI: `${URL_}/dex/callback`,
      },
    });
    expect(dig(dex, 'staticPasswords.0.email')).toBe('ada@example.org');
    const dexDeploy = find(at('dex'), 'Deployment', 'dex');
    expect(dig(dexDeploy, 'spec.template.spec.containers.0.envFrom')).toContainEqual({
      secretRef: { name: 'dex-idp-credentials' },
    });

    // oauth2-proxy: the same issuer, the redirect and cookies at the URL, Secure cookies, allowed domain.
    const proxy = at('oauth2-proxy');
    const cfg = find(proxy, 'ConfigMap', 'oauth2-proxy')?.data?.['oauth2_proxy.cfg'] ?? '';
    expect(cfg).toContain(`oidc_issuer_url = "${URL_}/dex"`);
    expect(cfg).toContain(`redirect_url = "${URL_}/oauth2/callback"`);
    expect(cfg).toContain('cookie_domains = [ "kf.example.com" ]');
    expect(cfg).toContain('email_domains = [ "example.org" ]');
    expect(find(proxy, 'ConfigMap', 'oauth2-proxy-parameters')?.data?.FORCE_HTTPS).toBe('true');
    const ra = find(proxy, 'RequestAuthentication', 'dex-jwt');
    expect(dig(ra, 'spec.jwtRules.0.issuer')).toBe(`${URL_}/dex`);
    expect(dig(ra, 'spec.jwtRules.0.jwksUri')).toBe('http://dex.auth.svc.cluster.local:5556/dex/keys');

    // The gateway: HTTP redirects, HTTPS for the host with the certificate cert-manager issues.
    const gw = find(at('kubeflow-istio-resources'), 'Gateway', 'kubeflow-gateway');
    expect(dig(gw, 'spec.servers.0.tls')).toEqual({ httpsRedirect: true });
    expect(dig(gw, 'spec.servers.1')).toMatchObject({
      port: { number: 443 },
      hosts: ['kf.example.com'],
      tls: { credentialName: 'kubeflow-gateway-tls' },
    });
    const cert = find(at('kubeflow-istio-resources'), 'Certificate', 'kubeflow-gateway-tls');
    expect(cert?.metadata?.namespace).toBe('istio-system');
    expect(cert?.spec).toMatchObject({
      dnsNames: ['kf.example.com'],
      issuerRef: { name: 'kubeflow-self-signing-issuer' },
    });
    expect(dig(find(at('istio'), 'Service', 'istio-ingressgateway'), 'spec.type')).toBe('LoadBalancer');
    const jwa = at('jupyter-web-app').find(
      (o) => o.kind === 'ConfigMap' && o.data?.JWA_APP_SECURE_COOKIES !== undefined,
    );
    expect(jwa?.data?.JWA_APP_SECURE_COOKIES).toBe('true');
    // The profile belongs to the provider's admin.
    expect(rendered.get('overlays/generic/user-namespace')?.yaml ?? '').toMatch(/name: ada@example\.org/);

    // No login flags: the fork keeps what it has (as upgrade does).
    const again = await runCli(
      env.cliArgs('fork', fork, '26.03', '--yes', '--components', 'jupyter-web-app,cert-manager,user-namespace'),
      {
        KFG_GIT_TOKEN: TOKEN,
      },
    );
    expect(again.code, again.stderr).toBe(0);
    const kept = await cloneOf(fork);
    expect(readFileSync(join(kept, 'overlays/generic/dex/login/dex-config.yaml'), 'utf8')).toContain(
      `issuer: ${URL_}/dex`,
    );
    expect(readFileSync(join(kept, 'overlays/generic/oauth2-proxy/kustomization.yaml'), 'utf8')).toContain('- login');
  });

  it('oidc-direct: oauth2-proxy discovers the provider and the gateway trusts its issuer', async () => {
    const fork = await env.newFork('direct');
    const r = await runCli(
      [
        ...env.cliArgs('fork', fork, '26.03.1-rc.2', '--yes', '--components', 'oauth2-proxy,dex'),
        '--idp',
        'oidc-direct',
        '--idp-issuer',
        ISSUER,
        '--idp-client-id',
        'kubeflow',
        '--admin-email',
        'ada@example.org',
        '--allowed-groups',
        'kubeflow-users',
        '--url',
        URL_,
      ],
      { KFG_GIT_TOKEN: TOKEN, KFG_IDP_CLIENT_SECRET: SECRET, KFG_ADMIN_PASSWORD: 'Correct-Horse-Battery-9' },
    );
    expect(r.code, r.stderr).toBe(0);
    const clone = await cloneOf(fork);
    const rendered = await renderOffline(clone, ['overlays/generic/oauth2-proxy', 'overlays/generic/dex']);
    const proxy = objects(rendered.get('overlays/generic/oauth2-proxy')?.yaml);
    const cfg = find(proxy, 'ConfigMap', 'oauth2-proxy')?.data?.['oauth2_proxy.cfg'] ?? '';
    expect(cfg).toContain(`oidc_issuer_url = "${ISSUER}"`);
    expect(cfg).toContain('allowed_groups = [ "kubeflow-users" ]');
    expect(cfg).not.toMatch(/^(skip_oidc_discovery|login_url|redeem_url|oidc_jwks_url)\s*=/m);
    expect(find(proxy, 'ConfigMap', 'oauth2-proxy-parameters')?.data?.ALLOW_SELF_SIGNED_ISSUER).toBe('false');
    expect(dig(find(proxy, 'RequestAuthentication', 'dex-jwt'), 'spec.jwtRules.0')).toMatchObject({ issuer: ISSUER });
    expect(dig(find(proxy, 'RequestAuthentication', 'dex-jwt'), 'spec.jwtRules.0.jwksUri')).toBeUndefined();
    const env0 = dig(find(proxy, 'Deployment', 'oauth2-proxy'), 'spec.template.spec.containers.0.env') as {
      name: string;
    }[];
    expect(
      dig(
        env0.find((e) => e.name === 'OAUTH2_PROXY_CLIENT_SECRET'),
        'valueFrom.secretKeyRef.name',
      ),
    ).toBe('oauth2-proxy-idp-credentials');
  });

  it('ldap with --idp-ca-file: Dex mounts the directory CA from the fork and its connector names it', async () => {
    const ca = await makeTestCa();
    const fork = await env.newFork('ldap-ca');
    const r = await runCli(
      [
        ...env.cliArgs('fork', fork, '26.03.1-rc.2'),
        '--yes',
        '--components',
        'oauth2-proxy,dex',
        '--idp',
        'ldap',
        '--ldap-host',
        'ldap.example.org:636',
        '--ldap-bind-dn',
        'cn=dex,dc=example,dc=org',
        '--ldap-user-base-dn',
        'ou=people,dc=example,dc=org',
        '--idp-ca-file',
        ca.caFile,
        '--admin-email',
        'ada@example.org',
        '--url',
        URL_,
      ],
      { KFG_GIT_TOKEN: TOKEN, KFG_LDAP_BIND_PASSWORD: SECRET, KFG_ADMIN_PASSWORD: 'Correct-Horse-Battery-9' },
    );
    expect(r.code, r.stderr).toBe(0);
    const clone = await cloneOf(fork);
    const dex = objects((await renderOffline(clone, ['overlays/generic/dex'])).get('overlays/generic/dex')?.yaml);
    const pod = dig(find(dex, 'Deployment', 'dex'), 'spec.template.spec') as {
      containers: { volumeMounts: { name: string; mountPath: string }[] }[];
      volumes: { name: string; configMap?: { name: string } }[];
    };
    const volume = pod.volumes.find((v) => v.configMap?.name === 'dex-idp-ca');
    const mount = pod.containers[0]?.volumeMounts.find((m) => m.name === volume?.name);
    expect(find(dex, 'ConfigMap', 'dex-idp-ca')?.data?.['idp-ca.pem']).toBe(ca.ca);
    const config = parse(find(dex, 'ConfigMap', 'dex')?.data?.['config.yaml'] ?? '') as {
      connectors: { type: string; config: Record<string, unknown> }[];
    };
    expect(config.connectors[0]?.type).toBe('ldap');
    expect(config.connectors[0]?.config.rootCA).toBe(`${String(mount?.mountPath)}/idp-ca.pem`);
    expect(JSON.stringify(config)).not.toMatch(/insecureSkipVerify|insecureNoSSL/);
    // No commit ever added or removed the bind password (the whole patch log is too big to buffer).
    expect(await env.git(['log', '--all', '--format=%H', `-S${SECRET}`], clone)).toBe('');
  });
});
