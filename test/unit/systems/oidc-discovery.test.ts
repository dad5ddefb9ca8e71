/**
 * The issuer preflight against a real HTTPS server on loopback with a certificate from a CA made for
 * the test: verified with --idp-ca-file, refused without it (naming the flag), and refused when the
 * document names another issuer or is not there. Verification is never skipped.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDiscovery } from '../../../installer/systems/oidc-discovery.js';
import { makeTestCa, type TestCa } from '../../support/test-ca.js';

describe('OIDC discovery preflight', () => {
  let ca: TestCa;
  let server: Server;
  let issuer: string;
  let claimed: string;
  beforeAll(async () => {
    ca = await makeTestCa();
    server = createServer({ cert: ca.cert, key: ca.key }, (req, res) => {
      if (req.url !== '/realms/kf/.well-known/openid-configuration') {
        res.writeHead(404).end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          issuer: claimed,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/certs`,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `https://127.0.0.1:${String((server.address() as AddressInfo).port)}/realms/kf`;
    claimed = issuer;
  });
  afterAll(() => {
    server.close();
  });

  it('verifies the TLS with the given CA bundle and returns the endpoints', async () => {
    const d = await fetchDiscovery(issuer, { caFile: ca.caFile });
    expect(d.token_endpoint).toBe(`${issuer}/token`);
  });

  it('refuses a certificate this machine does not trust, naming --idp-ca-file', async () => {
    await expect(fetchDiscovery(issuer)).rejects.toThrow(
      /its TLS certificate does not verify \(signed by a CA this machine does not trust: UNABLE_TO_VERIFY_LEAF_SIGNATURE\); pass the CA that signed it with --idp-ca-file/,
    );
  });

  it('refuses a document that names another issuer, and a missing one', async () => {
    claimed = 'https://elsewhere.example.org/realms/kf';
    try {
      await expect(fetchDiscovery(issuer, { caFile: ca.caFile })).rejects.toThrow(
        'the provider calls itself "https://elsewhere.example.org/realms/kf"',
      );
    } finally {
      claimed = issuer;
    }
    await expect(fetchDiscovery(`${issuer}x`, { caFile: ca.caFile })).rejects.toThrow('answered HTTP 404');
    await expect(fetchDiscovery(issuer, { caFile: '/nonexistent.pem' })).rejects.toThrow(
      '--idp-ca-file /nonexistent.pem: cannot read it (ENOENT)',
    );
  });
});
