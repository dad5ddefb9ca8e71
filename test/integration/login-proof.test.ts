/**
 * The login path proven with real programs, no browser: oauth2-proxy v7.15.6 and mockoidc run with
 * the configuration rendered into a fork for `--idp oidc-direct` (test/support/login-bed.ts), the
 * provider over HTTPS verified through the rendered --idp-ca-file bundle.
 * The authorization-code login runs over HTTP as a browser would; then /oauth2/auth and a page are
 * checked the way Istio's ext-authz asks (cookie header only), with the user's email and the issuer's
 * token in the answer, and users outside the allowed domain or group are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, CookieJar, type Answer } from '../support/http-call.js';
import { loginBedMissing, startLoginBed, type LoginBed, type ProviderUser } from '../support/login-bed.js';

describe.skipIf(loginBedMissing())(
  'a real oauth2-proxy logs in against a real OpenID provider with the rendered config',
  () => {
    let bed: LoginBed;

    beforeAll(async () => {
      bed = await startLoginBed();
    }, 900_000);

    afterAll(async () => {
      await bed.close();
    });

    /** Queues the user the provider logs in next, then walks the authorization-code flow. */
    async function logIn(user: ProviderUser): Promise<{ jar: CookieJar; callback: Answer }> {
      const { external, issuer, ca } = bed;
      await bed.queueUser(user);
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
      const { external, issuer, rendered } = bed;
      const { jar, callback } = await logIn({ Subject: 'ada', Email: 'ada@example.org', Groups: ['kubeflow-users'] });
      expect(callback.status, bed.proxyLog.slice(-5).join('\n')).toBe(302);
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
      const ra = rendered.find((o) => o.kind === 'RequestAuthentication') as {
        spec: { jwtRules: { issuer: string }[] };
      };
      expect(ra.spec.jwtRules[0]?.issuer).toBe(claims.iss);
    });

    it('refuses a user outside the allowed domain, and one outside the allowed group', async () => {
      const { external, proxyLog } = bed;
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
  },
);
