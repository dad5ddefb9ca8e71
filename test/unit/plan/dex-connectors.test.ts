/**
 * Dex cannot run here (the Go module proxy does not serve it), so each connector the login renders
 * is checked against Dex's documented configuration for that connector type (dexidp.io/docs/connectors,
 * the `Config` structs of connector/<type> in dexidp/dex at v2.45): strict schemas, so a misspelt or
 * invented field fails, plus what the login promises: the callback at the external URL, secrets only
 * as `$VARIABLES` that the Secret install creates provides, and TLS verification never turned off.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { loginSecretsFor } from '../../../installer/steps/ensure-login-secrets.js';
import { loginOptionsFrom } from '../../../installer/inputs/login-options.js';
import type { Settings } from '../../../installer/inputs/settings.js';
import { loginUrls } from '../../../installer/plan/login-urls.js';
import { renderDexConfig, renderDexLoginComponent } from '../../../installer/plan/render-dex-login.js';

const s = z.string().min(1);
const oauthClient = { clientID: s, clientSecret: s, redirectURI: z.url() };
const DEX_SCHEMAS: Record<string, z.ZodType> = {
  oidc: z.strictObject({
    ...oauthClient,
    issuer: z.url(),
    basicAuthUnsupported: z.boolean().optional(),
    scopes: z.array(s).optional(),
    hostedDomains: z.array(s).optional(),
    rootCAs: z.array(s).optional(),
    insecureSkipEmailVerified: z.boolean().optional(),
    insecureEnableGroups: z.boolean().optional(),
    allowedGroups: z.array(s).optional(),
    acrValues: z.array(s).optional(),
    getUserInfo: z.boolean().optional(),
    userIDKey: s.optional(),
    userNameKey: s.optional(),
    promptType: z.string().optional(),
    overrideClaimMapping: z.boolean().optional(),
    claimMapping: z
      .strictObject({ preferred_username: s.optional(), email: s.optional(), groups: s.optional() })
      .optional(),
  }),
  github: z.strictObject({
    ...oauthClient,
    orgs: z.array(z.strictObject({ name: s, teams: z.array(s).optional() })).optional(),
    hostName: s.optional(),
    rootCA: s.optional(),
    teamNameField: z.enum(['name', 'slug', 'both']).optional(),
    loadAllGroups: z.boolean().optional(),
    useLoginAsID: z.boolean().optional(),
    preferredEmailDomain: s.optional(),
  }),
  google: z.strictObject({
    ...oauthClient,
    scopes: z.array(s).optional(),
    hostedDomains: z.array(s).optional(),
    groups: z.array(s).optional(),
    serviceAccountFilePath: s.optional(),
    domainToAdminEmail: z.record(s, s).optional(),
    fetchTransitiveGroupMembership: z.boolean().optional(),
    promptType: z.string().optional(),
  }),
  microsoft: z.strictObject({
    ...oauthClient,
    tenant: s.optional(),
    onlySecurityGroups: z.boolean().optional(),
    groups: z.array(s).optional(),
    groupNameFormat: z.enum(['name', 'id']).optional(),
    useGroupsAsWhitelist: z.boolean().optional(),
    emailToLowercase: z.boolean().optional(),
    promptType: z.string().optional(),
    domainHint: s.optional(),
    scopes: z.array(s).optional(),
  }),
  // Dex also documents insecureSkipVerify: left out, so the strict schema refuses it; insecureNoSSL
  // may only say false.
  ldap: z.strictObject({
    host: s,
    insecureNoSSL: z.literal(false).optional(),
    startTLS: z.boolean().optional(),
    rootCA: s.optional(),
    rootCAData: z.base64().optional(),
    clientCert: s.optional(),
    clientKey: s.optional(),
    bindDN: s,
    bindPW: s,
    usernamePrompt: s.optional(),
    userSearch: z.strictObject({
      baseDN: s,
      filter: s.optional(),
      username: s,
      scope: z.enum(['sub', 'one']).optional(),
      idAttr: s,
      emailAttr: s,
      nameAttr: s.optional(),
      preferredUsernameAttr: s.optional(),
      emailSuffix: s.optional(),
    }),
    groupSearch: z
      .strictObject({
        baseDN: s,
        filter: s.optional(),
        scope: z.enum(['sub', 'one']).optional(),
        userMatchers: z.array(z.strictObject({ userAttr: s, groupAttr: s })),
        nameAttr: s,
      })
      .optional(),
  }),
};

/** Upstream's Dex configuration (common/dex/base/config-map.yaml), as far as the login touches it. */
const UPSTREAM = `issuer: http://dex.auth.svc.cluster.local:5556/dex
enablePasswordDB: true
staticPasswords:
- email: user@example.com
  hashFromEnv: DEX_USER_PASSWORD
  username: user
  userID: "15841185641784"
staticClients:
- idEnv: OIDC_CLIENT_ID
  redirectURIs: ["/oauth2/callback"]
  name: 'Dex Login Application'
  secretEnv: OIDC_CLIENT_SECRET
`;

const URL_ = 'https://kf.example.com';
const common = { adminEmail: 'ada@example.org', url: URL_, idpClientId: 'kubeflow' };
const PROVIDERS: Record<string, Settings> = {
  oidc: { ...common, idp: 'oidc', idpIssuer: 'https://login.example.org/realms/kf', allowedGroups: ['ml'] },
  github: { ...common, idp: 'github', allowedGroups: ['acme'] },
  google: { ...common, idp: 'google', allowedEmailDomains: ['example.org'] },
  microsoft: { ...common, idp: 'microsoft', idpTenant: 'contoso.onmicrosoft.com', allowedGroups: ['kubeflow-users'] },
  ldap: {
    ...common,
    idp: 'ldap',
    ldapHost: 'ldap.example.org:636',
    ldapBindDn: 'cn=dex,dc=example,dc=org',
    ldapUserBaseDn: 'ou=people,dc=example,dc=org',
    ldapGroupBaseDn: 'ou=groups,dc=example,dc=org',
  },
};

interface Connector {
  type: string;
  id: string;
  name: string;
  config: Record<string, unknown>;
}

describe("Dex connectors match Dex's documented schema", () => {
  for (const [idp, settings] of Object.entries(PROVIDERS)) {
    it(`${idp}: a valid ${idp} connector, its secret a variable the Secret provides, Dex at the URL`, async () => {
      const login = loginOptionsFrom(settings);
      if (login === undefined) throw new Error('no login');
      const config = parse(renderDexConfig(UPSTREAM, login, loginUrls(login), 'ada@example.org')) as {
        issuer: string;
        connectors: Connector[];
        staticPasswords: { email: string }[];
      };
      expect(config.issuer).toBe(`${URL_}/dex`);
      expect(config.staticPasswords[0]?.email).toBe('ada@example.org');
      expect(config.connectors).toHaveLength(1);
      const c = config.connectors[0] as Connector;
      expect(c).toMatchObject({ type: idp, id: idp });
      expect(typeof c.name).toBe('string');
      const parsed = DEX_SCHEMAS[idp]?.safeParse(c.config);
      expect(parsed?.success, JSON.stringify(parsed?.error?.issues)).toBe(true);
      if (idp !== 'ldap') expect(c.config.redirectURI).toBe(`${URL_}/dex/callback`);
      expect(JSON.stringify(c.config)).not.toMatch(/insecureSkipVerify|insecureNoSSL/);

      const secretField = idp === 'ldap' ? 'bindPW' : 'clientSecret';
      const variable = /^\$([A-Z_]+)$/.exec(String(c.config[secretField]))?.[1];
      const secrets = await loginSecretsFor(login, { KFG_IDP_CLIENT_SECRET: 'x', KFG_LDAP_BIND_PASSWORD: 'y' });
      expect(secrets).toHaveLength(1);
      expect(secrets[0]?.name).toBe('dex-idp-credentials');
      expect(Object.keys(secrets[0]?.stringData ?? {})).toEqual([variable]);
    });
  }

  for (const idp of ['oidc', 'ldap'] as const)
    it(`${idp} with --idp-ca-file: the connector reads the bundle mounted from a ConfigMap in the fork`, () => {
      const login = loginOptionsFrom(PROVIDERS[idp]!);
      if (login === undefined) throw new Error('no login');
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      const upstreamCm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dex\ndata:\n  config.yaml: |\n${UPSTREAM.replace(/^/gm, '    ')}`;
      const files = renderDexLoginComponent(upstreamCm, login, loginUrls(login), 'ada@example.org', pem);
      // Public data: the CA goes into the fork as a file, generated into a ConfigMap and mounted.
      expect(files['idp-ca.pem']).toBe(pem);
      const k = parse(files['kustomization.yaml']!) as {
        patches: { patch?: string }[];
        configMapGenerator: { name: string; files: string[] }[];
      };
      expect(k.configMapGenerator).toEqual([expect.objectContaining({ name: 'dex-idp-ca', files: ['idp-ca.pem'] })]);
      const mount = parse(k.patches.find((p) => p.patch?.includes('volumeMounts'))?.patch ?? '[]') as {
        value: { mountPath?: string };
      }[];
      const dir = mount.find((m) => m.value.mountPath !== undefined)?.value.mountPath;
      const cm = parse(files['dex-config.yaml']!) as { data: { 'config.yaml': string } };
      const c = (parse(cm.data['config.yaml']) as { connectors: Connector[] }).connectors[0]!;
      const parsed = DEX_SCHEMAS[idp]?.safeParse(c.config);
      expect(parsed?.success, JSON.stringify(parsed?.error?.issues)).toBe(true);
      const field = idp === 'ldap' ? c.config.rootCA : (c.config.rootCAs as string[])[0];
      expect(field).toBe(`${String(dir)}/idp-ca.pem`);
      expect(JSON.stringify(c.config)).not.toMatch(/insecureSkipVerify|insecureNoSSL/);
    });

  it('drops the static user when asked, and keeps upstream issuer without --url', () => {
    const login = loginOptionsFrom({ ...PROVIDERS.github, url: undefined, noStaticUser: true });
    if (login === undefined) throw new Error('no login');
    const config = parse(renderDexConfig(UPSTREAM, login, loginUrls(login), 'ada@example.org')) as Record<
      string,
      unknown
    >;
    expect(config.issuer).toBe('http://dex.auth.svc.cluster.local:5556/dex');
    expect(config.enablePasswordDB).toBe(false);
    expect(config.staticPasswords).toBeUndefined();
    expect((config.connectors as Connector[])[0]?.config.redirectURI).toBe('http://localhost:8080/dex/callback');
  });
});
