import { describe, expect, it } from 'vitest';
import { UserError } from '../../../installer/core/errors.js';
import { loginSecretsFor } from '../../../installer/steps/ensure-login-secrets.js';
import { loginOptionsFrom } from '../../../installer/inputs/login-options.js';

const base = { idp: 'oidc', idpIssuer: 'https://idp.example.org', idpClientId: 'kf', adminEmail: 'ada@example.org' };

describe('login options', () => {
  it('are absent without any login setting, so the fork keeps its own', () => {
    expect(loginOptionsFrom({ release: '26.03' })).toBeUndefined();
  });

  it('normalise the URL and parse --tls', () => {
    const l = loginOptionsFrom({
      ...base,
      url: 'https://kf.example.com/',
      expose: 'loadbalancer',
      tls: 'acme:ops@example.com',
    });
    expect(l).toMatchObject({
      url: 'https://kf.example.com',
      expose: 'loadbalancer',
      tls: { kind: 'acme', email: 'ops@example.com' },
    });
    expect(l?.staticUser).toBe(true);
    expect(loginOptionsFrom({ ...base, noStaticUser: true })?.staticUser).toBe(false);
  });

  it('name every flag to fix at once', () => {
    const run = () =>
      loginOptionsFrom({
        idp: 'oidc',
        idpIssuer: 'http://idp.example.org',
        url: 'https://kf.example.com/x',
        tls: 'secret:default/tls',
        expose: 'nodeport',
      });
    expect(run).toThrow(UserError);
    expect(run).toThrow(/--idp-client-id is required with --idp oidc/);
    expect(run).toThrow(/--idp-issuer "http:\/\/idp.example.org" must be an https:\/\/ URL/);
    expect(run).toThrow(/--url "https:\/\/kf.example.com\/x" must be http\(s\):\/\/<host>\[:port\] with no path/);
    expect(run).toThrow(/--tls secret:default\/tls: the Secret must be in istio-system/);
    expect(run).toThrow(/--admin-email is required with --idp oidc/);
    expect(() => loginOptionsFrom({ tls: 'self-signed', url: 'https://kf.example.com' })).toThrow(
      /--tls needs --expose loadbalancer, nodeport or ingress/,
    );
    expect(() => loginOptionsFrom({ noStaticUser: true })).toThrow(/--no-static-user needs --idp/);
    expect(() =>
      loginOptionsFrom({ idp: 'github', idpClientId: 'kf', adminEmail: 'a@b.org', idpCaFile: 'ca.pem' }),
    ).toThrow(/--idp-ca-file applies to --idp oidc, oidc-direct and ldap/);
    expect(() => loginOptionsFrom({ url: 'https://kf.example.com', idpCaFile: 'ca.pem' })).toThrow(
      /--idp-ca-file needs --idp/,
    );
  });

  it('read the secret from its file or variable, and name both when it is missing', async () => {
    const direct = loginOptionsFrom({ ...base, idp: 'oidc-direct' });
    expect(await loginSecretsFor(direct, { KFG_IDP_CLIENT_SECRET: 's3cret\n' })).toEqual([
      {
        namespace: 'oauth2-proxy',
        name: 'oauth2-proxy-idp-credentials',
        stringData: { 'client-id': 'kf', 'client-secret': 's3cret' },
      },
    ]);
    const viaDex = loginOptionsFrom({ ...base, idpClientSecretFile: '/run/secret' });
    expect(await loginSecretsFor(viaDex, {}, () => Promise.resolve('from-file\n'))).toEqual([
      { namespace: 'auth', name: 'dex-idp-credentials', stringData: { IDP_CLIENT_SECRET: 'from-file' } },
    ]);
    await expect(loginSecretsFor(direct, {})).rejects.toThrow(
      'export KFG_IDP_CLIENT_SECRET or pass --idp-client-secret-file <file>',
    );
    const ldap = loginOptionsFrom({
      idp: 'ldap',
      ldapHost: 'ldap.example.org:636',
      ldapBindDn: 'cn=dex,dc=example,dc=org',
      ldapUserBaseDn: 'ou=people,dc=example,dc=org',
      adminEmail: 'ada@example.org',
    });
    expect(await loginSecretsFor(ldap, { KFG_LDAP_BIND_PASSWORD: 'bind' })).toEqual([
      { namespace: 'auth', name: 'dex-idp-credentials', stringData: { LDAP_BIND_PASSWORD: 'bind' } },
    ]);
  });
});
